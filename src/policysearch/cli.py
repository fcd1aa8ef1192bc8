"""The `policysearch` command: thin wrappers over the library (which never imports this)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from policysearch.settings import Settings


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _json(data) -> str:
    """JSON that is valid UTF-8 whatever it holds (a stray lone surrogate is \\u-escaped)."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return json.dumps(data, ensure_ascii=True, indent=2)


def _settings(**overrides) -> Settings:
    return Settings.load(**overrides)


index_option = click.option("--index", "index_dir", type=click.Path(path_type=Path),
                            default=None, help=Settings.help("index_dir"))


@click.group()
@click.version_option(package_name="policysearch")
def main() -> None:
    """Full-text search for Chinese policy news."""


@main.command("index")
@click.argument("corpus_dir", type=click.Path(path_type=Path))
@index_option
@click.option("--rebuild", is_flag=True, help="build from scratch (the old index stays usable meanwhile)")
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
@click.option("--shards", type=click.IntRange(1, 256), default=None,
              help="split the index into N shards (default: as before; with "
                   "--cluster, one per worker)")
@click.option("--shard-by", type=click.Choice(["file", "year"]), default=None,
              help="split by file (a hash of its path), or by year (each article by its "
                   "date: blocks of years, new years and undated articles in the last "
                   "shard); default: as before, else file; a change needs --rebuild")
@click.option("--cluster", "cluster_address", default=None, metavar="ADDRESS",
              help="build the shards as tasks on this Dask scheduler (e.g. tcp://host:8786); "
                   "--index must be a directory every worker sees at the same path")
def index_cmd(corpus_dir: Path, index_dir: Path | None, rebuild: bool, as_json: bool,
              shards: int | None, shard_by: str | None, cluster_address: str | None) -> None:
    """Index every supported file under CORPUS_DIR; re-runs update only what changed.

    Example: policysearch index corpus/
    """
    from policysearch import index, shards as sharding

    settings = _settings(index_dir=index_dir)
    if not corpus_dir.is_dir():
        _fail(f"no such corpus directory: {corpus_dir}")
    show_progress = sys.stderr.isatty() and not as_json
    try:
        if cluster_address:
            from policysearch import cluster
            try:
                summary = cluster.index(corpus_dir, settings, cluster_address, count=shards,
                                        rebuild=rebuild, by=shard_by)
            except cluster.ClusterUnavailable as exc:
                _fail(str(exc))
        elif shards or shard_by or sharding.layout(settings.index_dir):
            summary = sharding.build(corpus_dir, settings, count=shards, rebuild=rebuild,
                                     by=shard_by)
        else:
            summary = index.update(corpus_dir, settings, rebuild=rebuild,
                                   progress=_progress_bar() if show_progress else None)
    except index.IndexError_ as exc:
        _fail(str(exc))
    except OSError as exc:  # disk full, no permission: the run itself could not complete
        _fail(f"cannot write the index at {settings.index_dir}: {exc.strerror or exc}")
    if as_json:
        click.echo(_json(summary))
    else:
        click.echo(_summary_text(summary))


def _progress_bar():
    state = {}

    def progress(done: int, total: int, name: str) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        click.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files",
                   err=True, nl=done >= total)
        state["done"] = done

    return progress


def _summary_text(s: dict) -> str:
    f, a = s["files"], s["articles"]
    lines = [
        f"files: {f['added']} added, {f['updated']} updated, {f['deleted']} deleted, "
        f"{f['unchanged']} unchanged, {f['failed']} failed",
        f"articles: {a['added']} added, {a['updated']} updated, {a['deleted']} deleted, "
        f"{a['total']} in the index",
    ]
    lines += [f"note: {note}" for note in s.get("notes", [])]
    lines += [f"  failed  {e['file']}: {e['reason']}" for e in s["errors"]]
    lines += [f"  partly  {p['file']}: {p['problem']}" for p in s.get("problems", [])]
    if s.get("skipped"):
        lines.append(f"  skipped {len(s['skipped'])} file(s) of unknown type")
    lines.append(f"took {s['took_s']:.1f} s")
    return "\n".join(lines)


@main.command("inspect")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print a JSON list of article documents")
def inspect_cmd(paths: tuple[Path, ...], as_json: bool) -> None:
    """Parse corpus files (or every supported file under a directory) without indexing.

    Example: policysearch inspect corpus/newspaper --json
    """
    from policysearch import readers
    from policysearch.ingest import ingest_file

    out = []
    for path in paths:
        if not path.exists():
            click.echo(f"{readers.safe_name(str(path))}: no such file or directory", err=True)
            continue
        root = path if path.is_dir() else path.parent
        files = readers.scan(root).files if path.is_dir() else [path]
        for file in files:
            try:
                articles, problems = ingest_file(file, root)
            except readers.ReadError as exc:
                click.echo(f"{readers.safe_name(str(file))}: {exc}", err=True)
                continue
            for problem in problems:
                click.echo(f"{readers.safe_name(str(file))}: {problem}", err=True)
            out.extend(articles)
    if as_json:
        click.echo(_json([a.to_dict() for a in out]))
        return
    for a in out:
        click.echo(f"== {a.title}  [{a.file}]")
        for key, value in a.to_dict(with_body=False).items():
            if value not in (None, [], "") and key != "title":
                click.echo(f"   {key}: {value}")
        click.echo(f"   body: {a.body[:200]}{'…' if len(a.body) > 200 else ''}")


# A query may start with a dash (-经济: everything without 经济): an unknown "option" is
# taken as the query, and `--` ends the options as usual.
@main.command("search", context_settings={"ignore_unknown_options": True})
@click.argument("query")
@index_option
@click.option("--province", multiple=True, help="filter by province (repeatable, ORed)")
@click.option("--industry", multiple=True, help="filter by industry (repeatable, ORed)")
@click.option("--from", "date_from", help="earliest date: YYYY, YYYY-MM or YYYY-MM-DD")
@click.option("--to", "date_to", help="latest date: YYYY, YYYY-MM or YYYY-MM-DD")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance")
@click.option("--page", type=int, default=1)
@click.option("--per-page", type=int, default=10)
@click.option("--json", "as_json", is_flag=True, help="print the search result document")
def search_cmd(query, index_dir, province, industry, date_from, date_to, sort, page, per_page,
               as_json) -> None:
    """Search the index.

    Example: policysearch search '"新型工业化" 四川' --province 四川 --from 2024
    """
    from policysearch import analysis, shards as search

    settings = _settings(index_dir=index_dir)
    analysis.configure(settings.cache_dir)
    try:
        request = search.SearchRequest.from_params(
            q=query, province=list(province), industry=list(industry), date_from=date_from,
            date_to=date_to, sort=sort, page=page, per_page=per_page)
        result = search.search(settings.index_dir, request)
    except search.SearchError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(_json(result))
        return
    for message in result.get("messages", []):   # e.g. a query of symbols alone
        click.echo(message, err=True)
    click.echo(f"{result['total']} results ({result['took_ms']:.1f} ms), page {result['page']}")
    for n, hit in enumerate(result["hits"], start=(result["page"] - 1) * result["per_page"] + 1):
        meta = " · ".join(x for x in [hit.get("date"), hit.get("source"),
                                       " ".join(hit.get("provinces") or [])] if x)
        click.echo(f"{n:3}. {hit['title']}  [{meta}]")
        click.echo(f"     {_plain(hit['snippet'])}")
        if hit.get("copies"):
            click.echo(f"     另有 {len(hit['copies'])} 处刊发: "
                       + ", ".join(c.get("date") or c["id"] for c in hit["copies"]))


def _plain(snippet: str) -> str:
    import html
    return html.unescape(snippet.replace("<mark>", "[").replace("</mark>", "]"))


@main.command("check")
@index_option
@click.option("--repair", is_flag=True, help="rebuild a damaged index from the corpus it was built from")
@click.option("--json", "as_json", is_flag=True, help="print the check report as JSON")
def check_cmd(index_dir, repair, as_json) -> None:
    """Verify every file of the index; exit 0 when it is whole.

    Example: policysearch check --repair
    """
    from policysearch import checkindex, index

    settings = _settings(index_dir=index_dir)
    report = checkindex.check(settings.index_dir)
    if repair and report["problems"]:
        try:
            report["repaired"] = checkindex.repair(settings, report)
        except (checkindex.RepairError, index.IndexError_) as exc:
            report["repair_error"] = str(exc)
        else:
            report["after_repair"] = checkindex.check(settings.index_dir)["problems"]
    whole = not report["problems"] or (
        "repaired" in report and not report["after_repair"])
    if as_json:
        click.echo(_json(report))
    else:
        click.echo(_check_text(report, whole))
    sys.exit(0 if whole else 1)


def _check_text(report: dict, whole: bool) -> str:
    if "shards" in report:   # a sharded index: each whole shard says so, before the rest
        lines = [_whole_line(f"{report['index']}/{part['name']}", part)
                 for part in report["shards"] if not part["problems"]]
    else:
        lines = []
    lines += [f"{report['index']}/{p['file']}: {p['problem']}" for p in report["problems"]]
    if "repair_error" in report:
        lines.append(f"error: cannot repair: {report['repair_error']}")
    elif "repaired" in report:
        lines += [f"{report['index']}/{p['file']}: {p['problem']} (after repair)"
                  for p in report["after_repair"]]
        total = report["repaired"]["articles"]["total"]
        rebuilt = "".join(f" {part['name']}" for part in report.get("shards", [])
                          if part["problems"])
        lines.append(f"repaired: rebuilt{rebuilt} from the corpus, {total} articles" if whole
                     else "repair did not make the index whole")
    elif report["problems"]:
        lines.append(f"the index is not whole; {report['advice']}")
    else:
        lines.append(_whole_line(report["index"], report))
    return "\n".join(lines)


def _whole_line(name: str, report: dict) -> str:
    what = report["generation"] or f"{len(report.get('shards', []))} shards"
    return f"{name}: ok ({what}, every file verified, {report['bytes'] / 1e6:.1f} MB on disk)"


@main.command("serve")
@index_option
@click.option("--host", default=None, help=Settings.help("host"))
@click.option("--port", type=int, default=None, help=Settings.help("port"))
@click.option("--base-url", default=None, help=Settings.help("base_url"))
@click.option("--cluster", "cluster_address", default=None, metavar="ADDRESS",
              help="search the sharded index through one actor per shard on this Dask "
                   "scheduler's workers (e.g. tcp://host:8786)")
def serve_cmd(index_dir, host, port, base_url, cluster_address) -> None:
    """Serve the web UI and JSON API (waitress, 127.0.0.1:5000 by default).

    Example: policysearch serve --port 8080
    """
    from waitress import create_server

    from policysearch import shards, suggest
    from policysearch.web import create_app

    settings = _settings(index_dir=index_dir, host=host, port=port, base_url=base_url)
    app = create_app({"SETTINGS": settings})
    try:   # bind first: a busy port is one line, before any warming up
        server = create_server(app, host=settings.host, port=settings.port, threads=8)
    except OSError as exc:
        _fail(f"cannot serve on {settings.host}:{settings.port}: {exc.strerror or exc}"
              f" (another server may be running there; choose another with --port, "
              f"e.g. --port {settings.port + 1})")
    if cluster_address:
        from policysearch import analysis, cluster
        analysis.configure(settings.cache_dir)
        try:
            cluster.serve_backend(cluster_address, settings.index_dir, settings)
        except cluster.ClusterUnavailable as exc:
            _fail(str(exc))
        except Exception as exc:   # e.g. a shard that cannot be opened on its worker
            _fail(f"cannot start the shard actors on {cluster_address}: {exc}")
    else:
        shards.warm(settings.index_dir, settings.cache_dir)   # jieba and the index, first
    suggest.warm(settings.index_dir, settings.cache_dir)  # completion, in the background
    click.echo(f"serving {settings.index_dir} on http://{settings.host}:{settings.port}/", err=True)
    server.run()
