"""A serving process gives the memory of a search's large temporary arrays back when they
are freed, instead of keeping the high-water mark of its largest search."""

import subprocess
import sys

import pytest

from archive.processes import give_large_blocks_back

# Ten 4 MB arrays (a large search's temporaries), each followed by a small array that
# lives on (a cached result), after one 16 MB array was freed (which raises glibc's own
# threshold to 16 MB); then the large ones freed: the own memory left over.
KEPT_AFTER_FREEING = """
import sys
from pathlib import Path
import numpy as np
from archive.processes import give_large_blocks_back

def own_mib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024

if sys.argv[1] == "fixed":
    assert give_large_blocks_back(131072)
large = np.ones(2_000_000); del large
before = own_mib()
arrays, kept = [], []
for _ in range(10):
    arrays.append(np.ones(500_000))
    kept.append(np.ones(1_000))
del arrays
print(round(own_mib() - before))
"""


def _kept_after_freeing(mode: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", KEPT_AFTER_FREEING, mode],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_search_arrays_go_back_to_the_system():
    assert _kept_after_freeing("default") >= 30  # glibc's own policy keeps ~40 MB
    assert _kept_after_freeing("fixed") <= 10
    assert give_large_blocks_back(0) is False  # 0: the C library's default
