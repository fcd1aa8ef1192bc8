"""The index on disk: Whoosh segments built in parallel, updated incrementally.

Layout of the index directory:

    CURRENT        name of the live generation directory (replaced atomically)
    LOCK           held (flock) by the one writer; holds its pid for the error message
    CORPUS         the corpus directory the index was last built from (for check --repair)
    gen-NNNN/      a Whoosh index, plus manifest.json (file -> fingerprint, article count,
                   for what is committed), analysis.json (the analysis stamp its tokens
                   were made with) and checksums.json (see `integrity`)

`update` fingerprints every corpus file, re-ingests only added and changed files and
deletes the documents of changed and deleted files. Every run works in a new generation and
switches CURRENT to it only when it is complete: a rebuild (`--rebuild`, an index made with
another analysis, or a damaged one) starts it empty, an update starts it with hard links to
the live generation's files (Whoosh never changes a written file; deletions live in the
TOC). So a run that is killed or fails (disk full) never touches the live generation,
searches keep working on it meanwhile, and the next run collects what was left behind.
Within the run, each finished segment is committed with the files it holds (their old
documents deleted in the same commit); segments left mostly deleted are rewritten and fully
deleted ones dropped, so deleted documents do not pile up.

Speed: segmentation is the costly part, so ingestion (read + tag), analysis and posting
writing all happen in worker processes (fork), each filling its own Whoosh segments; the
parent only hands out files and commits the finished segments (Whoosh's MpWriter idea without
its pickling of every document through temp files). Fields take pre-analysed token lists,
and postings are collected in arrays and written a block at a time (`_SegmentBuilder`), so
neither Whoosh's per-token analyzer chain nor its per-posting sorting pool runs. The codec
is Whoosh 3's with compact positions, protocol-4 pickles and inlined rare terms (`LeanCodec`).
This relies on private parts of Whoosh 2.7 (pinned <2.8 in pyproject.toml).
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import itertools
import json
import multiprocessing
import os
import pickle
import queue as queue_mod
import shutil
import time
import zlib
from array import array
from collections import defaultdict
from pathlib import Path
from typing import Callable

import numpy as np
from whoosh import columns, fields, formats, index as whoosh_index
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3PostingsWriter, W3TermInfo
from whoosh.filedb.filetables import _lengths as _row_lengths, md5_hash
from whoosh.index import TOC, clean_files
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from policysearch import analysis, dedup, fanout, integrity, metadata, readers
from policysearch.article import Article
from policysearch.ingest import ingest_file
from policysearch.settings import Settings

CURRENT = "CURRENT"
LOCK = "LOCK"
CORPUS = "CORPUS"
RESUME = "RESUME"
MANIFEST = "manifest.json"
STAMP = "analysis.json"
TITLE_BOOST = 3.0
WRITER_LIMIT_MB = 384        # per worker: fewer, larger sorted runs of postings


class IndexError_(Exception):
    """A run-level failure: the index run could not complete."""


class IndexLocked(IndexError_):
    pass


class CorpusMissing(IndexError_):
    pass


class IndexWriteError(IndexError_):
    pass


# -- schema -------------------------------------------------------------------------------

class CompactPositions(formats.Positions):
    """Positions as a raw array ('H' when every position fits in 16 bits, else 'I') with
    the type code in front: 3 bytes for the common single occurrence instead of the 14 of
    Whoosh's pickled delta list, and decoded by C code (array) instead of pickle."""

    def encode(self, poslist):
        code = "H" if poslist[-1] < 65536 else "I"
        return code.encode("ascii") + array(code, poslist).tobytes()

    def decode_positions(self, valuestring):
        return array(chr(valuestring[0]), valuestring[1:]).tolist()

    def decode_frequency(self, valuestring):
        return (len(valuestring) - 1) // (2 if valuestring[0] == 72 else 4)

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring):
        return [(pos, 1) for pos in self.decode_positions(valuestring)]


class _Tokens(fields.FieldType):
    """A positional text field fed with token lists made by `analysis`.

    Positions are list indexes; `analysis.GAP` entries take a position but are not indexed,
    so phrases cannot match across them."""

    def __init__(self, field_boost: float = 1.0):
        self.format = CompactPositions(field_boost=field_boost)
        self.analyzer = None
        self.scorable = True
        self.stored = False
        self.unique = False
        self.vector = None
        self.column_type = None

    def index(self, value, **kwargs):
        boost = self.format.field_boost
        for token, poslist in token_positions(value).items():
            yield token.encode("utf-8"), len(poslist), len(poslist) * boost, _encode(poslist)

    def tokenize(self, value, **kwargs):  # pragma: no cover - never analysed by Whoosh
        raise NotImplementedError("_Tokens fields take pre-analysed token lists")


def token_positions(tokens: list[str]) -> dict[str, list[int]]:
    positions = defaultdict(list)
    for pos, token in enumerate(tokens):
        positions[token].append(pos)
    positions.pop(analysis.GAP, None)
    return positions


_encode_positions = CompactPositions().encode


class _SinglePositions(dict):
    """position -> the encoded value of that one position, made on first use: the
    one-occurrence values are shared, which saves both time and memory while postings are
    held in memory."""

    def __missing__(self, pos: int) -> bytes:
        encoded = self[pos] = _encode_positions([pos])
        return encoded


_single_position = _SinglePositions()


def _encode(poslist: list[int]) -> bytes:
    """Encoded positions (shared when there is one)."""
    if len(poslist) == 1:
        return _single_position[poslist[0]]
    return _encode_positions(poslist)


class _TokenPostings:
    """One token field's postings while a segment is built, in flat columns: per posting
    the term's number, the document number, the number of positions and the encoded
    positions, appended a document at a time by C-level calls (map, extend). Long text has
    over a thousand distinct tokens per field and document; a dict of per-term arrays
    cost several objects and appends for each of them. `terms()` sorts the columns by term
    once, when the segment is written."""

    def __init__(self):
        self.numbers: dict[str, int] = {}   # token -> term number (unique, not dense)
        self._next = itertools.count()
        self.term_ids = array("q")
        self.docs = array("I")
        self.counts = array("I")
        self.values: list[bytes] = []

    def add(self, docnum: int, tokens: list[str]) -> tuple[int, int]:
        """Add one document's tokens; returns the field length and the postings added."""
        positions = token_positions(tokens)
        self.term_ids.extend(map(self.numbers.setdefault, positions, self._next))
        self.docs.extend([docnum] * len(positions))
        self.counts.extend(map(len, positions.values()))
        self.values.extend(map(_encode, positions.values()))
        return len(tokens) - tokens.count(analysis.GAP), len(positions)

    def terms(self, boost: float):
        """(token, docs, weights, encoded positions) in token order, docs ascending."""
        ids = np.frombuffer(self.term_ids, dtype=np.int64)
        if not len(ids):
            return
        order = np.argsort(ids, kind="stable")  # a term's postings stay in document order
        sorted_ids = ids[order]
        starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
        ends = np.r_[starts[1:], len(sorted_ids)]
        span = dict(zip(sorted_ids[starts].tolist(), zip(starts.tolist(), ends.tolist())))
        docs = np.frombuffer(self.docs, dtype=np.uint32)[order].tolist()
        weights = (np.frombuffer(self.counts, dtype=np.uint32)[order] * boost).tolist()
        values = [self.values[i] for i in order.tolist()]
        numbers = self.numbers
        for token in sorted(numbers):  # str order is UTF-8 byte order
            a, b = span[numbers[token]]
            yield token, docs[a:b], weights[a:b], values[a:b]


# Whoosh pickles blocks with protocol 2, which spells every bytes value (our positions) as
# a call to codecs.encode: 20-50 bytes for a 3-byte value. Protocol 4 stores it in 5; the
# reader's pickle.loads reads either.
_PICKLE = 4


class _LeanTermInfo(W3TermInfo):
    def to_bytes(self):
        if not self.is_inlined():
            return super().to_bytes()
        no_id = 0xFFFFFFFF
        head = self._struct.pack(
            1, self._weight, self._df,
            0 if self._minlength is None else length_to_byte(self._minlength),
            length_to_byte(self._maxlength), self._maxweight,
            no_id if self._minid is None else self._minid,
            no_id if self._maxid is None else self._maxid)
        return head + pickle.dumps(self._inlined, _PICKLE)


class _LeanPostingsWriter(W3PostingsWriter):
    """Whoosh 3 postings, written more compactly: protocol-4 pickles, integral weights as
    ints, rare terms inlined, zlib only for blocks big enough to gain from it (compressing
    the many one- or two-posting blocks of rare bigrams cost time for nothing)."""

    def start_postings(self, format_, terminfo):
        super().start_postings(format_, _LeanTermInfo())

    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        databytes = pickle.dumps((self._mini_ids(), self._mini_weights(), self._mini_values()),
                                 _PICKLE)
        comp = self._compression if len(databytes) >= 256 else 0
        if comp:
            databytes = zlib.compress(databytes, comp)
        ids = self._ids
        infobytes = pickle.dumps((len(ids), ids[-1], self._maxweight, comp,
                                  length_to_byte(self._minlength),
                                  length_to_byte(self._maxlength)), _PICKLE)
        length = len(infobytes) + len(databytes)
        self._postfile.write_int(-length if last else length)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()

    def _mini_weights(self):
        # Weights here are whole numbers (frequency x an integral boost): pickled as ints
        # they take 2 bytes instead of a float's 9.
        weights = self._weights
        first = weights[0]
        if all(w == first for w in weights):
            return None if first == 1.0 else float(first)
        return _compact_numbers(weights)

    def finish_postings(self):
        # Whoosh 2.7's own version calls a misspelt set_inline(), so inlining never worked.
        terminfo = self._terminfo
        if not self.written() and len(self) < self._inlinelimit:
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, _compact_numbers(self._weights),
                                 self._values)
        else:
            if self._ids:
                self._write_block(last=True)
            terminfo.set_extent(self._startoffset, self._postfile.tell() - self._startoffset)
        self._terminfo = None
        return terminfo


def _compact_number(w: float):
    return int(w) if w == int(w) else w


def _compact_numbers(weights) -> tuple:
    """_compact_number of each weight, as a tuple; in C when all are whole (the rule)."""
    ints = tuple(map(int, weights))
    if ints == tuple(weights):
        return ints
    return tuple([_compact_number(w) for w in weights])


class LeanCodec(W3Codec):
    """W3Codec that inlines the postings of rare terms into the term table (most bigrams
    occur in a handful of documents) and skips compressing tiny blocks."""

    def __init__(self):
        super().__init__(blocklimit=128, compression=3, inlinelimit=4)

    def postings_writer(self, dbfile, byteids=False):
        return _LeanPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                   compression=self._compression,
                                   inlinelimit=self._inlinelimit)


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(unique=True),
        file=fields.ID(),
        title_w=_Tokens(TITLE_BOOST), body_w=_Tokens(),
        title_b=_Tokens(TITLE_BOOST), body_b=_Tokens(),
        province=fields.KEYWORD(), industry=fields.KEYWORD(),
        year=fields.ID(), doc_type=fields.ID(), source=fields.ID(),
        issuer=fields.KEYWORD(), topic=fields.ID(), doc_number=fields.ID(), written_year=fields.ID(),
        datekey=fields.COLUMN(columns.NumericColumn("i", default=0)),
        idkey=fields.COLUMN(columns.NumericColumn("Q", default=0)),
        article=fields.STORED(),
    )


def date_key(date: str | None) -> int:
    """YYYY-MM-DD / YYYY-MM / YYYY as a sortable int (missing parts are 0)."""
    if not date:
        return 0
    parts = (date.split("-") + ["0", "0"])[:3]
    try:
        year, month, day = (int(p) for p in parts)
    except ValueError:
        return 0
    return year * 10000 + month * 100 + day


def id_key(id: str) -> int:
    """A 64-bit number from the article id: the stable last tie-break of result order, the
    same whichever shard or segment (docnum) the article landed in."""
    return int.from_bytes(hashlib.blake2b(id.encode("utf-8"), digest_size=8).digest(), "big")


def document(article: Article) -> dict:
    """The Whoosh document for one article: tokens, facets and the stored article."""
    doc = analysis.analyse(article.title, article.body)
    doc.update(
        id=article.id, file=article.file, article=article.to_dict(),
        province=list(article.provinces), industry=list(article.industries),
        datekey=date_key(article.date), idkey=id_key(article.id),
    )
    for name, value in (("year", article.year), ("doc_type", article.doc_type),
                        ("source", article.source), ("topic", article.topic),
                        ("doc_number", article.doc_number), ("written_year", article.written_year)):
        if value:
            doc[name] = value
    issuers = metadata.split_issuers(article.issuer)
    if issuers:
        doc["issuer"] = issuers
    return doc


# -- generations, lock, manifest ----------------------------------------------------------

def current_generation(index_dir: Path) -> Path | None:
    """The live generation directory, or None when there is no index yet."""
    try:
        name = (Path(index_dir) / CURRENT).read_text("utf-8").strip()
    except (OSError, ValueError):  # missing, or damaged beyond decoding
        return None
    gen = Path(index_dir) / name
    return gen if integrity.generation_number(gen) is not None and gen.is_dir() else None


def _new_generation(index_dir: Path) -> Path:
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()]
    gen = index_dir / f"gen-{max(numbers, default=0) + 1:04d}"
    gen.mkdir()
    return gen


def _switch(index_dir: Path, gen: Path) -> None:
    _write_text(index_dir / CURRENT, gen.name + "\n")


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def generation_files(gen: Path) -> list[str]:
    """The files generation `gen` is made of: its latest TOC, the segments that TOC lists,
    the manifest and the analysis stamp."""
    ix = whoosh_index.open_dir(str(gen))
    toc = TOC.read(ix.storage, ix.indexname)
    names = [TOC._filename(ix.indexname, toc.generation), MANIFEST, STAMP]
    names += [name for name in dedup.FILES if (gen / name).exists()]
    for segment in toc.segments:
        names += segment.list_files(ix.storage)
    return names


def open_count(gen: Path) -> int:
    """Open generation `gen` as a searcher would and return its live document count
    (raises whatever Whoosh raises when it cannot be read)."""
    with whoosh_index.open_dir(str(gen)).reader() as reader:
        if reader.has_column("datekey"):
            dates = sum(1 for _ in reader.column_reader("datekey"))
            if dates != reader.doc_count_all():
                raise ValueError(f"{dates} dates for {reader.doc_count_all()} documents")
        return reader.doc_count()


_lock_fds: set[int] = set()


def _close_lock_fds_in_child() -> None:
    # A forked worker sharing the lock's open file would keep the flock after the writer
    # dies (the lock is released when the last descriptor closes).
    for fd in _lock_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    _lock_fds.clear()


os.register_at_fork(after_in_child=_close_lock_fds_in_child)


class _WriterLock:
    """One writer at a time: an flock on index_dir/LOCK, released by the OS if we die
    (workers do not inherit it, so a writer killed alone does not leave it held)."""

    def __init__(self, index_dir: Path):
        self.path = index_dir / LOCK
        self.fd: int | None = None

    def __enter__(self):
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise IndexLocked(f"index is locked by pid {holder}") from None
        _lock_fds.add(fd)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self.fd = fd
        return self

    def __exit__(self, *exc):
        _lock_fds.discard(self.fd)
        os.ftruncate(self.fd, 0)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def read_json(path: Path, default):
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return default


def write_json(path: Path, data) -> None:
    """Write `data` as JSON to `path` atomically (a reader sees the old file or the new)."""
    _write_text(path, json.dumps(data, ensure_ascii=False))


# -- building segments --------------------------------------------------------------------

class _SegmentBuilder:
    """Ingests files into new Whoosh segments (one builder per worker process).

    Postings are collected in memory per field, as compact arrays (flat columns for the
    token fields, see _TokenPostings), and written term by term, a block of up to 128
    postings at a time, through the codec's own writers (rows of rare terms directly).
    This replaces Whoosh's generic path (a tuple per posting, an external sort through
    pickled run files, one Python call per posting when writing), which was most of the
    indexing time. A segment is finished after the file that brings it to MAX_POSTINGS
    (bounding memory to that and one file's postings), and handed with the names of the
    files it holds to `on_segment`, which commits it: the run commits in batches, so an
    interrupted run keeps what it finished. A file too long for one segment (MAX_POSTINGS
    of its own) fills several, handed on together once the file is complete, so its
    documents are committed (and its old ones deleted) in one commit. (Finishing a segment
    in the middle of any file left a small one with the file's rest every time: half the
    segments of a large build were small, and merging them cost more than building them.)"""

    MAX_POSTINGS = 6_000_000

    def __init__(self, gen: Path, corpus_dir: Path, on_segment, analysers: int = 1,
                 keep: Callable[[Article], bool] | None = None):
        self.analysers = analysers      # processes analysing a file's articles
        self.keep = keep                # which of a file's articles this index holds
        self.ix = whoosh_index.open_dir(str(gen))
        self.schema = self.ix.schema
        self.corpus_dir = corpus_dir
        self.on_segment = on_segment
        self.files: list[str] = []
        self.waiting: list = []     # segments written while a long file was still being added
        self._start()

    def _start(self):
        self.writer = SegmentWriter(self.ix, _lk=False, codec=LeanCodec(), compound=False)
        self.postings: dict[str, dict | _TokenPostings] = {}
        self.lengths: dict[str, array] = {}
        self.held = 0

    def add_file(self, rel: str, path: str, fingerprint: str) -> dict:
        result = {"file": rel, "fingerprint": fingerprint, "articles": 0,
                  "problems": [], "error": None}
        try:
            articles, problems = ingest_file(Path(path), self.corpus_dir)
        except readers.ReadError as exc:
            result["error"] = str(exc)
            return result
        except Exception as exc:  # one bad file must never stop the run
            result["error"] = f"unexpected error: {type(exc).__name__}: {exc}"
            return result
        if self.keep is not None:
            articles = [a for a in articles if self.keep(a)]
        # one article at a time (a long file's tokens are never all held), in several
        # processes when this is the run's one file
        docs = fanout.ordered_map(document, articles, self.analysers, _article_length,
                                  integrity.die_with_parent, (os.getpid(),))
        start = self.held    # what the segment held before this file
        while True:
            try:
                doc = next(docs, None)
            except Exception as exc:  # an analysis bug: report the file (a re-run replaces
                result["error"] = f"unexpected error: {type(exc).__name__}: {exc}"  # its docs)
                return result
            if doc is None:
                break
            self.add_document(doc)
            if self.held - start >= self.MAX_POSTINGS:
                # a file longer than a segment: finish the segment now (memory stays
                # bounded) and keep it back, so that all of the file's documents are
                # committed together
                self._flush(hold=True)
                self._start()
                start = 0
        self.files.append(rel)
        result["articles"] = len(articles)
        result["problems"] = list(problems)
        return result

    def flush_if_full(self) -> None:
        """Finish the segment when it holds enough, or when segments of the file just added
        wait (call after reporting the file)."""
        if self.held >= self.MAX_POSTINGS or self.waiting:
            self._flush()
            self._start()

    def add_document(self, doc: dict) -> None:
        writer, schema = self.writer, self.schema
        docnum = writer.docnum
        perdoc = writer.perdocwriter
        perdoc.start_doc(docnum)
        for name in sorted(doc):
            value = doc[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                length = self._add_postings(name, field, docnum, value)
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        writer.docnum += 1
        writer._added = True

    def _add_postings(self, name, field, docnum, value) -> int:
        if isinstance(field, _Tokens):
            field_postings = self.postings.get(name)
            if field_postings is None:
                field_postings = self.postings[name] = _TokenPostings()
            length, added = field_postings.add(docnum, value)
            self.held += added
        else:
            terms = self.postings.setdefault(name, {})
            length = 0
            for key, freq, weight, vbytes in field.index(value):
                entry = terms.get(key)
                if entry is None:
                    entry = terms[key] = (array("I"), array("f"), [])
                entry[0].append(docnum)
                entry[1].append(weight)
                if vbytes:
                    entry[2].append(vbytes)
                length += freq
                self.held += 1
        if field.scorable:
            lengths = self.lengths.setdefault(name, array("I"))
            lengths.extend([0] * (docnum - len(lengths)))
            lengths.append(length)
            return length
        return 0

    def _flush(self, hold: bool = False) -> None:
        """Write the segment and hand it, with any kept back, and the files they complete
        to on_segment; with `hold` (a file is still being added) keep it back instead."""
        writer = self.writer
        if writer._added:
            self.waiting.append(self._write_segment())
        else:
            writer._close_segment()
        if hold:
            return
        segments, self.waiting = self.waiting, []
        files, self.files = self.files, []
        if segments or files:
            self.on_segment(segments, files)

    def _write_segment(self):
        writer = self.writer
        writer.perdocwriter.close()
        fw = writer.fieldwriter
        add_row = _term_row_adder(fw._tindex)
        inline_below = fw._codec._inlinelimit
        for name in sorted(self.postings):
            field = self.schema[name]
            held = self.postings[name]
            if isinstance(field, _Tokens):
                terms = ((key.encode("utf-8"), docs, weights, values)
                         for key, docs, weights, values in held.terms(field.format.field_boost))
            else:
                terms = ((key, *held[key]) for key in sorted(held))
            lengths = self.lengths.get(name)
            fw.start_field(name, field)
            prefix = pack_ushort(fw._fieldid)
            btext = None
            for btext, docs, weights, values in terms:
                if len(docs) < inline_below:  # most terms: the row is made here directly
                    add_row(prefix + btext, _inlined_row(docs, weights, values, lengths))
                    continue
                fw.start_term(btext)
                _write_postings(fw._postwriter, docs, weights, values, lengths)
                fw.finish_term()
            if btext is not None:
                fw._tindex.lastkey = prefix + btext
            fw.finish_field()
        fw.close()
        writer._close_segment()
        writer._assemble_segment()
        self.postings, self.lengths = {}, {}
        return writer.get_segment()

    def finish(self) -> None:
        self._flush()

    def cancel(self):
        self.writer.cancel()


def _article_length(article: Article) -> int:
    return len(article.body) + len(article.title)


def _inlined_row(docs, weights, values, lengths) -> bytes:
    """The term table row of a term whose few postings are inlined: byte for byte what
    start_term / finish_term make through _LeanPostingsWriter and _LeanTermInfo, without
    the half-dozen objects and calls per term (most bigrams of long text occur in one to
    three documents, and these calls were the largest cost of writing a segment)."""
    if lengths is not None:
        have = len(lengths)
        block = [lengths[d] if d < have else 0 for d in docs]
        minlength, maxlength = length_to_byte(min(block)), length_to_byte(max(block))
    else:
        minlength, maxlength = 0, 0
    head = W3TermInfo._struct.pack(1, sum(weights), len(docs), minlength, maxlength,
                          max(0, max(weights)), docs[0], docs[-1])
    return head + pickle.dumps((tuple(docs), _compact_numbers(weights),
                                tuple(values)), _PICKLE)


def _term_row_adder(tindex):
    """tindex.add (an OrderedHashWriter's) for keys known to come in order: the same bytes,
    the same hash buckets and key index, fewer calls per row."""
    raw = tindex.dbfile.file
    write, tell = raw.write, raw.tell
    buckets, index_append, pack = tindex.buckets, tindex.index.append, _row_lengths.pack
    if tindex.hashfn is md5_hash:
        def hashfn(key):
            return int.from_bytes(hashlib.md5(key, usedforsecurity=False).digest()[-4:], "big")
    else:
        hashfn = tindex.hashfn

    def add(key: bytes, value: bytes) -> None:
        pos = tell()
        index_append(pos)
        write(pack(len(key), len(value)) + key + value)
        h = hashfn(key)
        buckets[h & 255].append((h, pos))
    return add


def _write_postings(pw, docs, weights, values, lengths) -> None:
    """One term's postings into the postings writer, whole blocks at a time; the last block
    is left buffered for finish_term() (which may inline it)."""
    n, size = len(docs), pw._blocklimit
    for start in range(0, n, size):
        end = min(n, start + size)
        ids = docs[start:end]
        pw._ids, pw._weights = ids, weights[start:end]
        pw._values = values[start:end] if values else []
        if lengths is not None:
            block_lengths = [lengths[d] if d < len(lengths) else 0 for d in ids]
            pw._minlength, pw._maxlength = min(block_lengths), max(block_lengths)
        else:
            pw._minlength, pw._maxlength = None, 0
        pw._maxweight = max(pw._weights)
        if end < n:
            pw._write_block()


def _worker_main(gen, corpus_dir, jobs, results, parent, keep):
    integrity.die_with_parent(parent)
    builder = _SegmentBuilder(Path(gen), Path(corpus_dir),
                              lambda segments, files: results.put(("segment", (segments, files))),
                              keep=keep)
    try:
        while (job := _next_job(jobs, parent)) is not None:
            results.put(("file", builder.add_file(*job)))
            builder.flush_if_full()
        builder.finish()
        results.put(("done", None))
    except BaseException as exc:
        try:
            builder.cancel()
        except Exception:  # e.g. the disk is still full: the parent removes what is left
            pass
        results.put(("failed", (getattr(exc, "errno", None), f"{type(exc).__name__}: {exc}")))


def _next_job(jobs, parent: int):
    """The next job, or None at the end; exits when the parent is gone (no one would take
    the result, and an orphan must not run on)."""
    while True:
        try:
            return jobs.get(timeout=2.0)
        except queue_mod.Empty:
            if not integrity.parent_alive(parent):
                os._exit(1)


def _build_segments(jobs: list[tuple[str, str, str]], gen: Path, corpus_dir: Path,
                    workers: int, progress, on_segment, reported: dict,
                    keep: Callable[[Article], bool] | None = None) -> list[dict]:
    """Ingest `jobs` (rel, path, fingerprint) into new segments, passed to
    `on_segment(segments, files)` in this process as soon as they are finished; returns the
    per-file results (also put in `reported` by file as they arrive, before the segment
    holding the file). Uses worker processes when there is more than one file. `keep`
    picks the articles of a file to index (all when None)."""
    analysis.tokenizer()  # build once here; forked workers inherit it
    total = len(jobs)
    if workers <= 1 or total <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        builder = _SegmentBuilder(gen, corpus_dir, on_segment,
                                  analysers=workers if total == 1 else 1, keep=keep)
        out = []
        for job in jobs:
            out.append(builder.add_file(*job))
            reported[job[0]] = out[-1]
            if progress:
                progress(len(out), total, job[0])
            builder.flush_if_full()
        builder.finish()
        return out
    return _build_parallel(jobs, gen, corpus_dir, min(workers, total), progress, on_segment,
                           reported, keep)


def _build_parallel(jobs, gen, corpus_dir, nprocs, progress, on_segment, reported, keep):
    ctx = multiprocessing.get_context("fork")
    job_q, result_q = ctx.Queue(), ctx.Queue()
    # Largest files first, so one big file does not finish last on a lone worker.
    for job in sorted(jobs, key=lambda j: -_size(j[1])):
        job_q.put(job)
    for _ in range(nprocs):
        job_q.put(None)
    procs = [ctx.Process(target=_worker_main, daemon=True,
                         args=(str(gen), str(corpus_dir), job_q, result_q, os.getpid(), keep))
             for _ in range(nprocs)]
    for p in procs:
        p.start()
    out, finished = [], 0
    try:
        while finished < nprocs:
            try:
                kind, payload = result_q.get(timeout=1.0)
            except queue_mod.Empty:
                if any(p.exitcode not in (None, 0) for p in procs):
                    raise IndexWriteError("an indexing worker process died; the files it had "
                                          "not committed will be indexed on the next run")
                continue
            if kind == "file":
                out.append(payload)
                reported[payload["file"]] = payload
                if progress:
                    progress(len(out), len(jobs), payload["file"])
            elif kind == "segment":
                on_segment(*payload)
            elif kind == "done":
                finished += 1
            else:
                code, message = payload
                if code:  # disk full, no permission: said once, by update()
                    raise OSError(code, os.strerror(code))
                raise IndexWriteError(f"indexing worker failed: {message}")
    finally:
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
    return out


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


MERGE_ABOVE_SEGMENTS = 12    # merge small segments only when there are more than this
SMALL_SEGMENT = 0.1          # ... small: fewer documents than this share of the largest's
MIN_LIVE_FRACTION = 0.5      # rewrite a segment once more than half its documents are deleted


def _commit(gen: Path, delete_files: list[str], segments: list, final: bool = False) -> int:
    """Delete the documents of `delete_files`, add `segments`, commit; returns doc count.

    Existing small segments are merged (_merge_small, which re-writes postings one by one
    in this process) only once there are many, so a small update stays quick. Unused files
    are removed only by the `final` commit of a run: earlier, worker processes are still
    writing segments that no commit lists yet."""
    ix = whoosh_index.open_dir(str(gen))
    if not delete_files and not segments:
        if final:
            toc = TOC.read(ix.storage, ix.indexname)
            clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
        return ix.doc_count()
    writer = ix.writer(codec=LeanCodec())
    try:
        for rel in delete_files:
            writer.delete_by_term("file", rel)
        merge = len(writer.segments) + len(segments) > MERGE_ABOVE_SEGMENTS
        listed = writer._merge_segments(_reclaiming_merge(merge), False, merge)
        listed += segments
        if writer._added:
            listed.append(writer._finalize_segment())
        else:
            writer._close_segment()
            for name in writer.newsegment.list_files(writer.storage):  # unused, empty
                writer.storage.delete_file(name)
        TOC(writer.schema, listed, writer.generation).write(writer.storage, writer.indexname)
        if final:
            clean_files(writer.storage, writer.indexname, writer.generation, listed)
            writer._finish()
        else:  # _finish() would also delete the temp directory the workers are using
            writer.writelock.release()
            writer.is_closed = True
    except BaseException:
        writer.cancel()
        raise
    return whoosh_index.open_dir(str(gen)).doc_count()


def _reclaiming_merge(merge: bool):
    """A Whoosh merge policy that drops fully deleted segments and rewrites (keeping only
    live documents) those mostly deleted, then merges small ones (_merge_small) when `merge`.

    Whoosh's add_reader hands the pool the empty value of a keyword posting as '' (the pool
    wants bytes or None), so the pool is given None for it while merging."""
    def policy(writer, segments):
        pool_add = writer.pool.add
        writer.pool.add = lambda item: pool_add(item if item[4] else item[:4] + (None,))
        try:
            kept = []
            for segment in segments:
                live, written = segment.doc_count(), segment.doc_count_all()
                if live and live < written * MIN_LIVE_FRACTION:
                    reader = SegmentReader(writer.storage, writer.schema, segment)
                    writer.add_reader(reader)
                    reader.close()
                elif live:
                    kept.append(segment)
            return _merge_small(writer, kept) if merge else kept
        finally:
            writer.pool.add = pool_add
    return policy


def _merge_small(writer, segments: list) -> list:
    """Merge the small segments (fewer documents than SMALL_SEGMENT of the largest's) into
    one: the segments of small updates and each worker's last one are merged, full segments
    never are, and a merged one stops being merged once it is no longer small. Re-writing
    goes through Whoosh's pool, a Python call per posting, slower than building: Whoosh's
    MERGE_SMALL merged twenty-odd full segments at once past about 250,000 articles, and
    then again, so a large build spent most of its time re-writing what it had written."""
    largest = max((s.doc_count_all() for s in segments), default=0)
    merged = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT * largest]
    if len(merged) < 2:
        return segments
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in merged]


# -- the run ------------------------------------------------------------------------------

def update(corpus_dir: Path, settings: Settings, rebuild: bool = False,
           progress: Callable[[int, int, str], None] | None = None,
           select: Callable[[str], bool] | None = None,
           keep: Callable[[Article], bool] | None = None) -> dict:
    """Bring the index at settings.index_dir up to date with corpus_dir; returns the
    contract's index summary. Raises IndexError_ subclasses when the run cannot complete.
    `select(relative path)` keeps only some corpus files and `keep(article)` only some of
    their articles (one shard's, see shards.py)."""
    started = time.monotonic()
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusMissing(f"no such corpus directory: {corpus_dir}")
    index_dir = Path(settings.index_dir)
    analysis.configure(settings.cache_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        with _WriterLock(index_dir):
            summary = _update_locked(corpus_dir, index_dir, settings, rebuild, progress,
                                     select, keep)
    except OSError as exc:
        hint = "; free some space and run it again" if exc.errno == errno.ENOSPC else ""
        raise IndexWriteError(f"cannot write the index at {index_dir}: "
                              f"{exc.strerror or exc}{hint}") from exc
    summary["took_s"] = round(time.monotonic() - started, 3)
    return summary


def _update_locked(corpus_dir, index_dir, settings, rebuild, progress, select, keep) -> dict:
    current = current_generation(index_dir)
    stamp = analysis.stamp()
    notes = []
    if not rebuild and (resumed := _resume(index_dir, current, corpus_dir, stamp)) is not None:
        current = current_generation(index_dir)
        notes.append(f"resumed from what a stopped run had committed ({resumed} articles)")
    integrity.collect_garbage(index_dir, current)
    if current is not None and not rebuild:
        if read_json(current / STAMP, None) != stamp:
            rebuild = True  # tokens made by another analysis cannot be mixed with ours
        elif damage := integrity.verify(current):
            rebuild = True
            notes.append(f"the index was damaged ({damage[0]['file']}: "
                         f"{damage[0]['problem']}); rebuilt it from the corpus")
    fresh = rebuild or current is None
    keep_partial = current is None or not fresh  # an update, or the very first build
    gen = _new_generation(index_dir)
    try:
        if keep_partial:  # what a killed run committed can be resumed from this generation
            _write_text(gen / RESUME, current.name if current else "")
        if fresh:
            whoosh_index.create_in(str(gen), make_schema())
            write_json(gen / STAMP, stamp)
            old: dict[str, dict] = {}
        else:
            for name in integrity.recorded_files(current):
                integrity.link_or_copy(current / name, gen / name)
            old = read_json(gen / MANIFEST, {}).get("files", {})
        summary, manifest = _apply(corpus_dir, gen, old, fresh, settings, progress, select,
                                   keep)
        if not fresh and not _changed(summary) and (current / dedup.GROUPS).exists():
            # nothing to publish: keep the live one
            shutil.rmtree(gen, ignore_errors=True)
            gen = current
        else:
            write_json(gen / MANIFEST, {"files": manifest})
            dedup.group(gen)  # republished copies, over the whole index
            _publish(index_dir, gen, corpus_dir)
    except BaseException:
        # An interrupted or failed update keeps the batches it committed, when they are
        # consistent; a rebuild is kept only whole. Anything else is removed.
        if not keep_partial or not _publish_quietly(index_dir, gen, corpus_dir):
            shutil.rmtree(gen, ignore_errors=True)
        raise
    integrity.collect_garbage(index_dir, gen)
    if notes:
        summary["notes"] = notes
    return summary


def _changed(summary: dict) -> bool:
    files, articles = summary["files"], summary["articles"]
    return bool(files["added"] or files["updated"] or files["deleted"] or articles["deleted"])


def _resume(index_dir: Path, current: Path | None, corpus_dir: Path, stamp) -> int | None:
    """Publish what a killed update (or first build) committed, when it is consistent;
    returns its article count, or None when there is nothing to resume."""
    gens = [g for g in index_dir.glob("gen-*") if integrity.generation_number(g) is not None]
    newest = max(gens, key=integrity.generation_number, default=None)
    if newest is None or newest == current:
        return None
    try:
        base = (newest / RESUME).read_text("utf-8")
    except (OSError, ValueError):
        return None
    if base != (current.name if current else "") or read_json(newest / STAMP, None) != stamp:
        return None
    if not _publish_quietly(index_dir, newest, corpus_dir):
        return None
    return manifest_articles(newest)


def manifest_articles(gen: Path) -> int:
    """How many articles generation `gen`'s manifest says it holds."""
    files = read_json(gen / MANIFEST, {}).get("files", {})
    return sum(entry.get("articles", 0) for entry in files.values())


def _publish(index_dir: Path, gen: Path, corpus_dir: Path) -> None:
    """Seal generation `gen` (checksums, no stray files) and make it the live one."""
    count, listed = open_count(gen), manifest_articles(gen)
    if count != listed:
        raise IndexWriteError(f"the new generation holds {count} articles, its manifest "
                              f"lists {listed}")
    integrity.record(gen, generation_files(gen))
    integrity.remove_unrecorded(gen)
    _write_text(index_dir / CORPUS, str(corpus_dir.resolve()) + "\n")
    _switch(index_dir, gen)


def _publish_quietly(index_dir: Path, gen: Path, corpus_dir: Path) -> bool:
    try:
        _publish(index_dir, gen, corpus_dir)
        return True
    except Exception:  # the run is failing already; this was only a chance to keep work
        return False


def recorded_corpus(index_dir: Path) -> Path | None:
    """The corpus directory the index was last built from, if recorded."""
    try:
        return Path((Path(index_dir) / CORPUS).read_text("utf-8").strip())
    except (OSError, ValueError):
        return None


def corpus_files(corpus_dir: Path) -> tuple[readers.Scan, list[tuple[str, Path]], list[dict]]:
    """The corpus's scan, its supported files as (path relative to the corpus, path), and
    the errors of those that cannot be named (symbolic link loops)."""
    scan = readers.scan(corpus_dir)
    files, errors = [], []
    for path in scan.files:
        try:
            rel = readers.safe_name(Path(path).resolve().relative_to(corpus_dir.resolve()).as_posix())
        except (RuntimeError, OSError, ValueError):  # a symlink loop: report it, go on
            errors.append({"file": readers.display_name(path, corpus_dir),
                           "reason": "cannot read: a symbolic link loop"})
            continue
        files.append((rel, path))
    return scan, files, errors


def _apply(corpus_dir, gen, old, fresh, settings, progress, select, keep) -> tuple[dict, dict]:
    scan, files, errors = corpus_files(corpus_dir)
    jobs, unchanged = [], {}
    seen = set()
    for rel, path in files:
        if select is not None and not select(rel):
            continue
        seen.add(rel)
        try:
            fp = readers.fingerprint(path)
        except (OSError, readers.ReadError) as exc:
            errors.append({"file": rel, "reason": f"cannot read: {exc}"})
            continue
        if rel in old and old[rel]["fingerprint"] == fp:
            unchanged[rel] = old[rel]
        else:
            jobs.append((rel, str(path), fp))
    deleted = [rel for rel in old if rel not in seen]

    # The manifest always describes what is committed: old entries until a file's new
    # documents are committed (with the deletion of its old ones), then the new entry.
    manifest = dict(old)
    fingerprints = {job[0]: job[2] for job in jobs}
    reported: dict[str, dict] = {}

    def commit_batch(segments, batch_files):
        # Deleting before adding even "added" files keeps a re-run after a crash between the
        # Whoosh commit and the manifest write from duplicating documents.
        _commit(gen, [] if fresh else batch_files, segments)
        for rel in batch_files:
            manifest[rel] = {"fingerprint": fingerprints[rel],
                             "articles": reported[rel]["articles"]}
        write_json(gen / MANIFEST, {"files": manifest})

    results = _build_segments(jobs, gen, corpus_dir, settings.workers, progress,
                              commit_batch, reported, keep)

    files = {"added": 0, "updated": 0, "deleted": len(deleted), "unchanged": len(unchanged),
             "failed": len(errors)}
    articles = {"added": 0, "updated": 0,
                "deleted": sum(old[rel]["articles"] for rel in deleted), "total": 0}
    problems, gone = [], list(deleted)
    for r in sorted(results, key=lambda r: r["file"]):
        rel, was = r["file"], old.get(r["file"])
        if r["error"] is not None:
            errors.append({"file": rel, "reason": r["error"]})
            files["failed"] += 1
            if was:
                articles["deleted"] += was["articles"]
                gone.append(rel)
            continue
        kind = "updated" if was else "added"
        files[kind] += 1
        articles[kind] += r["articles"]
        problems += [{"file": rel, "problem": p} for p in r["problems"]]
    for rel in gone:
        manifest.pop(rel, None)
    articles["total"] = _commit(gen, [] if fresh else sorted(gone), [], final=True)
    summary = {"files": files, "articles": articles,
               "errors": sorted(errors, key=lambda e: e["file"]), "took_s": 0.0}
    if problems:
        summary["problems"] = problems
    if scan.skipped:
        summary["skipped"] = [readers.safe_name(str(s)) for s in scan.skipped]
    return summary, manifest
