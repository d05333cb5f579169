"""Numbers, multipliers and units as reports print them.

Parsing helpers are pure functions over strings; the unit and multiplier tables
live in ``templates/extraction/`` so that a new unit is a data change.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .. import catalog

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10**4, "亿": 10**8}
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"

ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
CHINESE = r"[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?"


def _chinese_section(text: str) -> int:
    """Value of a numeral below 万 (e.g. 三千零五 = 3005, 十二 = 12)."""
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            total += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        else:
            raise ValueError(ch)
    return total + (digit or 0)


def _chinese_integer(text: str) -> int:
    """Value of a Chinese integer numeral with 万/亿 groups."""
    if text and all(ch in _DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(_DIGITS[ch]) for ch in text))  # 二〇二三 read digit by digit
    total, section = 0, ""
    for ch in text:
        if ch in _BIG_UNITS:
            total = (total + (_chinese_section(section) if section else 1)) * _BIG_UNITS[ch] \
                if ch == "亿" else total + (_chinese_section(section) if section else 1) * _BIG_UNITS[ch]
            section = ""
        else:
            section += ch
    return total + (_chinese_section(section) if section else 0)


def parse_number(text: str) -> Decimal | None:
    """A printed number as a Decimal; None when it is not a number.

    Arabic with thousands separators, full-width digits, Chinese numerals and
    the multipliers 万/亿 written inside the number:

    >>> parse_number("1,278"), parse_number("0.90"), parse_number("１２.５")
    (Decimal('1278'), Decimal('0.90'), Decimal('12.5'))
    >>> parse_number("三"), parse_number("十二"), parse_number("一百零五"), parse_number("两千")
    (Decimal('3'), Decimal('12'), Decimal('105'), Decimal('2000'))
    >>> parse_number("三点五"), parse_number("二〇二三")
    (Decimal('3.5'), Decimal('2023'))
    >>> parse_number("1.37亿"), parse_number("3万"), parse_number("一万二千")
    (Decimal('137000000'), Decimal('30000'), Decimal('12000'))
    >>> parse_number("十亿零五万"), parse_number("1.2万亿")
    (Decimal('1000050000'), Decimal('1200000000000'))
    >>> parse_number(""), parse_number("abc"), parse_number("1.2.3")
    (None, None, None)
    """
    text = to_halfwidth_digits(text.strip())
    if not text:
        return None
    m = re.fullmatch(rf"({ARABIC}|{CHINESE})((?:万|亿)*)", text)
    if not m:
        try:
            return Decimal(_chinese_integer(text)) if all(c in CN_NUMERAL_CHARS for c in text) else None
        except ValueError:
            return None
    head, mult = m.group(1), m.group(2)
    try:
        if head[0].isdigit():
            value = Decimal(head.replace(",", ""))
        elif "点" in head:
            whole, frac = head.split("点")
            value = Decimal(f"{_chinese_integer(whole) if whole else 0}."
                            + "".join(str(_DIGITS[c]) for c in frac))
        else:
            value = Decimal(_chinese_integer(head))
    except (InvalidOperation, ValueError, KeyError):
        return None
    for ch in mult:
        value *= _BIG_UNITS[ch]
    return normalize_decimal(value) if mult else value


def to_halfwidth_digits(text: str) -> str:
    """Full-width digits, point and comma to ASCII.

    >>> to_halfwidth_digits("２０２３．５，１")
    '2023.5,1'
    """
    return text.translate(_HALFWIDTH)


_HALFWIDTH = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF0E: 0x2E, 0xFF0C: 0x2C}


def format_chinese(value: Decimal) -> str:
    """A non-negative integer below 10^12 written in Chinese numerals (for round trips).

    >>> format_chinese(Decimal(105)), format_chinese(Decimal(120000)), format_chinese(Decimal(0))
    ('一百零五', '十二万', '零')
    >>> format_chinese(Decimal(300000005))
    '三亿零五'
    """
    n = int(value)
    if n == 0:
        return "零"
    digits = "零一二三四五六七八九"

    def below_10k(k: int) -> str:
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = k // unit % 10
            if d:
                out += ("零" if zero and out else "") + digits[d] + name
                zero = False
            else:
                zero = True
        return out

    parts, out = [], ""
    for big, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        parts.append((n // big % (10**4 if big < 10**8 else 10**20), name))
    pending_zero = False
    for k, name in parts:
        if k:
            if out and (pending_zero or k < 1000):
                out += "零"
            out += below_10k(k) + name
            pending_zero = False
        elif out:
            pending_zero = True
    return out[1:] if out.startswith("一十") else out  # 十二万, not 一十二万


@dataclass(frozen=True)
class Unit:
    """A unit as printed: the base it measures and the factor to that base."""

    text: str
    base: str
    factor: Decimal


@lru_cache(maxsize=None)
def units() -> dict[str, Unit]:
    """Printed units by text (longest first), from templates/extraction/units.csv."""
    rows = catalog.read_csv("extraction/units.csv")
    table = {r["unit"]: Unit(r["unit"], r["base"], Decimal(r["factor"])) for r in rows}
    return dict(sorted(table.items(), key=lambda kv: -len(kv[0])))


@lru_cache(maxsize=None)
def multipliers() -> dict[str, Decimal]:
    """Multiplier words by text (longest first)."""
    rows = catalog.read_csv("extraction/multipliers.csv")
    return dict(sorted(((r["word"], Decimal(r["factor"])) for r in rows), key=lambda kv: -len(kv[0])))


@lru_cache(maxsize=4096)
def split_unit(text: str) -> tuple[Decimal, Unit] | None:
    """A printed unit with its multiplier as (scale, Unit); None if unknown.

    >>> split_unit("亿元")
    (Decimal('100000000'), Unit(text='元', base='元', factor=Decimal('1')))
    >>> split_unit("万千瓦")[0], split_unit("亿度")[1].base, split_unit("亿斤")[1].factor
    (Decimal('10000'), '千瓦时', Decimal('0.0005'))
    >>> split_unit("%")[1].base, split_unit("平方公里")[0], split_unit("千瓦")[0]
    ('%', Decimal('1'), Decimal('1'))
    >>> split_unit("光年") is None
    True
    """
    if text in units():
        return Decimal(1), units()[text]
    for word, factor in multipliers().items():
        if text.startswith(word) and text[len(word):] in units():
            return factor, units()[text[len(word):]]
    return None


def convert(value: Decimal, printed_unit: str, standard_unit: str) -> Decimal | None:
    """``value`` printed with ``printed_unit`` expressed in ``standard_unit``; None if incompatible.

    >>> convert(Decimal("1.37"), "亿吨", "万吨"), convert(Decimal("1007"), "亿度", "亿千瓦时")
    (Decimal('13700'), Decimal('1007'))
    >>> convert(Decimal("840"), "亿斤", "万吨"), convert(Decimal("3"), "亿人次", "万人次")
    (Decimal('4200'), Decimal('30000'))
    >>> convert(Decimal("1.2"), "万亿元", "亿元"), convert(Decimal("2.57"), "万元", "元")
    (Decimal('12000'), Decimal('25700'))
    >>> convert(Decimal("9.5"), "万座", "个"), convert(Decimal("5"), "%", "万吨") is None
    (Decimal('95000'), True)
    >>> convert(Decimal("1.86"), "万亩", "平方公里"), convert(Decimal("3"), "平方公里", "平方公里")
    (Decimal('12.4'), Decimal('3'))
    """
    src, dst = split_unit(printed_unit), split_unit(standard_unit)
    if src is None or dst is None or src[1].base != dst[1].base:
        return None
    out = value * src[0] * src[1].factor / (dst[0] * dst[1].factor)
    return normalize_decimal(out)


def normalize_decimal(value: Decimal) -> Decimal:
    """Drop exponent noise: 1.3700E+4 → 13700, keep significant decimals.

    >>> normalize_decimal(Decimal("1.3700E+4")), normalize_decimal(Decimal("0.50"))
    (Decimal('13700'), Decimal('0.5'))
    """
    value = value.normalize()
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value
