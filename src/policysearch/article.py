"""The article: what every reader produces and every later stage consumes."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

DATE_PRECISIONS = ("day", "month", "year")
DATE_SOURCES = ("metadata", "filename", "text")


def article_id(file: str, ordinal: int) -> str:
    """Stable id: the same file (path relative to the corpus) and position give the same id."""
    return hashlib.sha1(f"{file}\n{ordinal}".encode("utf-8")).hexdigest()[:16]


@dataclass
class Article:
    title: str
    body: str
    file: str = ""                  # path relative to the corpus dir, '/'-separated
    ordinal: int = 0                # position of the article within its file
    byline: str | None = None       # 本报记者 … / 本报讯 / 新华社北京1月31日电
    credit: str | None = None       # （青讯） lifted out of the body
    source: str | None = None       # publication or site
    url: str | None = None
    date: str | None = None         # YYYY-MM-DD, YYYY-MM or YYYY
    date_precision: str | None = None
    date_from: str | None = None
    provinces: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    doc_type: str | None = None
    issuer: str | None = None       # 发文机关
    doc_number: str | None = None   # 发文字号
    topic: str | None = None        # 主题分类
    written_date: str | None = None  # 成文日期 (YYYY-MM-DD, YYYY-MM or YYYY), when stated
    subheadings: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return article_id(self.file, self.ordinal)

    @property
    def year(self) -> str | None:
        return self.date[:4] if self.date else None

    @property
    def written_year(self) -> str | None:
        return self.written_date[:4] if self.written_date else None

    def set_date(self, date: str | None, source: str | None) -> None:
        """Set date with its precision (from its shape) and where it came from."""
        self.date = date or None
        self.date_precision = {10: "day", 7: "month", 4: "year"}.get(len(date)) if date else None
        self.date_from = source if date else None

    def to_dict(self, with_body: bool = True) -> dict[str, Any]:
        """The contract's article document (CONTRACT.md, "Documents")."""
        d = asdict(self)
        d.pop("ordinal")
        if not with_body:
            d.pop("body")
        return {"id": self.id, **d}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Article":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in known})
