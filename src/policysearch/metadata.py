"""Policy-document metadata in queries and on pages: issuer (发文机关), topic (主题分类),
document number (发文字号).

These values are written many ways: 国办发〔2019〕4号 or 国办发[2019]4号, one issuer or a
joint 国家发展改革委、国家数据局, a topic path 卫生、体育\\体育. A field query (`issuer:…`,
`topic:…`, `doc_number:…`) therefore finds every value that *contains* the text, compared
after normalisation (`match_key`: the same per-character normalisation as the index, every
run of punctuation one space, so brackets of any width compare equal but 4号 never matches
inside 14号). The facets still filter by exact value.

A document number is also matched in its canonical form (`canonical_number`: 〔〕 brackets,
no 第, no leading zeros), so 国办发（2018）第121号 finds 国办发〔2018〕121号 and the other way
round. This one match of the doc_number field serves the `doc_number:` query, a query that is
only a document number (which finds the document bearing it in its metadata only) and the
ranking's credit for the document's own number (ranking.py).
"""
from __future__ import annotations

import re

from policysearch import analysis

CONTAINS_FIELDS = {"issuer", "topic", "doc_number"}
LABELS = {"issuer": "发文机关", "topic": "主题分类", "doc_number": "发文字号"}
TOPIC_SEPARATOR = " › "
_PUNCT = re.compile(r"[\W_]+")
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,12})\s*[〔\[(（【［]\s*(\d{4})\s*[〕\])）】］]\s*"
                         r"第?\s*(\d{1,5})\s*号")


def match_key(text: str) -> str:
    return " " + _PUNCT.sub(" ", analysis.normalise(text or "")).strip() + " "


def is_number(text: str) -> bool:
    """Whether `text` is a document number and nothing else."""
    return bool(_DOC_NUMBER.fullmatch(analysis.normalise(text or "").strip()))


def canonical_number(text: str | None) -> str | None:
    """国办发[2018]121号 / 国办发(2018)121号 / 国办发〔2018〕第121号 → 国办发〔2018〕121号."""
    m = _DOC_NUMBER.search(analysis.normalise(text or ""))
    return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号" if m else None


def keyed(values) -> list[tuple[str, str, str | None]]:
    """(value, match_key(value), canonical_number(value)) of each value, worked out once
    for `containing`."""
    return [(v, match_key(v), canonical_number(v)) for v in values]


def containing(keyed_values, text: str) -> list[str]:
    """The values (of `keyed` triples) that contain `text`: whole numbers and Latin words at
    both ends (国办发〔2019〕4号 is not found by 〔2019〕14号 nor the other way round), any
    part of a run of Chinese; and, when `text` holds a whole document number, the values
    that are that number in canonical form."""
    needle = match_key(text).strip()
    if not needle:
        return []
    pattern = re.compile(r"(?<![0-9a-z])" + re.escape(needle) + r"(?![0-9a-z])")
    number = canonical_number(text)
    return [value for value, key, canonical in keyed_values
            if pattern.search(key) or (number is not None and canonical == number)]


def split_issuers(issuer: str | None) -> list[str]:
    """A joint document's issuers one by one (国家发展改革委、国家数据局 -> both), so the
    facet counts each office and filtering by one finds the documents it issued jointly."""
    parts = re.split(r"[、，,；;/\s]+", issuer or "")
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def no_values_note(fname: str) -> str:
    """Said when a field query names a field that no article in the index has."""
    label = LABELS.get(fname, fname)
    return (f"索引中没有任何文章带有{label}（{fname}:）信息，所以这个条件找不到文章；"
            f"政府网站保存的政策文件页通常有这一项")


def topic_path(topic: str | None) -> str | None:
    """卫生、体育\\体育 as a path for people: 卫生、体育 › 体育."""
    if not topic:
        return topic
    return TOPIC_SEPARATOR.join(p.strip() for p in re.split(r"[\\/]+", topic) if p.strip())
