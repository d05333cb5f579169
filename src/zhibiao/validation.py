"""Validation: JSON Schemas plus catalogue and common-sense rules → findings.

Every finding names the cell a clerk must look at (``年度数据!F12``) when the
caller knows where values sit (``cells``: key → address), and says in Chinese
what is wrong and what to do.  Thresholds live in ``templates/rules.json``;
this module holds only the logic.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Mapping, Protocol, Sequence

import jsonschema

from . import catalog
from .errors import CatalogError
from .facts import Key, QUALIFIERS, STATUSES

ERROR, WARNING = "error", "warning"
STATUS_ZH = {"actual": "实际值", "estimate": "预计值", "target": "目标值"}
FIELD_ZH = {"region_code": "地区代码", "region": "地区", "indicator": "指标代码", "year": "年份",
            "months": "月份", "status": "状态", "value": "数值", "value_high": "上限",
            "unit": "单位", "qualifier": "限定", "doc": "报告文件", "provenance": "来源"}
# Province-level prefixes of GB/T 2260, for when the gazetteer is not available.
PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45,
             46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}


class Valued(Protocol):
    """What the rules read: a Fact or a store Record."""

    region_code: str
    region: str
    indicator: str
    year: int
    months: str | None
    status: str
    value: Decimal
    unit: str
    qualifier: str
    value_high: Decimal | None

    @property
    def key(self) -> Key: ...


@dataclass(frozen=True)
class Finding:
    """One problem found, located and explained for a clerk."""

    severity: str
    sheet: str
    cell: str
    region_code: str
    region: str
    indicator: str
    year: int | None
    rule: str
    message: str

    @property
    def address(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.sheet

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.address or "-"
        return f"{'错误' if self.severity == ERROR else '警告'} {where} [{self.rule}] {self.message}"


@lru_cache(maxsize=None)
def rules() -> dict[str, Any]:
    """The thresholds: ``templates/rules.json``."""
    path = catalog.templates_dir() / "rules.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogError(f"{path}: {exc}") from exc


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def validate_facts(facts: Sequence[Any], *, history: Sequence[Valued] = (),
                   context: Sequence[Valued] = (),
                   cells: Mapping[Key, str] | None = None) -> list[Finding]:
    """Check Facts against ``fact.schema.json`` and the rules (all errors, not the first).

    *history*: canonical values (for jumps and last year's levels); *context*:
    other current values that cross-indicator rules compare with but that are
    not themselves reported on; *cells*: key → ``sheet!cell`` to locate findings.
    """
    return _validate(facts, "fact", history, context, cells or {})


def validate_records(records: Sequence[Any], *, history: Sequence[Valued] = (),
                     context: Sequence[Valued] = (),
                     cells: Mapping[Key, str] | None = None) -> list[Finding]:
    """Check store Records against ``canonical.schema.json`` and the rules."""
    return _validate(records, "canonical", history, context, cells or {})


def _validate(items: Sequence[Any], schema: str, history: Sequence[Valued],
              context: Sequence[Valued], cells: Mapping[Key, str]) -> list[Finding]:
    out = Findings(cells)
    validator = jsonschema.Draft202012Validator(catalog.schema(schema))
    fast = FastCheck(catalog.schema(schema))
    for item in items:
        record = item.to_dict()
        if fast.valid(record):
            continue  # exactly what the full validator would say; it runs for the messages
        for err in validator.iter_errors(record):
            out.add(item, ERROR, "schema", _schema_message(err))
    for item in items:
        _check_one(item, out)
    _check_duplicates(items, out)
    _check_at_most(items, context, out)
    _check_level_growth(items, history, context, out)
    _check_jumps(items, history, out)
    return out.items


_OBJECT_KEYS = {"$schema", "$id", "title", "description", "type", "required",
                "additionalProperties", "properties", "allOf"}
_CONDITION_KEYS = {"if", "then", "else", "properties", "required", "allOf", "anyOf", "oneOf",
                   "not", "description"}
_MISSING = object()


def _referenced(schema: Any) -> set[str] | None:
    """Properties an ``allOf`` condition looks at; None if it may look at more."""
    if isinstance(schema, bool):
        return set()
    if not isinstance(schema, dict) or not set(schema) <= _CONDITION_KEYS:
        return None
    names = set(schema.get("properties", {})) | set(schema.get("required", []))
    for key in ("if", "then", "else", "not"):
        if key in schema:
            sub = _referenced(schema[key])
            if sub is None:
                return None
            names |= sub
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, []):
            sub = _referenced(part)
            if sub is None:
                return None
            names |= sub
    return names


def _hashable(value: Any) -> Any:
    # The type is part of the key: True == 1 == 1.0 in Python, not in JSON Schema.
    if isinstance(value, (dict, list)):
        return (type(value).__name__, json.dumps(value, sort_keys=True))
    return (type(value).__name__, value)


class FastCheck:
    """Exact, memoised validity of records against an object schema of independent parts.

    jsonschema costs ~250 µs a record, most of a large import.  An object
    schema whose keywords are ``properties``, ``required``,
    ``additionalProperties`` and ``allOf`` conditions over named properties is
    valid exactly when the key set is right, each property is valid on its own
    and each condition holds on the properties it names; each of those is
    checked once per distinct value.  Any other shape falls back to the full
    validator.  Only validity is answered: messages come from jsonschema.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        self.full = jsonschema.Draft202012Validator(schema)
        refs = [_referenced(c) for c in schema.get("allOf", [])]
        self.simple = (isinstance(schema, dict) and set(schema) <= _OBJECT_KEYS
                       and schema.get("type") == "object" and None not in refs
                       and schema.get("additionalProperties") is False)
        if not self.simple:
            return
        self.required = set(schema.get("required", []))
        self.props = {name: (FastCheck(sub) if isinstance(sub, dict) and sub.get("type") == "object"
                             else jsonschema.Draft202012Validator(sub))
                      for name, sub in schema.get("properties", {}).items()}
        self.conditions = [(sorted(r), jsonschema.Draft202012Validator({"allOf": [c]}))
                           for r, c in zip(refs, schema.get("allOf", [])) if r is not None]
        self.memo: dict[Any, bool] = {}

    def valid(self, instance: Any) -> bool:
        if not self.simple or not isinstance(instance, dict):
            return self.full.is_valid(instance)
        if not self.required <= instance.keys() or not instance.keys() <= self.props.keys():
            return False
        for name, value in instance.items():
            check = self.props[name]
            if isinstance(check, FastCheck):
                if not check.valid(value):
                    return False
                continue
            key = (name, _hashable(value))
            ok = self.memo.get(key)
            if ok is None:
                ok = self.memo[key] = check.is_valid(value)
            if not ok:
                return False
        for i, (names, check) in enumerate(self.conditions):
            part = {n: instance[n] for n in names if n in instance}
            key = (i, tuple(_hashable(instance.get(n, _MISSING)) for n in names))
            ok = self.memo.get(key)
            if ok is None:
                ok = self.memo[key] = check.is_valid(part)
            if not ok:
                return False
        return True


class Findings:
    """Collects findings, locating each on its cell."""

    def __init__(self, cells: Mapping[Key, str]) -> None:
        self.cells, self.items = cells, []  # type: ignore[var-annotated]

    def add(self, item: Valued, severity: str, rule: str, message: str) -> None:
        address = self.cells.get(item.key, "")
        sheet, _, cell = address.rpartition("!")
        self.items.append(Finding(severity, sheet, cell, item.region_code, item.region,
                                  item.indicator, item.year, rule, message))


def describe(item: Valued) -> str:
    """How a clerk names a value: ``锡林郭勒盟 地区生产总值 2024年1-8月 实际值``."""
    try:
        name = catalog.indicator(item.indicator).name_zh
    except CatalogError:
        name = item.indicator
    months = f"{item.months}月" if item.months else ""
    return f"{item.region or item.region_code} {name} {item.year}年{months} {STATUS_ZH.get(item.status, item.status)}"


def fmt(value: Decimal | float | int | None, unit: str = "") -> str:
    """A number as a clerk writes it: ``fmt(Decimal('5.30'), '%') == '5.3%'``.

    >>> fmt(Decimal("5.30"), "%"), fmt(Decimal("13700"), "万吨"), fmt(None)
    ('5.3%', '13700万吨', '空')
    """
    if value is None:
        return "空"
    d = Decimal(str(value))
    text = "0" if d == 0 else format(d.normalize(), "f")
    return f"{text}{unit}"


def _schema_message(err: jsonschema.ValidationError) -> str:
    path = ".".join(str(p) for p in err.absolute_path) or "记录"
    field = FIELD_ZH.get(str(err.absolute_path[0]) if err.absolute_path else "", path)
    what = {"required": "缺少必填字段", "pattern": "格式不对", "enum": "取值不在允许范围内",
            "type": "类型不对", "minimum": "小于允许的最小值", "maximum": "大于允许的最大值",
            "minLength": "不能为空", "additionalProperties": "有多余的字段"}.get(err.validator, "不合格式")
    return f"{field}（{path}）{what}：{err.message}。请按模板改正。"


def _check_one(item: Valued, out: Findings) -> None:
    try:
        ind = catalog.indicator(item.indicator)
    except CatalogError:
        out.add(item, ERROR, "indicator", f"指标代码 {item.indicator} 不在指标目录中，请检查指标代码列。")
        return
    if item.unit != ind.unit:
        out.add(item, ERROR, "unit", f"{describe(item)} 的单位为“{item.unit}”，应为“{ind.unit}”；"
                                     f"请把数值换算成{ind.unit}。")
    _check_range(item, ind, out)
    _check_year(item, out)
    _check_region(item, out)
    _check_months(item, out)
    _check_qualifier(item, out)


def _bounds(ind: catalog.Indicator) -> dict[str, Any]:
    merged = dict(rules()["kinds"].get(ind.kind, {}))
    merged.update(rules()["indicators"].get(ind.code, {}))
    return merged


def _outside(value: Decimal, bounds: Sequence[float | None] | None) -> bool:
    if not bounds:
        return False
    low, high = bounds
    return (low is not None and value < Decimal(str(low))) or (
        high is not None and value > Decimal(str(high)))


def _range_text(bounds: Sequence[float | None], unit: str) -> str:
    low, high = bounds
    if high is None:
        return f"不小于{fmt(low, unit)}"
    return f"{fmt(low, unit)}～{fmt(high, unit)}"


def _check_range(item: Valued, ind: catalog.Indicator, out: Findings) -> None:
    b = _bounds(ind)
    for which, value in (("数值", item.value), ("上限", item.value_high)):
        if value is None or not value.is_finite():
            if value is not None:
                out.add(item, ERROR, "range", f"{describe(item)} 的{which}不是数字，请填数字。")
            continue
        shown = fmt(value, ind.unit)
        if _outside(value, b.get("error")):
            out.add(item, ERROR, "range", f"{describe(item)} 的{which} {shown} 不可能"
                    f"（合理范围{_range_text(b['error'], ind.unit)}），请对照原文改正。")
        elif _outside(value, b.get("warning")):
            out.add(item, WARNING, "range", f"{describe(item)} 的{which} {shown} 超出常见范围"
                    f"（{_range_text(b['warning'], ind.unit)}），请核对原文。")
        if b.get("integer") and value != value.to_integral_value():
            out.add(item, ERROR, "integer", f"{describe(item)} 是个数，{shown} 应为整数。")


def _check_year(item: Valued, out: Findings) -> None:
    y = rules()["years"]
    if _outside(Decimal(item.year), y["error"]):
        out.add(item, ERROR, "year", f"{describe(item)}：年份 {item.year} 不合理，请改正年份。")
    elif _outside(Decimal(item.year), y["warning"]):
        out.add(item, WARNING, "year", f"{describe(item)}：年份 {item.year} 少见，请核对。")


def region_exists(code: str) -> bool:
    """True when *code* is a known division (the gazetteer, else the code's form).

    >>> region_exists("152500"), region_exists("992500"), region_exists("15250")
    (True, False, False)
    """
    try:
        from . import gazetteer  # written alongside; fall back until it offers exists()
        exists = getattr(gazetteer, "exists")
    except (ImportError, AttributeError):
        exists = None
    if exists is not None:
        return bool(exists(code))
    return bool(re.fullmatch(r"[1-9]\d{5}", code or "")) and int(code[:2]) in PROVINCES


def _check_region(item: Valued, out: Findings) -> None:
    if not region_exists(item.region_code):
        out.add(item, ERROR, "region", f"地区代码 {item.region_code}（{item.region}）不存在，"
                                       "请填六位行政区划代码。")


def _check_months(item: Valued, out: Findings) -> None:
    if not item.months:
        return
    m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", item.months)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)) <= 12:
        out.add(item, ERROR, "months", f"{describe(item)}：月份“{item.months}”写法不对，"
                                       "应写成“1-6”这样的起止月份。")
    elif m.group(1) != "1":
        out.add(item, WARNING, "months", f"{describe(item)}：月份“{item.months}”不是从1月累计，请核对。")
    elif m.group(2) == "12":
        out.add(item, WARNING, "months", f"{describe(item)}：1-12月即全年，应放在年度数据中。")


def _check_qualifier(item: Valued, out: Findings) -> None:
    if item.qualifier not in QUALIFIERS:
        out.add(item, ERROR, "qualifier", f"{describe(item)}：限定“{item.qualifier}”无效。")
    elif item.qualifier == "range":
        if item.value_high is None or item.value_high <= item.value:
            out.add(item, ERROR, "qualifier", f"{describe(item)}：限定为“范围”时，上限应大于数值"
                    f"（现为 {fmt(item.value)} 至 {fmt(item.value_high)}）。")
    elif item.value_high is not None:
        out.add(item, ERROR, "qualifier", f"{describe(item)}：只有限定为“范围”时才填上限，"
                                          "请清空上限或把限定改为“范围”。")
    if item.status not in STATUSES:
        out.add(item, ERROR, "status", f"{describe(item)}：状态“{item.status}”无效。")


def _check_duplicates(items: Sequence[Valued], out: Findings) -> None:
    seen: dict[Key, Valued] = {}
    for item in items:
        first = seen.setdefault(item.key, item)
        if first is not item and (first.value, first.qualifier) != (item.value, item.qualifier):
            out.add(item, ERROR, "duplicate", f"{describe(item)} 有两个不同的值："
                    f"{fmt(first.value)} 和 {fmt(item.value)}，请核对原文后只保留一个。")


def _by_period(items: Iterable[Valued]) -> dict[tuple[str, int, str, str], dict[str, Valued]]:
    groups: dict[tuple[str, int, str, str], dict[str, Valued]] = defaultdict(dict)
    for item in items:
        groups[(item.region_code, item.year, item.months or "", item.status)][item.indicator] = item
    return groups


def _check_at_most(items: Sequence[Valued], context: Sequence[Valued], out: Findings) -> None:
    mine = {i.key for i in items}
    for group in _by_period(list(context) + list(items)).values():
        for pair in rules()["at_most"]:
            part, whole = group.get(pair["part"]), group.get(pair["whole"])
            if part is None or whole is None or not {part.key, whole.key} & mine:
                continue
            if part.value > whole.value:
                out.add(part, pair["severity"], "at_most",
                        f"{describe(part)} {fmt(part.value, part.unit)} 大于 "
                        f"{describe(whole)} {fmt(whole.value, whole.unit)}，部分不应超过总量，请核对。")


def _level_index(items: Iterable[Valued]) -> dict[tuple[str, str, str, int], Valued]:
    # Last year's level: actual values only (an estimate or target is not a base).
    return {(i.region_code, i.indicator, i.months or "", i.year): i
            for i in items if i.status == "actual"}


def _check_level_growth(items: Sequence[Valued], history: Sequence[Valued],
                        context: Sequence[Valued], out: Findings) -> None:
    conf = rules()["level_growth"]
    tolerance = Decimal(str(conf["tolerance_points"]))
    current = list(context) + list(items)
    levels = _level_index(list(history) + current)
    by_key = {i.key: i for i in current}
    mine = {i.key for i in items}
    for item in by_key.values():
        level = item.indicator + "_GROWTH"
        growth = by_key.get((item.region_code, level, item.year, item.months, item.status))
        base = levels.get((item.region_code, item.indicator, item.months or "", item.year - 1))
        if growth is None or base is None or base.value <= 0 or growth.qualifier != "eq":
            continue
        if not {item.key, growth.key} & mine:
            continue
        implied = (item.value / base.value - 1) * 100
        if abs(implied - growth.value) > tolerance:
            out.add(growth, conf["severity"], "level_growth",
                    f"{describe(growth)} 为 {fmt(growth.value, '%')}，但由 {item.year - 1}年 "
                    f"{fmt(base.value, base.unit)} 和 {item.year}年 {fmt(item.value, item.unit)} "
                    f"算得 {fmt(implied.quantize(Decimal('0.1')), '%')}，请核对增速或总量。")


def _check_jumps(items: Sequence[Valued], history: Sequence[Valued], out: Findings) -> None:
    conf = rules()["jump"]
    ratio = Decimal(str(conf["ratio"]))
    past = _level_index(history)
    for item in items:
        try:
            kind = catalog.indicator(item.indicator).kind
        except CatalogError:
            continue
        base = past.get((item.region_code, item.indicator, item.months or "", item.year - 1))
        if kind not in ("level", "count") or base is None or base.value <= 0 or item.value <= 0:
            continue
        if not (1 / ratio <= item.value / base.value <= ratio):
            out.add(item, conf["severity"], "jump",
                    f"{describe(item)} {fmt(item.value, item.unit)} 与库中 {item.year - 1}年 "
                    f"{fmt(base.value, base.unit)} 相差超过{fmt(ratio)}倍，请核对单位（万/亿）和数值。")
