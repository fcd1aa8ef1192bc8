"""Chinese text analysis: normalisation, words (jieba) and character bigrams.

Every piece of text, indexed or queried, goes through the same three steps:

1. `normalise` maps each character on its own: NFKC (full-width ＧＤＰ/５Ｇ to GDP/5G),
   traditional to simplified (OpenCC t2s, one character at a time), lower case. Mapping
   character by character keeps offsets comparable with the original, which is what the
   highlighter needs, and a cached translate table makes it one C-level pass.
2. `words` segments the normalised text with a private jieba tokenizer that knows the
   policy vocabulary (data/policy_dict.txt). Words get sequential positions and drive
   ranking; they are never needed for recall.
3. `bigrams` cuts the normalised text into runs of letters and digits (every CJK character
   counts, including 〇, 㐀 and 𠮷) and emits the overlapping character pairs of each run
   with sequential positions (a run of one character emits that character). Any literal
   string of two or more characters is therefore a phrase of bigrams, whatever jieba makes
   of it: 管服 in 放管服 is the bigram 管服; a quoted phrase is a bigram phrase query.

jieba is imported here and nowhere else. The tokenizer is built once per process; index
worker processes inherit it when they fork.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from importlib import resources
from math import log
from pathlib import Path
from typing import Sequence

import jieba
import opencc

from policysearch.settings import Settings

# Bump when tokens change in a way that makes existing indexes wrong.
ANALYSIS_VERSION = 1
# jieba's HMM guesses unknown words; recall comes from bigrams, so plain dictionary
# segmentation is enough for ranking (measured on 2,000 news articles: 1.48 s vs 1.73 s).
USE_HMM = False

GAP = ""  # a token that occupies a position but is not indexed: phrases never cross it

_RUN = re.compile(r"[^\W_]+")
_BETWEEN_RUNS = re.compile(r"[\W_]+")
_DICT_NAME = "policy_dict.txt"

_converter = opencc.OpenCC("t2s")


class _NormTable(dict):
    """str.translate table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        mapped = unicodedata.normalize("NFKC", char)
        mapped = "".join(_converter.convert(c) for c in mapped).lower()
        self[code] = mapped
        return mapped


_TABLE = _NormTable()


def normalise(text: str) -> str:
    """NFKC + traditional->simplified + lower case, character by character."""
    return text.translate(_TABLE)


def normalise_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """The normalised text and, for each of its characters, the index of the original
    character it came from (NFKC can turn one character into several)."""
    norm = text.translate(_TABLE)
    if len(norm) == len(text):  # no character became several (NFKC never drops one)
        return norm, range(len(text))
    parts, origin = [], []
    for i, char in enumerate(text):
        mapped = _TABLE[ord(char)]
        parts.append(mapped)
        origin.extend([i] * len(mapped))
    return "".join(parts), origin


# -- words (jieba) ------------------------------------------------------------------------

_tokenizer = None
_tokenizer_lock = threading.Lock()
_cache_dir: Path | None = None


def configure(cache_dir: Path | None) -> None:
    """Where jieba keeps its dictionary cache (call before the first segmentation; the
    default is Settings' default cache_dir)."""
    global _cache_dir
    _cache_dir = Path(cache_dir) if cache_dir else None


def dictionary_text() -> str:
    return resources.files("policysearch").joinpath("data", _DICT_NAME).read_text("utf-8")


def _dictionary_entries():
    for line in dictionary_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            parts = line.split()
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            yield normalise(parts[0]), freq


class _Graph(dict):
    """jieba's word graph of a sentence (start -> ends of the dictionary words there), with
    the words' frequencies alongside (start -> frequencies), so the route need not look
    every word up again."""
    __slots__ = ("freqs",)


class _Tokenizer(jieba.Tokenizer):
    """jieba's tokenizer with its two inner loops (the word graph of a sentence and the best
    route through it) written as plain loops that look each word up once: the same graph
    and the same route, so the same words (checked against jieba's own on the bench
    corpus), faster. jieba spends most of a long text's segmentation there."""

    def get_DAG(self, sentence):
        self.check_initialized()
        freq = self.FREQ.get
        n = len(sentence)
        dag = _Graph()
        freqs = dag.freqs = {}
        for k in range(n):
            ends, found = [], []
            i, frag = k, sentence[k]
            while True:
                f = freq(frag)
                if f is None:
                    break
                if f:
                    ends.append(i)
                    found.append(f)
                i += 1
                if i >= n:
                    break
                frag = sentence[k:i + 1]
            if ends:
                dag[k], freqs[k] = ends, found
            else:  # no word starts here: the character alone, as if of frequency 1
                dag[k], freqs[k] = [k], (1,)
        return dag

    def calc(self, sentence, DAG, route):
        freqs = getattr(DAG, "freqs", None)
        if freqs is None:
            return super().calc(sentence, DAG, route)
        n = len(sentence)
        route[n] = (0, 0)
        logtotal = log(self.total)
        for idx in range(n - 1, -1, -1):
            ends = DAG[idx]
            if len(ends) == 1:
                x = ends[0]
                route[idx] = (log(freqs[idx][0]) - logtotal + route[x + 1][0], x)
                continue
            best = None
            for x, f in zip(ends, freqs[idx]):  # jieba's max() over (score, end)
                cand = (log(f) - logtotal + route[x + 1][0], x)
                if best is None or cand > best:
                    best = cand
            route[idx] = best


def tokenizer():
    """The process's jieba tokenizer with the policy dictionary, built on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tk = _Tokenizer()
                cache_dir = _cache_dir or Settings().cache_dir
                try:
                    cache_dir.mkdir(parents=True, exist_ok=True)
                    tk.tmp_dir = str(cache_dir)
                except OSError:
                    pass  # jieba then works without a cache file, only slower to start
                tk.initialize()
                for word, freq in _dictionary_entries():
                    tk.add_word(word, freq)
                _tokenizer = tk
    return _tokenizer


def words(norm: str) -> list[str]:
    """jieba words of normalised text, punctuation and spaces dropped."""
    return [w for w in tokenizer().lcut(norm, HMM=USE_HMM) if w.isalnum() or _RUN.search(w)]


def search_words(norm: str) -> list[str]:
    """jieba's search-mode words: the words and the shorter words inside long ones
    (新能源汽车 → 新能源, 能源, 汽车, 新能源汽车), punctuation dropped."""
    return [w for w in tokenizer().cut_for_search(norm, HMM=USE_HMM)
            if w.isalnum() or _RUN.search(w)]


# -- bigrams ------------------------------------------------------------------------------

def runs(norm: str) -> list[str]:
    """Maximal runs of letters and digits (CJK characters included) of normalised text."""
    return _RUN.findall(norm)


def separate_runs(norm: str, sep: str = "\0") -> str:
    """Normalised text with everything between its runs replaced by `sep` (one `sep` for
    each stretch): the runs stay where they were relative to each other."""
    return _BETWEEN_RUNS.sub(sep, norm)


def run_bigrams(run: str) -> list[str]:
    """Overlapping character pairs of one run; a one-character run is itself."""
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def bigrams(norm: str) -> list[str]:
    """Bigram tokens of all runs in order, a GAP between runs so phrases stay inside one."""
    out: list[str] = []
    for run in _RUN.findall(norm):
        if out:
            out.append(GAP)
        if len(run) == 1:
            out.append(run)
        else:
            out.extend([run[i:i + 2] for i in range(len(run) - 1)])
    return out


def analyse(title: str, body: str) -> dict[str, list[str]]:
    """Token lists for the four text fields of an article."""
    ntitle, nbody = normalise(title or ""), normalise(body or "")
    return {"title_w": words(ntitle), "body_w": words(nbody),
            "title_b": bigrams(ntitle), "body_b": bigrams(nbody)}


def stamp() -> dict[str, str | int]:
    """What an index records about the analysis that built it; any difference means the
    index must be rebuilt."""
    digest = hashlib.sha1()
    digest.update(dictionary_text().encode("utf-8"))
    return {"analysis_version": ANALYSIS_VERSION, "jieba": jieba.__version__,
            "hmm": int(USE_HMM), "dictionary_sha1": digest.hexdigest()[:16],
            "unicode": unicodedata.unidata_version}


def word_starts(text: str) -> list[int]:
    """Offsets in `text` where a jieba word begins (for cutting a long sentence between
    words); every offset when normalisation changes the text's length."""
    norm = normalise(text)
    if len(norm) != len(text):
        return list(range(len(text)))
    out, pos = [], 0
    for word in tokenizer().lcut(norm, HMM=USE_HMM):
        out.append(pos)
        pos += len(word)
    return out
