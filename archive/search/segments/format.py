"""How index segments are written: one place, so that a rebuild's worker processes (which
load no Django models) write segments exactly as the serving processes do."""

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter
from whoosh.filedb.filetables import _lengths as _HASH_RECORD_LENGTHS
from whoosh.formats import Positions
from whoosh.system import pack_ushort

from archive.search.segments import varints
from archive.search.segments.compact_postings import (
    BLOCK_POSTINGS,
    CompactLeafMatcher,
    CompactPostingsWriter,
    term_info_bytes,
)

WRITE_CHUNK_BYTES = 4 << 20  # of posting lists, written at once by add_encoded_terms


class ArchiveCodec(W3Codec):
    """Whoosh's format, without the per-block field-length statistics that only Whoosh's
    own ranking shortcuts use (the search ranks with numpy, see docsets.py): writing them
    looked up a document's field length for every posting.

    Segments written before ``CompactCodec`` name this class; it still reads them."""

    length_stats = False


class CompactCodec(ArchiveCodec):
    """ArchiveCodec with posting lists in ``compact_postings``' layout: a fifth of the
    size, and read by numpy a whole list at a time. Terms file, stored fields and columns
    are Whoosh's own."""

    def postings_writer(self, dbfile, byteids=False):
        return CompactPostingsWriter(dbfile, self._blocklimit)

    def field_writer(self, storage, segment):
        return CompactFieldWriter(self, storage, segment)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        # Never inlined in the terms file: CompactPostingsWriter always writes a list.
        offset, length = terminfo.extent()
        return CompactLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class CompactFieldWriter(W3FieldWriter):
    """Whoosh's terms file writer, which also takes posting lists already encoded (by
    ``compact_postings.encode_field``, for a rebuild's batch writer)."""

    def add_encoded_terms(self, terms, encoded):
        """Terms in order, each with its posting list already encoded and its statistics
        (``encode_field``'s bytes, total weight, document count, highest weight, first
        and last document), written a chunk at a time. The terms file is Whoosh's
        ordered hash file: its records, hashes and positions are made here as
        ``OrderedHashWriter.add`` makes them, in one loop; one ``add`` a term, each
        record written through Whoosh's file wrapper, was most of a rebuild's writing
        of a segment's terms."""
        tindex = self._tindex
        hashfn, buckets, positions = tindex.hashfn, tindex.buckets, tindex.index
        prefix = pack_ushort(self._fieldid)
        offset = self._postfile.tell()
        at = tindex.dbfile.tell()
        lastkey = tindex.lastkey
        postings, records, held = [], [], 0
        for term, (data, weight, df, highest, first, last) in zip(terms, encoded, strict=True):
            key = prefix + term
            if key <= lastkey:
                raise ValueError(f"Keys must increase: {lastkey!r}..{key!r}")
            info = term_info_bytes(weight, df, highest, first, last, offset, len(data))
            record = _HASH_RECORD_LENGTHS.pack(len(key), len(info)) + key + info
            positions.append(at)
            hashed = hashfn(key)
            buckets[hashed & 255].append((hashed, at))
            postings.append(data)
            records.append(record)
            offset += len(data)
            at += len(record)
            held += len(data)
            lastkey = key
            if held >= WRITE_CHUNK_BYTES:
                self._postfile.write(b"".join(postings))
                tindex.dbfile.write(b"".join(records))
                postings, records, held = [], [], 0
        self._postfile.write(b"".join(postings))
        tindex.dbfile.write(b"".join(records))
        tindex.lastkey = lastkey


class CompactPositions(Positions):
    """A word's positions in a field as variable-length integers: how many, then the gap
    before each. A value of Whoosh's own Positions format (a four-byte count, then a
    pickle) starts with a zero byte, which this one never does (a count is at least 1):
    both are read, so a generation written before keeps working until it is rebuilt."""

    def encode(self, poslist):
        gaps = [poslist[0]] if poslist else []
        gaps.extend(b - a for a, b in zip(poslist, poslist[1:], strict=False))
        return varints.encode([len(poslist), *gaps])

    def decode_positions(self, valuestring):
        if valuestring[:1] == b"\x00":
            return super().decode_positions(valuestring)
        numbers = varints.decode(valuestring)
        positions, position = [], 0
        for gap in numbers[1:]:
            position += gap
            positions.append(position)
        return positions

    def decode_frequency(self, valuestring):
        if valuestring[:1] == b"\x00":
            return super().decode_frequency(valuestring)
        return varints.decode(valuestring[:5])[0]

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost


# Separate files, not one compound file: Whoosh 2.7 reads the parts of a compound file
# through BytesIO, which copies them into memory each time a searcher opens, in every
# process.
SEGMENT_FILES = {"compound": False, "codec": CompactCodec(blocklimit=BLOCK_POSTINGS)}
