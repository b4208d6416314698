"""OCR: scanned PDFs and images become text (docs/capture.md, "Scans").

- ``capture/scans.py`` (beside this package: extraction uses it) looks at a file before
  anything is read: which pages have a usable text layer, which need OCR, and whether the
  file is within the limits (pages, pixels); an image becomes an image-only PDF (img2pdf,
  lossless).
- ``engine.py`` runs OCRmyPDF (Tesseract with the English, Russian, Japanese and
  vertical-Japanese models, from Debian's packages) in a child process with memory and
  time limits, on the pages that need it only: each page's text, confidence, language and
  orientation, and the searchable PDF it writes (kept beside the original, which is never
  changed).
- ``readings.py`` is a reading's life: queued when a scan is captured or read again, done
  in the background (a thread of the development server, or ``manage.py ocr --follow``
  beside the web workers), its result put into the draft it made.
"""
