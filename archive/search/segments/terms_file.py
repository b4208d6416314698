"""Looking terms up in a segment's terms file through a memory map.

Whoosh's terms file is a hash file (``whoosh.filedb.filetables``): 256 hash tables of
(hash, position) slots, and at each position a key and its term information. Whoosh
reads each slot, length and key with a seek and a read of the file, ~4 µs a look-up
in Python; a search that expands a word into a thesaurus' labels in every field asks
tens of thousands of them at 1,000,000 entries (``docs/performance.md``). Here the
same look-up reads the file's bytes in place (``struct.unpack_from`` on a memory map,
which every process shares), in the same order, with the same answers: the file's
format is Whoosh's own, unchanged.
"""

import mmap
from hashlib import md5

from whoosh.codec.whoosh3 import W3TermInfo, W3TermsReader
from whoosh.filedb.filetables import _lengths, _pointer, md5_hash
from whoosh.filedb.structfile import BufferFile
from whoosh.reading import TermNotFound
from whoosh.system import _FLOAT_SIZE
from whoosh.system import _float_struct as _FLOAT
from whoosh.system import _uint_struct as _UINT

_DOC_FREQUENCY_OFFSET = 1 + _FLOAT_SIZE  # flags byte, weight, then document frequency
_WEIGHT_OFFSET = 1


def _md5_hash(key: bytes) -> int:
    """``whoosh.filedb.filetables.md5_hash``: the digest's last four bytes."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")


def _mapped(dbfile):
    """The terms file's bytes without copying them, or None when it has none to give
    (then Whoosh's own reads answer)."""
    if isinstance(dbfile, BufferFile):  # a file inside a compound segment, mapped
        return dbfile._buf
    if dbfile.is_real:
        try:
            return mmap.mmap(dbfile.file.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # an empty file, or one that cannot be mapped
            return None
    return None


class MappedTermsReader(W3TermsReader):
    """Whoosh's terms reader with its key look-ups read from a memory map."""

    def __init__(self, codec, dbfile, length, postfile):
        super().__init__(codec, dbfile, length, postfile)
        index = self._tindex
        self._bytes = _mapped(dbfile)
        self._tables = index.tables
        self._hash = _md5_hash if index.hashfn is md5_hash else index.hashfn

    def _find(self, fieldname, tbytes) -> tuple[int, int] | None:
        """(position, length) of a term's information in the file, or None."""
        key = self._keycoder(fieldname, tbytes)
        data = self._bytes
        keyhash = self._hash(key)
        tablestart, numslots = self._tables[keyhash & 255]
        if not numslots:
            return None
        tableend = tablestart + numslots * _pointer.size
        slotpos = tablestart + ((keyhash >> 8) % numslots) * _pointer.size
        keylength = len(key)
        for _ in range(numslots):
            slothash, itempos = _pointer.unpack_from(data, slotpos)
            if not itempos:
                return None
            if slothash == keyhash:
                length, datalength = _lengths.unpack_from(data, itempos)
                keystart = itempos + _lengths.size
                if length == keylength and data[keystart : keystart + length] == key:
                    return keystart + length, datalength
            slotpos += _pointer.size
            if slotpos == tableend:
                slotpos = tablestart
        return None

    def _range_for_key(self, fieldname, tbytes):
        if self._bytes is None:
            return super()._range_for_key(fieldname, tbytes)
        found = self._find(fieldname, tbytes)
        if found is None:
            raise KeyError((fieldname, tbytes))
        return found

    def __contains__(self, term):
        if self._bytes is None:
            return super().__contains__(term)
        return self._find(*term) is not None

    def term_info(self, fieldname, tbytes):
        if self._bytes is None:
            return super().term_info(fieldname, tbytes)
        found = self._find(fieldname, tbytes)
        if found is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        position, length = found
        return W3TermInfo.from_bytes(bytes(self._bytes[position : position + length]))

    def doc_frequency(self, fieldname, tbytes):
        if self._bytes is None:
            return super().doc_frequency(fieldname, tbytes)
        position, _ = self._range_for_key(fieldname, tbytes)
        return _UINT.unpack_from(self._bytes, position + _DOC_FREQUENCY_OFFSET)[0]

    def frequency(self, fieldname, tbytes):
        if self._bytes is None:
            return super().frequency(fieldname, tbytes)
        position, _ = self._range_for_key(fieldname, tbytes)
        return _FLOAT.unpack_from(self._bytes, position + _WEIGHT_OFFSET)[0]

    def close(self):
        if isinstance(self._bytes, mmap.mmap):
            self._bytes.close()
        self._bytes = None
        super().close()
