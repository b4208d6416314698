"""How index segments are written: one place, so that a rebuild's worker processes (which
load no Django models) write segments exactly as the serving processes do."""

from whoosh.codec.whoosh3 import W3Codec


class ArchiveCodec(W3Codec):
    """Whoosh's format, without the per-block field-length statistics that only Whoosh's
    own ranking shortcuts use (the search ranks with numpy, see docsets.py): writing them
    looked up a document's field length for every posting."""

    length_stats = False


# Postings per block of a posting list (Whoosh's default): a search that wants a word's
# postings in some documents only skips the blocks that hold none of them.
BLOCK_POSTINGS = 128

# Separate files, not one compound file: Whoosh 2.7 reads the parts of a compound file
# through BytesIO, which copies them (hundreds of MB at 100,000 entries) into memory each
# time a searcher opens, in every process. Posting blocks uncompressed: searches decode
# whole posting lists, and zlib was a third of that.
SEGMENT_FILES = {"compound": False, "codec": ArchiveCodec(blocklimit=BLOCK_POSTINGS, compression=0)}
