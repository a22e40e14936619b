"""Freed memory goes back to the operating system, so the server's size follows what its
sessions hold now rather than the largest training step any of them ever took.

glibc serves a large allocation with mmap (returned to the system when freed) only above a
threshold that it raises, up to 32 MiB, each time such a block is freed; after that the
activation tensors of a training step come from the heap and stay with the process when freed.
Measured on the Compare page's card with 16 seeds (64 runs at the defaults, one block of 32
steps): 637 MB kept and 793 MB at the peak; with the threshold fixed at 1 MiB, 85 MB kept and
241 MB at the peak. Tensors of a default run (128 KiB) stay below it, so their speed is unchanged.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h
MMAP_THRESHOLD = 1024 * 1024


@functools.cache  # process-wide: the first call of any page that trains does it
def return_freed_memory() -> bool:
    """Fix glibc's mmap threshold for the whole process. False, and nothing changed, where the
    C library is not glibc."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    return mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
