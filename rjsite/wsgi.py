"""WSGI entry point for servers such as gunicorn."""

import logging
import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rjsite.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402

from archive import search  # noqa: E402 (needs the application set up)
from archive.processes import give_large_blocks_back  # noqa: E402

give_large_blocks_back(settings.ARCHIVE_MALLOC_MMAP_THRESHOLD)


def _warm_up_search():
    from django.db import connections
    from django.urls import get_resolver

    from archive import search

    try:
        get_resolver().url_patterns  # noqa: B018 (imported on first use: 50 ms)
        search.warm_up()
    except Exception as error:  # A damaged index: the first search reports and rebuilds it.
        logging.getLogger("archive.search").warning("Search warm-up skipped: %s", error)
    finally:
        connections.close_all()  # this thread's own, opened to read names


# Each server process (gunicorn imports this module after forking a worker) reads the
# index's per-segment arrays in the background instead of during its first search, and
# keeps its node's index following the change log (archive/search/sync/following.py).
threading.Thread(target=_warm_up_search, name="warm-up-search", daemon=True).start()
search.start_following()
