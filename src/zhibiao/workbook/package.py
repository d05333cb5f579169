"""Copy an .xlsx package with a few parts replaced, streaming.

Used after xlsxwriter has closed a workbook, to swap in parts that were too big
to keep in memory while it was written (see :mod:`zhibiao.workbook.comments`).

Entries that stay are copied as they are, still compressed: recompressing the
big sheets would cost about as much as writing them (4-5 s for a 30 MB
workbook).  :mod:`zipfile` cannot copy compressed data, so the few records of
the ZIP format written here are written by hand; replaced entries are
deflated as they stream in, so no part is ever held whole in memory.  Like
xlsxwriter's default (``allow_zip64`` off), packages of 4 GiB and more are
refused rather than written as ZIP64.
"""
from __future__ import annotations

import os
import posixpath
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, Callable, Iterable
from xml.etree import ElementTree as ET

_LOCAL = struct.Struct("<4s5H3L2H")        # local file header, before the name
_CENTRAL = struct.Struct("<4s6H3L5H2L")    # central directory entry, before the name
_END = struct.Struct("<4s4H2LH")           # end of central directory
_LIMIT = 0xFFFFFFFF                        # sizes and offsets beyond this need ZIP64
_UTF8_NAME = 0x800                         # general-purpose flag: the name is UTF-8
_CHUNK = 1 << 20

Chunks = Callable[[], Iterable[str]]       # the text of a replaced part, in pieces

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def rewrite(src: Path, out: Path, replace: dict[str, Chunks]) -> None:
    """Write ``src`` to ``out`` entry by entry, in order, with the parts named in ``replace`` replaced.

    Every replaced part must already be in ``src``: it keeps its place, time
    stamp and attributes.
    """
    with zipfile.ZipFile(src) as zf, open(src, "rb") as raw, open(out, "wb") as fh:
        infos = zf.infolist()
        missing = set(replace) - {i.filename for i in infos}
        if missing:
            raise ValueError(f"{src}: no part {', '.join(sorted(missing))} to replace")
        central = []
        for info in infos:
            offset = fh.tell()
            if info.filename in replace:
                entry = _deflate(fh, info, replace[info.filename]())
            else:
                entry = _copy(raw, fh, info)
            central.append((entry, offset))
        _finish(fh, central)


def _name(info: zipfile.ZipInfo) -> tuple[bytes, int]:
    """The name as stored and the flags that go with it (no data descriptor: sizes are in the header)."""
    try:
        return info.filename.encode("ascii"), info.flag_bits & ~(0x08 | _UTF8_NAME)
    except UnicodeEncodeError:
        return info.filename.encode("utf-8"), (info.flag_bits & ~0x08) | _UTF8_NAME


def _dos_time(info: zipfile.ZipInfo) -> tuple[int, int]:
    y, mo, d, h, mi, s = info.date_time
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def _header(fh: BinaryIO, info: zipfile.ZipInfo, method: int, crc: int, csize: int,
            usize: int) -> zipfile.ZipInfo:
    """Write a local header; return the entry as the central directory will list it."""
    for n in (csize, usize, fh.tell()):
        if n >= _LIMIT:
            raise ValueError(f"{info.filename}: the workbook would exceed 4 GiB")
    name, flags = _name(info)
    time, date = _dos_time(info)
    fh.write(_LOCAL.pack(b"PK\x03\x04", 20, flags, method, time, date, crc, csize, usize,
                         len(name), 0) + name)
    entry = zipfile.ZipInfo(info.filename, info.date_time)
    entry.compress_type, entry.flag_bits, entry.external_attr = method, flags, info.external_attr
    entry.create_system, entry.create_version = info.create_system, info.create_version
    entry.CRC, entry.compress_size, entry.file_size = crc, csize, usize
    return entry


def _copy(raw: BinaryIO, fh: BinaryIO, info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """Copy one entry's compressed bytes unchanged."""
    raw.seek(info.header_offset)
    head = raw.read(_LOCAL.size)
    if head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"{info.filename}: no local header")
    raw.seek(sum(struct.unpack("<2H", head[26:30])), os.SEEK_CUR)  # past name and extra field
    entry = _header(fh, info, info.compress_type, info.CRC, info.compress_size, info.file_size)
    left = info.compress_size
    while left:
        block = raw.read(min(left, _CHUNK))
        if not block:
            raise zipfile.BadZipFile(f"{info.filename}: truncated")
        fh.write(block)
        left -= len(block)
    return entry


def _deflate(fh: BinaryIO, info: zipfile.ZipInfo, text: Iterable[str]) -> zipfile.ZipInfo:
    """Write ``text`` (UTF-8) deflated as zipfile would; the header is patched with sizes and CRC after."""
    start = fh.tell()
    _header(fh, info, zipfile.ZIP_DEFLATED, 0, 0, 0)
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    crc = usize = csize = 0
    for piece in text:
        data = piece.encode("utf-8")
        crc = zlib.crc32(data, crc)
        usize += len(data)
        block = packer.compress(data)
        csize += len(block)
        fh.write(block)
    block = packer.flush()
    csize += len(block)
    fh.write(block)
    end = fh.tell()
    fh.seek(start)
    entry = _header(fh, info, zipfile.ZIP_DEFLATED, crc, csize, usize)
    fh.seek(end)
    return entry


def _finish(fh: BinaryIO, central: list[tuple[zipfile.ZipInfo, int]]) -> None:
    """The central directory and its end record."""
    start = fh.tell()
    for e, offset in central:
        name, flags = _name(e)
        time, date = _dos_time(e)
        fh.write(_CENTRAL.pack(b"PK\x01\x02", e.create_version | e.create_system << 8, 20, flags,
                               e.compress_type, time, date, e.CRC, e.compress_size, e.file_size,
                               len(name), 0, 0, 0, 0, e.external_attr, offset) + name)
    size = fh.tell() - start
    if len(central) >= 0xFFFF or start + size >= _LIMIT:
        raise ValueError("the workbook would exceed the ZIP limits (4 GiB, 65,535 parts)")
    fh.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))


# --- where a sheet's parts are ------------------------------------------------

def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationships of ``part``: id → (type, target part)."""
    folder, name = posixpath.split(part)
    path = posixpath.join(folder, "_rels", name + ".rels")
    try:
        root = ET.fromstring(zf.read(path))
    except KeyError:  # a part without relationships has no .rels
        return {}
    out = {}
    for rel in root.iter(_NS_REL + "Relationship"):
        target = rel.get("Target", "")
        target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), target)
    return out


def sheet_parts(path: Path) -> dict[str, dict[str, str]]:
    """Per sheet name, in workbook order: its part and the parts it relates to, by type.

    The type is the last segment of the relationship type (``worksheet``,
    ``comments``, ``vmlDrawing``…), read from the package rather than
    assumed, so xlsxwriter's numbering of parts need not be reproduced.
    """
    with zipfile.ZipFile(path) as zf:
        book = "xl/workbook.xml"
        rels = _rels(zf, book)
        out: dict[str, dict[str, str]] = {}
        for sheet in ET.fromstring(zf.read(book)).iter(_NS_MAIN + "sheet"):
            _, part = rels[sheet.get(_NS_R + "id", "")]
            kinds = {kind.rpartition("/")[2]: target for kind, target in _rels(zf, part).values()}
            out[sheet.get("name", "")] = {"worksheet": part, **kinds}
        return out
