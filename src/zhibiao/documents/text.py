"""Decoding text files whose encoding nobody told us: UTF-8, UTF-16, GB18030/GBK, Big5."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import ReadError

# (BOM, codec that drops it, name reported)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)
_GB = {"gb18030", "gbk", "gb2312"}
_JUNK = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")
# Share of characters that may be control or replacement characters before a
# decoded file is judged binary.
MAX_JUNK = 0.01


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """``(text, encoding)`` of a text file's bytes, or ReadError naming ``path``.

    >>> decode("全区".encode("gbk"), Path("x.txt"))
    ('全区', 'gb18030')
    >>> decode(codecs.BOM_UTF8 + "全区".encode(), Path("x.txt"))
    ('全区', 'utf-8-sig')
    >>> decode(codecs.BOM_UTF16_BE + "全区".encode("utf-16-be"), Path("x.txt"))
    ('全区', 'utf-16-be')
    >>> decode(b"", Path("x.txt"))
    Traceback (most recent call last):
    zhibiao.errors.ReadError: x.txt: empty file
    """
    if not data.strip(b" \t\r\n\x00"):
        raise ReadError(f"{path}: empty file")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data, codec, path), name, path)
    try:
        return _checked(data.decode("utf-8"), "utf-8", path)
    except UnicodeDecodeError:
        pass
    encoding = guess_encoding(data)
    if encoding is None:
        raise ReadError(f"{path}: binary or undecodable file (no text encoding fits)")
    return _checked(_strict(data, encoding, path), encoding, path)


def guess_encoding(data: bytes) -> str | None:
    """The encoding charset-normalizer finds, GB18030 whenever a GB encoding is
    among its candidates (it decodes all GBK and GB2312 does, and more), unless
    the bytes read far better as Big5 (see :func:`_reads_better_as_big5`).

    >>> guess_encoding("二〇二四年全区地区生产总值增长百分之六".encode("gbk"))
    'gb18030'
    >>> guess_encoding("经济".encode("gbk")), guess_encoding("經濟總量".encode("big5"))
    ('gb18030', 'big5')
    """
    names = [match.encoding for match in from_bytes(data)]
    if not names:
        return None
    if _GB & set(names):
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            return "big5" if _reads_better_as_big5(data, text) else "gb18030"
    return codecs.lookup(names[0]).name  # "utf-16-le", not charset-normalizer's "utf_16_le"


def _reads_better_as_big5(data: bytes, as_gb: str) -> bool:
    """Whether the bytes make common Big5 characters far more often than they
    make common GB2312 ones: short Big5 text also decodes as GB18030, into
    rare characters.  Common means level 1 of each standard (lead bytes
    B0-D7 in GB2312, A4-C6 in Big5)."""
    try:
        as_big5 = data.decode("big5")
    except UnicodeDecodeError:
        return False
    return _common_share(as_big5, "big5", 0xA4, 0xC6) > _common_share(as_gb, "gb2312", 0xB0, 0xD7) + 0.15


def _common_share(text: str, encoding: str, low: int, high: int) -> float:
    """Share of the first 2000 Chinese characters of ``text`` in ``encoding``'s level 1."""
    hanzi = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"][:2000]
    common = 0
    for ch in hanzi:
        try:
            lead = ch.encode(encoding)[0]
        except UnicodeEncodeError:
            continue
        common += low <= lead <= high
    return common / len(hanzi) if hanzi else 0.0


def _strict(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ReadError(f"{path}: not valid {encoding} ({exc})") from exc


def _checked(text: str, encoding: str, path: Path) -> tuple[str, str]:
    """Refuse text that is mostly control characters: a binary file that happened to decode."""
    if text.startswith("\ufeff"):
        text = text[1:]
    junk = len(_JUNK.findall(text))
    if junk > MAX_JUNK * max(len(text), 1):
        raise ReadError(f"{path}: binary file ({junk} control characters in {len(text)})")
    return text, encoding


def file_bytes(path: Path, size: int = -1) -> bytes:
    """The first ``size`` bytes of ``path`` (all by default), or ReadError naming it."""
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except FileNotFoundError as exc:
        raise ReadError(f"{path}: file not found") from exc
    except IsADirectoryError as exc:
        raise ReadError(f"{path}: is a directory, not a file") from exc
    except OSError as exc:
        raise ReadError(f"{path}: cannot be read ({exc.strerror})") from exc


def read_text(path: Path) -> tuple[str, str]:
    """``(text, encoding)`` of the text file at ``path``."""
    return decode(file_bytes(path), path)
