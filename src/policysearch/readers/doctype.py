"""文种 (document type) from a title: "…的通知" is a 通知, "…实施方案" a 方案.

The endings live in data/doc_types.txt. A title is first stripped of trailing qualifiers
(（试行）, （征求意见稿）, a document number in brackets) so "…办法（试行）" is a 办法.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

NEWS = "新闻"
_TRAILING = re.compile(r"(?:\s*(?:[（(][^（()）]{0,40}[）)]|〔\d{4}〕\d+号|【[^【】]{0,40}】|\[[^\[\]]{0,40}\])\s*|\s+)$")
# "法" ends many words that are not laws: 办法 / 方法 / 做法 / 说法 / 想法 / 用法 …
_NOT_A_LAW = set("办方做说想用看手算写疗语兵书司立执")


@lru_cache(maxsize=1)
def _endings() -> list[tuple[str, str]]:
    text = resources.files("policysearch").joinpath("data/doc_types.txt").read_text("utf-8")
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            ending, kind = line.split("\t")
            pairs.append((ending.strip(), kind.strip()))
    return sorted(pairs, key=lambda p: -len(p[0]))


def from_title(title: str | None) -> str | None:
    """The document type the title ends in, or None (news, speeches, unknown)."""
    if not title:
        return None
    core = title.strip()
    for _ in range(3):
        stripped = _TRAILING.sub("", core)
        if stripped == core:
            break
        core = stripped
    if core.startswith("《") and core.endswith("》") and core.count("《") == 1:
        core = core[1:-1]   # a whole title in book-title marks: 《某某条例》
    elif core.endswith(("》", "”", "」")):
        return None         # "国务院印发《…方案》" is news about a document
    for ending, kind in _endings():
        if core.endswith(ending):
            if ending == "法" and (len(core) < 3 or core[-2] in _NOT_A_LAW):
                continue
            return kind
    return None


def ending(text: str) -> str:
    """The 文种 ending a text ends in ("实施方案" of "…创新发展实施方案"), or ""."""
    return next((e for e, _ in _endings() if text.endswith(e)), "")
