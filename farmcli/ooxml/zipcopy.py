"""Copy a zip member's compressed bytes as they are, into another zip, without inflating and
deflating it again: the ledger's big sheet parts go into the filled workbook at the speed of a
file copy (Python's zipfile has no public way to do this; see docs/performance.md).

Only a deflated or stored member is copied raw; its CRC and sizes come from the source's central
directory, so the copy is checked by any reader exactly as the original was.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable

CHUNK = 1 << 20
MIN_STEP = 1 << 16  # the smallest step a copy reports its progress in
ZIP64_LIMIT = (1 << 31) - 1
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature … file name length, extra field length


def can_copy_raw(info: zipfile.ZipInfo) -> bool:
    """A plain (not encrypted) deflated or stored member."""
    return info.compress_type in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED) and not info.flag_bits & 0x1


def copy_raw(source: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile, entry: zipfile.ZipInfo,
             progress: Callable[[int, int], None] | None = None) -> None:
    """Write `info`'s compressed bytes from `source` into `out` as `entry` (its name, time and
    attributes; the method, CRC and sizes are the source's). `progress(done, total)` in bytes."""
    if out._writing:  # noqa: SLF001 — the same guard zipfile.open("w") keeps
        raise ValueError("another write handle is open on the zip")
    entry.compress_type, entry.CRC = info.compress_type, info.CRC
    entry.compress_size, entry.file_size = info.compress_size, info.file_size
    entry.flag_bits = 0
    with source._lock:  # noqa: SLF001 — the source's file is shared with its open members
        fp = source.fp
        fp.seek(info.header_offset)
        header = _LOCAL_HEADER.unpack(fp.read(_LOCAL_HEADER.size))
        if header[0] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header for {info.filename}")
        fp.seek(info.header_offset + _LOCAL_HEADER.size + header[9] + header[10])
        zip64 = info.file_size > ZIP64_LIMIT or info.compress_size > ZIP64_LIMIT
        out.fp.seek(out.start_dir)
        entry.header_offset = out.fp.tell()
        out._writecheck(entry)  # noqa: SLF001 — duplicate names, zip64 allowed
        out._didModify = True  # noqa: SLF001
        out.fp.write(entry.FileHeader(zip64))
        left, done = info.compress_size, 0
        # a progress bar wants a few steps even when the compressed part is small
        step = CHUNK if progress is None else max(MIN_STEP, min(CHUNK, info.compress_size // 8))
        if progress is not None:
            progress(0, info.compress_size)
        while left:
            chunk = fp.read(min(step, left))
            if not chunk:
                raise zipfile.BadZipFile(f"{info.filename} is truncated")
            out.fp.write(chunk)
            left -= len(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, info.compress_size)
    out.start_dir = out.fp.tell()
    out.filelist.append(entry)
    out.NameToInfo[entry.filename] = entry
