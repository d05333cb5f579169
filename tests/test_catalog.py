from decimal import Decimal

import pytest

from zhibiao import catalog
from zhibiao.errors import CatalogError
from zhibiao.facts import Fact


def test_catalog_matches_the_standard(shared_dir):
    import csv

    with open(shared_dir / "standard" / "indicators.csv", encoding="utf-8") as fh:
        spec = {row["code"]: row for row in csv.DictReader(fh)}
    ours = catalog.indicators()
    assert list(ours) == list(spec)
    for code, ind in ours.items():
        assert ind.unit == spec[code]["unit"]
        assert ind.name_zh == spec[code]["name_zh"]


def test_unknown_indicator_is_a_clear_error():
    with pytest.raises(CatalogError, match="NOPE"):
        catalog.indicator("NOPE")


def test_fact_record_validates_against_schema():
    import jsonschema

    f = Fact("a.txt", "152500", "锡林郭勒盟", "COAL_OUTPUT", "原煤产量", 2023, "1-8",
             "actual", Decimal("13700"), "万吨")
    jsonschema.validate(f.to_dict(), catalog.schema("fact"))
    bad = f.to_dict() | {"months": "13-1"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, catalog.schema("fact"))
