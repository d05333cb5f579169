"""Round trips of printed numbers (Hypothesis) and unit conversion."""
from decimal import Decimal

from hypothesis import given, strategies as st

from zhibiao.extraction.numbers import convert, format_chinese, parse_number


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_numerals_round_trip(n):
    assert parse_number(format_chinese(Decimal(n))) == Decimal(n)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2))
def test_wan_yi_round_trip(d):
    for word, factor in (("万", 10**4), ("亿", 10**8)):
        assert parse_number(f"{d}{word}") == d * factor


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2))
def test_conversion_to_standard_unit_is_exact(d):
    assert convert(d, "亿吨", "万吨") == (d * 10**4).normalize()
    assert convert(d * 2, "亿斤", "万吨") == d * 10  # 1斤 = 0.5千克
