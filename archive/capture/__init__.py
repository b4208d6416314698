"""Capture: a saved web page, a PDF or a text file becomes a draft entry in one step.

The original is stored for good (``originals.py``: addressed by its SHA-256, never
duplicated, its type read from its content), its text and metadata are extracted with
maintained libraries (``extraction.py``: trafilatura for pages, pypdf for PDFs,
py3langid for the language), every value saying where it came from, and a draft entry
is made from them (``services.py``). Editors do this in the admin ("Add from file") or
in bulk with ``manage.py capture``.
"""
