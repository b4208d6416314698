"""Capture by address: the server fetches a page and what it needs to display into a WARC
file (ISO 28500, warcio), which becomes the draft entry's original.

- ``guard.py``: which addresses the server may fetch (http(s) only; every address a host
  resolves to public, unless ``ARCHIVE_CAPTURE_ALLOWED_NETWORKS`` lists it).
- ``fetching.py``: one fetch, hop by hop (each redirect's address checked, at most ten),
  connected to the address that was checked (no second lookup a DNS answer could change),
  within size and time limits, robots.txt respected unless the editor says otherwise.
- ``warcs.py``: the page and its resources (images, styles, fonts; scripts recorded, never
  run) written as request and response records.
"""
