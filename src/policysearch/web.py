"""The web front end: search pages, article pages and their machine-readable twins.

Request -> page, in three steps, the same for every route:

1. The query string is turned into a typed `search.SearchRequest` at the edge
   (`_search_request`); a bad value raises `search.ParamError`, which the one error handler
   turns into a 400 naming the parameter.
2. The search backend answers with plain data (the contract's search document). It checks
   the index on every call and reopens it when an index run has finished, so new documents
   show without a restart; a missing index is a 503 page until one is built.
3. The HTML page, `.json`, `.atom` and `.csv` twins all render that same document. For the
   HTML page a view-model adds what templates need (facets as plain data in the Datasette
   style: `value`, `count`, `selected`, `toggle_url`; chips; pagination), so templates only
   loop and never work out which parameters a link carries.

Escaping: Jinja autoescapes everything. The only HTML we pass through unescaped is what the
renderer produced (snippets, `title_html`, `body_html`: escaped text plus `<mark>`), and even
that only after `_trusted` has checked it holds no other tag.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
import math
import re
from dataclasses import replace
from html import unescape
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from policysearch import metadata, pages, shards as backend, suggest
from policysearch.settings import Settings

PER_PAGE_DEFAULT = 10
PER_PAGE_MAX = 100
CSV_MAX_ROWS = 1000      # the CSV export stops here; the page and a header say so
FEED_SIZE = 30           # entries in an Atom feed: the newest results of the search
FACETS = backend.FACETS
FACET_LABELS = {"province": "省份", "industry": "行业", "year": "年份", "doc_type": "文种",
                "issuer": "发文机关", "topic": "主题分类", "written_year": "成文年份"}
FILTERS = backend.FILTER_FACETS   # facets that are also repeatable parameters
SCOPE_LABELS = {"all": "全文", "title": "仅标题"}
ONE_VALUE_SHARE = 0.95   # a facet whose top value holds this share of the results says nothing
DATE_FROM_LABELS = {"metadata": "文件元数据", "filename": "文件名", "text": "正文"}
NEWEST_SHOWN = 6         # newest articles listed on the start page
BADGES_SHOWN = 5         # province / industry badges per hit before "+N"
TILE_LEVELS = 5          # shades of the province tile map besides "none"

ui = Blueprint("ui", __name__)


def create_app(test_config: dict | None = None) -> Flask:
    """The app factory. test_config may hold SETTINGS (a Settings) and/or INDEX_DIR."""
    app = Flask(__name__, template_folder="templates", static_folder="static")
    test_config = dict(test_config or {})
    settings = test_config.pop("SETTINGS", None) or Settings.load()
    if test_config.get("INDEX_DIR"):
        settings = replace(settings, index_dir=Path(test_config["INDEX_DIR"]))
    app.config.from_mapping(SETTINGS=settings, CSV_MAX_ROWS=CSV_MAX_ROWS, FEED_SIZE=FEED_SIZE,
                            JSON_SORT_KEYS=False)
    app.config.update(test_config)
    app.config["INDEX_DIR"] = settings.index_dir
    app.json.ensure_ascii = False        # Chinese stays readable in the JSON twins
    app.json.sort_keys = False
    app.register_blueprint(ui)
    app.after_request(_security_headers)
    app.register_error_handler(Exception, _handle_error)
    app.jinja_env.globals.update(FACET_LABELS=FACET_LABELS, FILTERS=FILTERS, absolute=absolute)
    app.jinja_env.filters.update(atom_date=_atom_date, as_html_text=_as_html_text,
                                 facet_label=pages.facet_label)
    return app


def absolute(path: str) -> str:
    """An absolute URL for a path of ours, from the configured address (settings.base_url,
    else the bound host and port), never from the request's Host header, which any client
    can set: a feed or an export must not link to wherever a forged header points."""
    return current_app.config["SETTINGS"].public_url + path


def _security_headers(response: Response) -> Response:
    """Defence in depth behind the escaping: no inline or foreign scripts, no framing."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _index_dir() -> Path:
    return Path(current_app.config["INDEX_DIR"])


# --- Parameters: query string -> typed request (the edge) ------------------------------------

def _int_param(name: str, default: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw):
        raise backend.ParamError(name, f"须为正整数，收到的是“{raw}”")
    value = int(raw)
    if value < 1:
        raise backend.ParamError(name, f"须不小于 1，收到的是 {value}")
    return value


def _params() -> dict[str, Any]:
    """The request's search parameters, normalised (blank values dropped, per_page capped)."""
    args = request.args
    return {
        "q": args.get("q", "").strip(),
        **{name: _unique(args.getlist(name)) for name in FILTERS},
        "from": args.get("from", "").strip() or None,
        "to": args.get("to", "").strip() or None,
        "sort": args.get("sort", "").strip() or "relevance",
        "page": _int_param("page", 1),
        "per_page": _per_page(),
        "scope": args.get("scope", "").strip() or "all",
        "synonyms": _switch_param("synonyms"),
    }


def _per_page() -> int:
    value = _int_param("per_page", PER_PAGE_DEFAULT)
    if value > PER_PAGE_MAX:
        raise backend.ParamError("per_page", f"每页最多 {PER_PAGE_MAX} 条，收到的是 {value}")
    return value


def _switch_param(name: str) -> bool:
    """An on/off parameter, on unless it says 0 / off / false."""
    raw = request.args.get(name, "").strip().lower()
    if raw in ("", "1", "on", "true", "yes"):
        return True
    if raw in ("0", "off", "false", "no"):
        return False
    raise backend.ParamError(name, f"须为 1 或 0（开或关），收到的是“{raw}”")


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


def _search_request(p: dict[str, Any], **overrides):
    p = {**p, **overrides}
    return backend.SearchRequest.from_params(
        q=p["q"], date_from=p["from"], date_to=p["to"], sort=p["sort"], page=p["page"],
        per_page=p["per_page"], scope=p["scope"], synonyms=p["synonyms"],
        **{name: p[name] for name in FILTERS})


def _blank_params(q: str | None = None) -> dict[str, Any]:
    return {"q": q or "", **{name: [] for name in FILTERS}, "from": None, "to": None,
            "sort": "relevance", "page": 1, "per_page": PER_PAGE_DEFAULT, "scope": "all",
            "synonyms": True}


def _is_blank(p: dict[str, Any]) -> bool:
    return not (p["q"] or p["from"] or p["to"] or any(p[name] for name in FILTERS))


# --- URLs: every link on a page is computed here, never in templates -------------------------

def search_url(p: dict[str, Any], endpoint: str = "ui.search_page", **changes) -> str:
    """URL of the search with `changes` applied; defaults are left out to keep links short."""
    p = {**p, **changes}
    args = {k: v for k, v in p.items() if v not in (None, "", [])}
    if args.get("sort") == "relevance":
        args.pop("sort")
    if args.get("page") == 1:
        args.pop("page")
    if args.get("per_page") == PER_PAGE_DEFAULT:
        args.pop("per_page")
    if args.get("scope") == "all":
        args.pop("scope")
    if args.pop("synonyms", True) is False:
        args["synonyms"] = 0
    return url_for(endpoint, **args)


def _toggle(values: list[str], value: str) -> list[str]:
    return [v for v in values if v != value] if value in values else [*values, value]


# --- View-model: the search document plus what the templates need ----------------------------

def facet_view(name: str, buckets: list[dict], p: dict[str, Any]) -> list[dict]:
    """One facet as plain data: value, count, selected, toggle_url (None: not a filter)."""
    if name in FILTERS:
        chosen = p[name]
        items = [{**b, "selected": b["value"] in chosen} for b in buckets]
        # a chosen value with no hits left still shows, so it can be turned off
        seen = {b["value"] for b in buckets}
        items += [{"value": v, "count": 0, "selected": True} for v in chosen if v not in seen]
        items.sort(key=lambda item: not item["selected"])   # chosen values on top
        for item in items:
            item["toggle_url"] = search_url(p, page=1, **{name: _toggle(chosen, item["value"])})
        return items
    if name == "year":
        items = []
        for b in sorted(buckets, key=lambda b: str(b["value"])):
            year = str(b["value"])
            selected = p["from"] == year and p["to"] == year
            url = (search_url(p, page=1, **{"from": None, "to": None}) if selected
                   else search_url(p, page=1, **{"from": year, "to": year}))
            items.append({**b, "value": year, "selected": selected, "toggle_url": url})
        return items
    return [{**b, "selected": False, "toggle_url": None} for b in buckets]


def chips(p: dict[str, Any]) -> list[dict]:
    """The active filters, each with the URL that removes it."""
    out = []
    for name in FILTERS:
        for value in p[name]:
            out.append({"kind": FACET_LABELS[name], "label": pages.facet_label(name, value),
                        "remove_url": search_url(p, page=1, **{name: _toggle(p[name], value)})})
    if p["from"] or p["to"]:
        label = (p["from"] if p["from"] == p["to"]
                 else f"{p['from'] or '最早'} 至 {p['to'] or '最新'}")
        out.append({"kind": "日期", "label": label,
                    "remove_url": search_url(p, page=1, **{"from": None, "to": None})})
    return out


def year_chart(items: list[dict], width: int = 240, height: int = 108, undated: int = 0) -> dict:
    """Bars for the year facet, as numbers the SVG template only places. Years between the
    first and the last with no articles get an empty slot, so the axis reads as time; each bar
    carries its count, and the articles without a date get a last, grey bar of their own."""
    items = _fill_years(items)
    years = len(items)
    every = 1 if years <= 8 else math.ceil(years / 8)   # label every n-th year, the last one always
    if undated and items:
        gap = {"value": "", "count": 0, "selected": False, "toggle_url": None}   # room for its label
        items = [*items, gap, {"value": "无日期", "count": undated, "selected": False, "toggle_url": None,
                               "undated": True}]
    if not items:
        return {"bars": [], "width": width, "height": height}
    top = max(i["count"] for i in items) or 1
    pad = 12                                  # room for the outer labels to overhang
    slot = min((width - 2 * pad) / len(items), 36.0)   # a few years get slim bars, not slabs
    left = (width - slot * len(items)) / 2
    plot = height - 18  # room for the year labels below the bars
    top_pad = 12        # room for the counts above the bars
    bars = []
    for n, item in enumerate(items):
        h = max(2.0, (plot - top_pad) * item["count"] / top) if item["count"] else 0.0
        label = item["value"] if n >= years or (years - 1 - n) % every == 0 else ""
        bars.append({**item, "x": round(left + n * slot + slot * 0.12, 1), "w": round(slot * 0.76, 1),
                     "y": round(plot - h, 1), "h": round(h, 1), "cx": round(left + n * slot + slot / 2, 1),
                     "label": label, "count_text": pages.short_count(item["count"]) if item["count"] else "",
                     "count_y": round(plot - h - 3, 1)})
    return {"bars": bars, "width": width, "height": height, "label_y": height - 4,
            "count_size": 9 if slot >= 22 else 7}


def _fill_years(items: list[dict]) -> list[dict]:
    years = {i["value"]: i for i in items if re.fullmatch(r"[0-9]{4}", i["value"])}
    if len(years) != len(items) or not years:
        return items
    first, last = int(min(years)), int(max(years))
    if last - first > 40:
        return items
    return [years.get(str(y), {"value": str(y), "count": 0, "selected": False, "toggle_url": None})
            for y in range(first, last + 1)]


def tile_map(items: list[dict]) -> dict:
    """Province tiles in their rough place on a grid, each shaded by its count."""
    by_value = {i["value"]: i for i in items}
    top = max((i["count"] for i in items), default=0)
    tiles = []
    for name, row, col in _tile_layout():
        item = by_value.get(name, {"count": 0, "selected": False, "toggle_url": None})
        count = item["count"]
        level = 0 if not count else 1 + min(TILE_LEVELS - 1, int((TILE_LEVELS - 1) * math.sqrt(count / top)))
        tiles.append({"name": name, "row": row + 1, "col": col + 1, "count": count,
                      "level": level, "selected": item["selected"],
                      "url": item["toggle_url"] if count or item["selected"] else None})
    return {"tiles": tiles, "rows": max(t["row"] for t in tiles), "cols": max(t["col"] for t in tiles),
            "active": any(t["url"] for t in tiles)}


_TILES: list[tuple[str, int, int]] | None = None


def _tile_layout() -> list[tuple[str, int, int]]:
    """(province, row, col) from data/tilemap.tsv; read once, it never changes while running."""
    global _TILES
    if _TILES is None:
        path = Path(__file__).parent / "data" / "tilemap.tsv"
        rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
        _TILES = [(name, int(row), int(col)) for name, row, col in rows[1:]]
    return _TILES


def pagination(result: dict, p: dict[str, Any], endpoint: str = "ui.search_page") -> dict:
    # republished copies are shown as one hit, so there are as many hits as stories
    pages = max(1, math.ceil(result.get("stories", result["total"]) / result["per_page"]))
    pages = min(pages, getattr(backend, "MAX_PAGE", pages))   # no links the backend refuses
    page = result["page"]
    window = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links, last = [], 0
    for n in window:
        if n - last > 1:
            links.append({"gap": True})
        links.append({"n": n, "url": search_url(p, endpoint, page=n), "current": n == page})
        last = n
    return {"pages": pages, "page": page, "links": links if pages > 1 else [],
            "prev": search_url(p, endpoint, page=page - 1) if page > 1 else None,
            "next": search_url(p, endpoint, page=page + 1) if page < pages else None}


def hit_view(hit: dict, p: dict[str, Any]) -> dict:
    return {**hit,
            "href": url_for("ui.article_page", id=hit["id"], q=p["q"] or None),
            "title_html": _trusted(hit.get("title_html")) or escape(hit["title"]),
            "copies": [{**c, "href": url_for("ui.article_page", id=c["id"], q=p["q"] or None)}
                       for c in hit.get("copies") or []],
            "snippet": _trusted(hit.get("snippet")),
            "province_badges": _badges("province", hit.get("provinces") or [], p),
            "industry_badges": _badges("industry", hit.get("industries") or [], p),
            "doc_type_badge": _badges("doc_type", [hit["doc_type"]] if hit.get("doc_type") else [], p)}


def _badges(name: str, values: list[str], p: dict[str, Any]) -> dict:
    """A hit's provinces, industries or doc_type as filter links: the chosen ones first, at most
    BADGES_SHOWN (a report tagged with twenty industries would bury its snippet)."""
    ordered = sorted(values, key=lambda v: v not in p[name])
    links = [{"value": v, "selected": v in p[name],
              "url": search_url(p, page=1, **{name: p[name] if v in p[name] else [*p[name], v]})}
             for v in ordered[:BADGES_SHOWN]]
    return {"links": links, "more": ordered[BADGES_SHOWN:]}


def suggestions(p: dict[str, Any], did_you_mean: list[dict]) -> list[dict]:
    """For an empty result: a close spelling, the same search with one word or one filter
    less (the word alternatives checked to find something, with their totals)."""
    out = []
    for d in did_you_mean:
        label = (f"您是不是要找“{d['q']}”" if d["kind"] == "spelling"
                 else f"去掉词语“{d['dropped']}”，搜“{d['q']}”")
        out.append({"label": label, "total": d["total"], "kind": d["kind"],
                    "url": search_url(p, page=1, q=d["q"])})
    out += [{"label": f"去掉筛选：{c['kind']} {c['label']}", "url": c["remove_url"], "total": None,
             "kind": "filter"} for c in chips(p)]
    return out


def search_view(result: dict, p: dict[str, Any]) -> dict:
    facets = {name: facet_view(name, result.get("facets", {}).get(name, []), p) for name in FACETS}
    if pages.says_nothing(facets["doc_type"], result["total"], ONE_VALUE_SHARE):
        facets["doc_type"] = []
    return {
        "result": result, "p": p,
        "hits": [hit_view(h, p) for h in result["hits"]],
        "facets": facets, "chips": chips(p),
        "year_chart": year_chart(facets["year"], undated=result.get("no_date", 0)),
        "tile_map": tile_map(facets["province"]),
        "pagination": pagination(result, p),
        "suggestions": suggestions(p, result.get("did_you_mean", [])) if not result["total"] else [],
        "q_is_quoted": any(c in p["q"] for c in '"“”'),
        "scope_links": [{"label": label, "url": search_url(p, page=1, scope=key), "current": p["scope"] == key}
                        for key, label in SCOPE_LABELS.items()] if p["q"] else [],
        "expanded": result.get("expanded", []),
        "synonyms_url": search_url(p, page=1, synonyms=not p["synonyms"]),
        # without words to rank by, the backend lists newest first: no sort choice to offer
        "sort_links": [{"label": label, "url": search_url(p, page=1, sort=key), "current": p["sort"] == key}
                       for key, label in (("relevance", "按相关度"), ("date", "按日期"))] if p["q"] else [],
        "per_page_links": [{"n": n, "url": search_url(p, page=1, per_page=n), "current": p["per_page"] == n}
                           for n in (10, 20, 50, PER_PAGE_MAX)],
        "clear_url": search_url(_blank_params(p["q"])),
        "exports": {"json": search_url(p, "ui.search_json"), "csv": search_url(p, "ui.search_csv", page=1),
                    "atom": search_url(p, "ui.search_atom", page=1, sort=None, per_page=None)},
        "first": (result["page"] - 1) * result["per_page"] + 1,
    }


_MARK_TAG = re.compile(r"</?mark>")


def _trusted(html: str | None) -> Markup | None:
    """Renderer output (escaped text + <mark>) as Markup; anything else is escaped again."""
    if html is None:
        return None
    if "<" in _MARK_TAG.sub("", html):
        return escape(html)
    return Markup(html)


# --- Views ------------------------------------------------------------------------------------

@ui.route("/")
@ui.route("/search")
def search_page():
    p = _params()
    if _is_blank(p) and p["sort"] == "relevance":   # /search?sort=date lists everything
        return render_template("home.html", p=p, overview=_overview(p))
    result = _search_with_help(p)
    return render_template("search.html", **search_view(result, p))


def _search_with_help(p: dict[str, Any]) -> dict:
    """The search document, with "did you mean" alternatives when it found nothing."""
    search_request = _search_request(p)
    result = backend.search(_index_dir(), search_request)
    if not result["total"] and p["q"]:
        result["did_you_mean"] = suggest.did_you_mean(_index_dir(), search_request, _cache_dir())
    return result


def _cache_dir() -> Path:
    return current_app.config["SETTINGS"].cache_dir


def _overview(p: dict[str, Any]) -> dict | None:
    """Facets of the whole collection for the start page (None if the backend wants a query)."""
    try:
        result = backend.search(_index_dir(), _search_request(p, sort="date", per_page=NEWEST_SHOWN))
    except backend.ParamError:
        return None
    view = search_view(result, p)
    return {"total": result["total"], "facets": view["facets"], "year_chart": view["year_chart"],
            "tile_map": view["tile_map"], "newest": view["hits"]}


@ui.route("/search.json")
def search_json():
    p = _params()
    result = _search_with_help(p)
    pager = pagination(result, p, "ui.search_json")
    result["links"] = {"self": absolute(search_url(p, "ui.search_json")), "html": absolute(search_url(p)),
                       "prev": absolute(pager["prev"]) if pager["prev"] else None,
                       "next": absolute(pager["next"]) if pager["next"] else None}
    return jsonify(result)


@ui.route("/suggest")
def suggest_json():
    """Completions as OpenSearch suggestions JSON: ["q", ["completion", …]]."""
    q = request.args.get("q", "")
    if len(q) > backend.MAX_QUERY_CHARS:
        raise backend.ParamError("q", f"最多 {backend.MAX_QUERY_CHARS} 个字符")
    response = jsonify(suggest.suggestions(_index_dir(), q, _cache_dir()))
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


@ui.route("/search.atom")
def search_atom():
    p = {**_params(), "sort": "date", "page": 1}
    result = backend.search(_index_dir(), _search_request(p, per_page=current_app.config["FEED_SIZE"]))
    body = render_template("feed.atom.xml", result=result, p=p, updated=_feed_updated(result),
                           hits=[hit_view(h, p) for h in result["hits"]],
                           title=_describe(p),
                           self_url=search_url(p, "ui.search_atom", sort=None),
                           page_url=search_url(p))
    return Response(body, mimetype="application/atom+xml")


@ui.route("/search.csv")
def search_csv():
    p = {**_params(), "page": 1}
    cap = current_app.config["CSV_MAX_ROWS"]
    rows, total = _all_hits(p, cap)
    out = io.StringIO()
    out.write("\ufeff")  # a BOM, so that spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(out)
    columns = ["id", "title", "date", "source", "provinces", "industries", "doc_type", "issuer",
               "doc_number", "topic", "written_date", "url", "file", "score"]
    writer.writerow(columns + ["snippet", "article_url"])
    for hit in rows:
        values = ["、".join(hit.get(c) or []) if c in ("provinces", "industries") else hit.get(c)
                  for c in columns]
        values += [_plain_text(hit.get("snippet")), absolute(url_for("ui.article_page", id=hit["id"]))]
        writer.writerow([_csv_cell(v) for v in values])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=policysearch.csv"
    response.headers["X-Total-Count"] = str(total)
    response.headers["X-Result-Cap"] = str(cap)
    return response


def _all_hits(p: dict[str, Any], cap: int) -> tuple[list[dict], int]:
    rows, page, total = [], 1, 0
    while len(rows) < cap:
        result = backend.search(_index_dir(), _search_request(p, page=page, per_page=PER_PAGE_MAX))
        total = result["total"]
        rows += result["hits"]
        if not result["hits"] or len(rows) >= total:
            break
        page += 1
    return rows[:cap], total


def _plain_text(html: str | None) -> str:
    """A snippet without its <mark>s, unescaped: what a spreadsheet cell should hold."""
    return unescape(_MARK_TAG.sub("", html or ""))


def _csv_cell(value: Any) -> Any:
    # a cell starting with = + - @ is a formula to a spreadsheet; quote it so it stays text
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@ui.route("/article/<id>")
def article_page(id: str):
    q = request.args.get("q", "").strip() or None
    article = _article_or_404(id, q)
    related = backend.related(_index_dir(), id, limit=5)
    sections = [{**part, "html": _trusted(part["html"])} for part in article.get("sections_html") or []]
    return render_template("article.html", a=article, q=q, p=_blank_params(q),
                           title_html=_trusted(article.get("title_html")) or escape(article["title"]),
                           body_html=_trusted(article.get("body_html")), toc=article.get("toc") or [],
                           sections=sections,
                           mark_count=(article.get("body_html") or "").count("<mark>"),
                           meta=_article_meta(article), original_url=_web_url(article.get("url")),
                           related=[{**r, "href": url_for("ui.article_page", id=r["id"])} for r in related],
                           copies=[{**c, "href": url_for("ui.article_page", id=c["id"])}
                                   for c in article.get("copies") or []],
                           back_url=search_url(_blank_params(q)) if q else None,
                           json_url=url_for("ui.article_json", id=id, q=q))


@ui.route("/article/<id>.json")
def article_json(id: str):
    q = request.args.get("q", "").strip() or None
    article = _article_or_404(id, q)
    article.pop("sections_html", None)   # the page's plumbing; body_html and toc say it all
    return jsonify(article)


def _article_or_404(id: str, q: str | None) -> dict:
    article = backend.get_article(_index_dir(), id, q=q)
    if article is None:
        raise _NotFound(f"没有编号为 {id} 的文章")
    return article


PRECISION_NOTES = {"month": "只知到月", "year": "只知到年"}


def _date_text(a: dict) -> str | None:
    """2024-05（只知到月，取自文件名）: the date with how precise it is and where it came from."""
    if not a.get("date"):
        return None
    notes = [PRECISION_NOTES.get(a.get("date_precision"))]
    if a.get("date_from"):
        notes.append("取自" + DATE_FROM_LABELS.get(a["date_from"], a["date_from"]))
    notes = [n for n in notes if n]
    return f"{a['date']}（{'，'.join(notes)}）" if notes else a["date"]


def _web_url(url: str | None) -> str | None:
    """The article's original URL if it is a web address (a javascript: URL in a corpus file
    would survive escaping, so only http(s) becomes a link)."""
    return url if url and re.match(r"https?://", url.strip(), re.I) else None


def _article_meta(a: dict) -> list[dict]:
    """The metadata table of the article page: label and value (or links) per row, empty
    ones left out."""
    rows = [("日期", _date_text(a)), ("来源", a.get("source")), ("作者", pages.byline_author(a.get("byline"))),
            ("稿源", a.get("credit")), ("发文机关", a.get("issuer")), ("发文字号", a.get("doc_number")),
            ("成文日期", a.get("written_date")), ("文种", a.get("doc_type")),
            ("主题分类", metadata.topic_path(a.get("topic")))]
    out = [{"label": label, "value": value, "links": None} for label, value in rows if value]
    for label, name, key in (("发文机关", "issuer", "issuer"), ("主题分类", "topic", "topic")):
        row = next((r for r in out if r["label"] == label), None)
        if row and a.get(key):   # a link to every document of the same issuer or topic
            values = metadata.split_issuers(a[key]) if name == "issuer" else [a[key]]
            row["links"] = [{"value": pages.facet_label(name, v), "url": url_for("ui.search_page", **{name: v})}
                            for v in values]
            row["kind"] = "badge-meta"
    for name, key in (("province", "provinces"), ("industry", "industries")):
        if a.get(key):
            out.append({"label": FACET_LABELS[name], "value": None, "kind": f"badge-{name}",
                        "links": [{"value": v, "url": url_for("ui.search_page", **{name: v})} for v in a[key]]})
    if a.get("url") and not _web_url(a["url"]):
        out.append({"label": "原文地址", "value": a["url"], "links": None, "code": True})
    out.append({"label": "语料文件", "value": a.get("file"), "links": None, "code": True})
    return out


@ui.route("/opensearch.xml")
def opensearch():
    body = render_template("opensearch.xml")
    return Response(body, mimetype="application/opensearchdescription+xml")


def _feed_updated(result: dict) -> str:
    """The feed's <updated>: its newest dated entry, else now. Undated entries take it too
    (Atom requires a date; 1970-01-01 would claim one we do not know)."""
    dated = [h["date"] for h in result["hits"] if h.get("date")]
    if dated:
        return _atom_date(max(dated))
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _atom_date(date: str | None, fallback: str | None = None) -> str:
    """An article date (YYYY, YYYY-MM or YYYY-MM-DD) as an RFC 3339 timestamp; `fallback`
    (the feed's own time) for an article without one."""
    if not date:
        return fallback or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = (date.split("-") + ["01", "01"])[:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def _as_html_text(html: Markup | str | None) -> str:
    """HTML as the escaped text that Atom's type="html" wants (so the <mark>s survive as text)."""
    return escape("".join([html or ""]))


def _describe(p: dict[str, Any]) -> str:
    parts = [p["q"]] if p["q"] else []
    parts += [v for name in FILTERS for v in p[name]]
    if p["from"] or p["to"]:
        parts.append(f"{p['from'] or ''}–{p['to'] or ''}")
    return " · ".join(parts) or "全部文章"


# --- Errors: one handler, answering in the format asked for -----------------------------------

class _NotFound(HTTPException):
    code = 404


ERROR_TITLES = {400: "请求参数有误", 404: "找不到页面", 405: "不支持该请求方法",
                500: "服务器出错了", 503: "索引暂不可用"}


def _handle_error(exc: Exception):
    status, message, param = _classify(exc)
    if request.path.endswith(".json") or _wants_json():
        body = {"error": message, "status": status}
        if param:
            body["param"] = param
        return jsonify(body), status
    return render_template("error.html", status=status, title=ERROR_TITLES.get(status, "出错了"),
                           message=message, param=param, p=_params_for_error_page()), status


def _classify(exc: Exception) -> tuple[int, str, str | None]:
    """(status, one-line message for the user, parameter name) for any exception."""
    if isinstance(exc, backend.ParamError):
        return 400, f"参数 {exc.param} 有误：{_reason(exc)}", exc.param
    if isinstance(exc, backend.ShardsUnavailable):
        current_app.logger.warning("shards unavailable: %s", exc)
        return 503, (f"部分索引分片暂时无法应答，为免给出不完整的结果，本次搜索未执行（{exc}）。"
                     "请稍后重试。"), None
    if isinstance(exc, backend.IndexUnavailable):
        current_app.logger.warning("index unavailable: %s", exc)
        return 503, (f"搜索索引不存在或无法读取（{exc}）。请运行 {exc.command}，"
                     "完成后刷新本页即可，无需重启服务。"), None
    if isinstance(exc, HTTPException):
        messages = {404: "您要找的页面不存在。", 405: "该地址不支持这种请求方法。"}
        message = exc.description if isinstance(exc, _NotFound) else messages.get(exc.code, exc.name)
        return exc.code or 500, message, None
    # a failed search (backend.SearchError) or a bug: the details go to the log, not the user
    current_app.logger.exception("unhandled error on %s", request.path)
    return 500, "处理请求时发生意外错误，已记录在服务器日志中。请稍后重试。", None


def _reason(exc: Exception) -> str:
    """The message of a ParamError, without the parameter name if it already starts with it."""
    text = getattr(exc, "message", None) or str(exc)
    return re.sub(rf"^{re.escape(exc.param)}\s*[:：]\s*", "", text)


def _params_for_error_page() -> dict[str, Any]:
    """The query and filters as sent, so the search box on an error page keeps them to fix."""
    args = request.args
    return {**_blank_params(args.get("q", "").strip()),
            **{name: _unique(args.getlist(name)) for name in FILTERS}}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
