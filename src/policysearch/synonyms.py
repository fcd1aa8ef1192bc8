"""Synonyms and abbreviations, applied to a parsed query (the search stage's first step).

Policy text names the same thing several ways (发改委 / 国家发展改革委, 新能源车 /
新能源汽车). The groups live in data/synonyms.tsv, which says where they come from and how
to add one. `expand` rewrites the syntax tree of search.parse: a word that equals a form of
a group becomes (word OR "every other form"), keeping its field. The other forms are
searched as phrases, literally: they are names, and 国家发展和改革委员会 must not match every
report that happens to say 国家, 发展, 改革 and 委员会 somewhere. Quoted phrases are never
expanded: quotes mean "exactly this text". Forms are compared after analysis.normalise, so
traditional script and full-width letters expand too.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from policysearch import analysis

DATA_FILE = "synonyms.tsv"


@lru_cache(maxsize=1)
def table() -> dict[str, tuple[str, ...]]:
    """Normalised form -> the other forms of its group (as written in the file)."""
    out: dict[str, tuple[str, ...]] = {}
    for group in groups():
        for form in group:
            out[analysis.normalise(form)] = tuple(f for f in group if f != form)
    return out


def groups() -> list[tuple[str, ...]]:
    text = resources.files("policysearch").joinpath("data", DATA_FILE).read_text("utf-8")
    out = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            forms = tuple(dict.fromkeys(f.strip() for f in line.split("\t") if f.strip()))
            if len(forms) > 1:
                out.append(forms)
    return out


def alternatives(word: str) -> tuple[str, ...]:
    return table().get(analysis.normalise(word.strip()), ())


def expand(tree) -> tuple[object, list[dict]]:
    """(the tree with synonyms ORed in, [{"term": word, "also": [forms]}] for the user)."""
    said: dict[str, list[str]] = {}

    def walk(node):
        if node is None:
            return None
        kind = node[0]
        if kind == "word":
            others = alternatives(node[1])
            if not others:
                return node
            said.setdefault(node[1], list(others))
            return ("or", [node] + [("phrase", form, node[2]) for form in others])
        if kind == "phrase":
            return node
        if kind == "not":
            return ("not", walk(node[1]))
        return (kind, [walk(child) for child in node[1]])

    expanded = walk(tree)
    return expanded, [{"term": term, "also": also} for term, also in said.items()]
