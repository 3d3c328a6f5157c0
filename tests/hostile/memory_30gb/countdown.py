"""A 30 GB allocation at import: the memory limit must refuse it."""

HOARD = bytearray(30 * 1024**3)
