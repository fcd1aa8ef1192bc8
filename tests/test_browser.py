"""End-to-end: the web UI in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright; no browser download), against a live server on a real index of the demo corpus.

Screenshots of the main pages go to test-artifacts/ (gitignored) for people to look at.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium "
                "(python3 tasks.py test installs it when run as root)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[test])")
expect = sync_api.expect

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
QUERY = "发展"
RARE = "人工智能"


@pytest.fixture(scope="module")
def live_server(indexed_corpus):
    from werkzeug.serving import make_server

    from policysearch.web import create_app

    _, settings, _ = indexed_corpus
    server = make_server("127.0.0.1", 0, create_app({"SETTINGS": settings}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def total(page) -> int:
    return int(page.locator("p.stats").get_attribute("data-total"))


def test_search_filter_page_and_open_an_article(page, live_server):
    page.goto(live_server + "/")
    expect(page.locator(".hero h1")).to_have_text("政策检索")
    shot(page, "01-home")

    # '/' focuses the search box from anywhere on the page
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    expect(page.locator("input[data-search-input]")).to_be_focused()
    page.keyboard.type(QUERY)
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    expect(page.locator("li.hit").first).to_be_visible()
    everything = total(page)
    assert everything > 10
    shot(page, "02-search")

    # click a province on the tile map: results narrow, a chip appears, the tile is selected
    tiles = page.locator("div.tilemap a.tile")
    counts = [int(t) for t in tiles.locator(".tile-count").all_inner_texts()]
    assert counts, "some provinces have hits"
    pick = min(range(len(counts)), key=lambda i: -counts[i] if counts[i] < everything else 0)
    province = tiles.nth(pick).get_attribute("data-province")
    tiles.nth(pick).click()
    page.wait_for_url("**province=*")
    chip = page.locator(f"a.chip[data-chip='{province}']")
    expect(chip).to_be_visible()
    assert total(page) == counts[pick] < everything
    expect(page.locator(f"a.tile.is-selected[data-province='{province}']")).to_be_visible()
    for badges in page.locator("li.hit").all():
        expect(badges.locator(f"a.badge-province", has_text=province)).to_have_count(1)
    shot(page, "03-search-province")

    # remove it with the chip's ×
    chip.click()
    expect(page.locator("a.chip")).to_have_count(0)
    assert total(page) == everything

    # page forward
    page.locator("a[rel=next]").first.click()
    page.wait_for_url("**page=2*")
    expect(page.locator("ol.hits")).to_have_attribute("start", "11")
    expect(page.locator(".pager .is-current")).to_have_text("2")

    # j selects the first result; open it and see the highlights
    page.keyboard.press("j")
    expect(page.locator("li.hit.is-active")).to_have_count(1)
    title = page.locator("li.hit.is-active h2 a")
    title_text = title.inner_text()
    title.click()
    page.wait_for_url("**/article/**")
    expect(page.locator("h1.article-title")).to_have_text(title_text)
    marks = page.locator(".article-body mark")
    assert marks.count() > 0
    expect(marks.first).to_have_text(QUERY)
    expect(page.locator("dl")).to_contain_text("语料文件")
    shot(page, "04-article", full_page=False)


def test_year_bar_and_date_range_form(page, live_server):
    page.goto(f"{live_server}/search?q={QUERY}")
    bar = page.locator("svg.yearchart a").first
    year = bar.get_attribute("data-year")
    bar.click()
    page.wait_for_url(f"**from={year}*")
    expect(page.locator("a.chip", has_text=year)).to_be_visible()
    for date in page.locator("li.hit .hit-date").all_inner_texts():
        assert date.startswith(year)

    page.fill("form.dateform input[name=from]", "1990")
    page.fill("form.dateform input[name=to]", "1990-12")
    page.locator("form.dateform button").click()
    page.wait_for_url("**to=1990-12*")
    expect(page.locator(".empty")).to_contain_text("没有找到")
    expect(page.locator("ul.suggestions a").first).to_contain_text("日期")
    shot(page, "05-empty")


def test_industry_facet_multi_select(page, live_server):
    page.goto(f"{live_server}/search?q={QUERY}")
    items = page.locator("section[data-facet=industry] a.facet-item")
    assert items.count() >= 2, "needs two industries in the facet"  # the demo corpus has them
    first, second = items.nth(0).get_attribute("data-value"), items.nth(1).get_attribute("data-value")
    items.nth(0).click()
    page.wait_for_url("**industry=*")
    page.locator(f"section[data-facet=industry] a.facet-item[data-value='{second}']").click()
    expect(page.locator("a.chip")).to_have_count(2)
    selected = page.locator("section[data-facet=industry] a.facet-item.is-selected")
    expect(selected).to_have_count(2)
    assert {first, second} == set(selected.evaluate_all("els => els.map(e => e.dataset.value)"))


def test_escaped_query_and_error_pages(page, live_server):
    page.goto(f"{live_server}/search?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    expect(page.locator("img")).to_have_count(0)
    response = page.goto(f"{live_server}/article/0000000000000000")
    assert response.status == 404
    expect(page.locator(".error-page h1")).to_have_text("找不到页面")
    shot(page, "06-error-404", full_page=False)
    response = page.goto(f"{live_server}/search?q={QUERY}&per_page=lots")
    assert response.status == 400
    expect(page.locator(".error-message")).to_contain_text("per_page")


def phone(browser):
    """A 390 px wide phone context (close it when done)."""
    return browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                               is_mobile=True, has_touch=True, locale="zh-CN")


def test_phone_layout(browser, live_server):
    context = phone(browser)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/search?q={RARE}")
        expect(page.locator("li.hit").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
        shot(page, "07-phone-search", full_page=False)
        page.locator("li.hit h2 a").first.click()
        page.wait_for_url("**/article/**")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "08-phone-article", full_page=False)
    finally:
        context.close()
