"""Side files that every serving process maps (a segment's facts, its pairs of frequent
words) are written in pieces of 64 KiB.

Linux keeps a file's pages in the page cache in blocks as large as the writes that made
them (up to 2 MiB on ext4), and a process that maps the file and touches one page of a
block maps the whole block. A side file written in one call was then counted whole in
every worker that read a page of it: at 1,000,000 entries, reading the facts files'
headers alone mapped 60 of their 87 MiB into each worker (6 MiB when written in pieces),
and after the query mix the facts and pairs files held 86 + 57 MiB of each worker's
resident memory against 51 + 38. The page cache holds the same bytes either way; what
changes is how much of it each worker maps and is charged for.
"""

PIECE_BYTES = 64 << 10


def write_in_pieces(file, data) -> None:
    """Write ``data`` (bytes or an array's buffer) to ``file`` in calls of at most
    ``PIECE_BYTES``."""
    view = memoryview(data).cast("B")
    for start in range(0, len(view), PIECE_BYTES):
        file.write(view[start : start + PIECE_BYTES])
