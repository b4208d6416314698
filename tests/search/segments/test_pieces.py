"""Side files are written in pieces, so that a worker touching one page of them does
not map a whole large block of the page cache."""

import io

import numpy as np

from archive.search.segments import pieces


class RecordingFile(io.BytesIO):
    def __init__(self):
        super().__init__()
        self.calls = []

    def write(self, data):
        self.calls.append(len(data))
        return super().write(data)


def test_data_is_written_whole_in_pieces_no_larger_than_the_limit(monkeypatch):
    monkeypatch.setattr(pieces, "PIECE_BYTES", 1000)
    array = np.arange(1234, dtype=np.int64)
    file = RecordingFile()
    pieces.write_in_pieces(file, array)
    pieces.write_in_pieces(file, b"tail")
    pieces.write_in_pieces(file, np.empty(0, dtype=np.int32))
    assert file.getvalue() == array.tobytes() + b"tail"
    assert max(file.calls) == 1000 and len(file.calls) == 11
