"""Processes the archive runs: those it spawns (a fresh interpreter each: Django is set
up first, so the function they run may import anything of the project, models included),
and the serving processes' memory allocator."""

import ctypes
import importlib

import django

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)


def run_with_django(target: str, *args):
    """Spawn target: set Django up, then call ``target`` ("package.module:function")."""
    django.setup()
    module_name, function_name = target.split(":")
    getattr(importlib.import_module(module_name), function_name)(*args)


def give_large_blocks_back(threshold: int) -> bool:
    """Serve blocks of ``threshold`` bytes and more from their own mappings, returned to
    the system when freed; whether it was set (glibc only; 0 leaves glibc's default).

    glibc raises that threshold each time it frees a large mapped block (up to 32 MB), so
    a search's temporary arrays soon come from the heap, which keeps the high-water mark
    of the largest searches a worker ran. Fixed, a worker's own memory stays nearer what
    it holds, and each large array costs fresh pages: a trade an operator chooses
    (``ARCHIVE_MALLOC_MMAP_THRESHOLD``, docs/operations.md)."""
    if threshold <= 0:
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl, macOS): their own policies apply
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, threshold))
