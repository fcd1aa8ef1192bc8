"""The library features in a real headless Chromium (same live server and browser as
tests/test_browser.py): completion, facet search, synonyms, the title-only switch,
did-you-mean, the outline of a long report and the filter drawer on a phone.

Screenshots go to test-artifacts/ (gitignored) for people to look at."""
from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, expect, phone, shot, total
from test_browser import browser, live_server, page  # noqa: F401 (fixtures used by the tests)


@pytest.fixture(scope="module", autouse=True)
def completer_ready(indexed_corpus):
    """Built before the first keystroke, as `serve` starts building it at start."""
    from policysearch import suggest
    settings = indexed_corpus[1]
    suggest.completer(settings.index_dir, settings.cache_dir)


def test_completion_dropdown_while_typing(page, live_server):
    page.goto(live_server + "/")
    box = page.locator(".hero input[data-search-input]")
    box.click()
    page.keyboard.type("国务")
    options = page.locator(".hero .suggest-list li")
    expect(options.first).to_be_visible()
    assert all(t.startswith("国务") for t in options.all_inner_texts())
    expect(box).to_have_attribute("aria-expanded", "true")
    shot(page, "11-suggest", full_page=False)
    chosen = options.first.inner_text()
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_class("is-active")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    expect(page.locator("input[data-search-input]")).to_have_value(chosen)
    assert total(page) > 0
    # Escape closes the list without leaving the box
    box = page.locator("header input[data-search-input]")
    box.fill("")
    box.click()
    page.keyboard.type("国务")
    expect(page.locator("header .suggest-list li").first).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("header .suggest-list")).to_be_hidden()


def test_search_box_over_a_long_facet(page, live_server):
    page.goto(live_server + "/search?sort=date")
    facet = page.locator("section[data-facet=topic]")
    box = facet.locator("input[data-facet-filter]")
    expect(box).to_be_visible()
    hidden_before = facet.locator("li.facet-more").first
    expect(hidden_before).to_be_hidden()
    box.fill("体育")
    visible = facet.locator("li:visible")
    expect(visible.first).to_be_visible()
    assert all("体育" in t for t in visible.all_inner_texts())
    facet.screenshot(path=str(ARTIFACTS / "12-facet-search.png"))
    visible.first.locator("a").click()
    page.wait_for_url("**topic=*")
    first = page.locator("section[data-facet=topic] a.facet-item").first
    expect(first).to_have_attribute("aria-pressed", "true")   # the chosen value on top
    expect(page.locator("a.chip .chip-kind", has_text="主题分类")).to_be_visible()


def test_synonyms_note_and_switching_them_off(page, live_server):
    page.goto(live_server + "/search?q=发改委")
    note = page.locator("p.expanded")
    expect(note).to_contain_text("也搜索了")
    expect(note).to_contain_text("国家发展改革委")
    with_synonyms = total(page)
    shot(page, "13-synonyms", full_page=False)
    note.locator("a[data-synonyms-toggle]").click()
    page.wait_for_url("**synonyms=0*")
    expect(page.locator("p.expanded")).to_have_attribute("data-synonyms", "off")
    assert total(page) < with_synonyms
    # a new search from the top box keeps them off
    page.fill("header input[data-search-input]", "工信部")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=*synonyms=0*")
    expect(page.locator("p.expanded")).to_have_attribute("data-synonyms", "off")


def test_title_only_switch(page, live_server):
    page.goto(live_server + "/search?q=发展")
    everywhere = total(page)
    page.locator("nav.scope a", has_text="仅标题").click()
    page.wait_for_url("**scope=title*")
    assert 0 < total(page) < everywhere
    for title in page.locator("li.hit h2").all_inner_texts():
        assert "发展" in title
    expect(page.locator("nav.scope a.is-current")).to_have_text("仅标题")


def test_dead_end_offers_a_spelling_and_hides_exports(page, live_server):
    page.goto(live_server + "/search?q=国务完办公厅")
    expect(page.locator(".empty")).to_be_visible()
    expect(page.locator("p.exports")).to_have_count(0)
    offer = page.locator("li.suggestion-spelling a")
    expect(offer).to_contain_text("国务院办公厅")
    shot(page, "14-did-you-mean", full_page=False)
    offer.click()
    page.wait_for_url("**/search?q=*")
    assert total(page) > 0
    expect(page.locator("p.exports")).to_be_visible()


def test_long_report_outline_and_jumping_between_sections(page, live_server):
    page.goto(live_server + "/search?q=创新&doc_type=报告")
    page.locator("li.hit h2 a").first.click()
    page.wait_for_url("**/article/**")
    toc = page.locator("nav.toc-side")
    expect(toc).to_be_visible()
    assert toc.locator("a[data-toc]").count() >= 3
    page.locator("a[data-next-section]").click()
    current = page.locator(".article-body mark.is-current")
    expect(current).to_have_count(1)
    first_section = current.evaluate("m => m.closest('.body-section').id")
    expect(toc.locator(f"a[data-toc='{first_section}']")).to_have_class("is-current")
    page.keyboard.press("s")
    expect(toc.locator("a.is-current")).not_to_have_attribute("data-toc", first_section)
    second = page.locator(".article-body mark.is-current").evaluate("m => m.closest('.body-section').id")
    assert second != first_section
    page.wait_for_timeout(1000)   # the smooth scroll ends before the picture
    shot(page, "15-report-outline", full_page=False)
    # a table-of-contents link goes to its section
    link = toc.locator("a[data-toc]").nth(2)
    target = link.get_attribute("data-toc")
    page.wait_for_timeout(1000)   # let the smooth scroll of the jump above finish
    link.click()
    page.wait_for_url(f"**#{target}")
    page.wait_for_function(f"() => {{ const t = document.getElementById('{target}')"
                           ".getBoundingClientRect().top; return t >= 0 && t < 200; }")


def test_phone_filters_sit_behind_a_button(browser, live_server):
    context = phone(browser)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/search?q=发展")
        button = page.locator("a.filters-button")
        expect(button).to_be_visible()
        expect(page.locator("#filters")).to_be_hidden()
        button_top = button.evaluate("e => e.getBoundingClientRect().top")
        assert button_top < 200, "the filter button is at the top, not below the results"
        shot(page, "16-phone-filters-closed", full_page=False)
        button.click()
        sidebar = page.locator("#filters")
        expect(sidebar).to_be_visible()
        assert sidebar.evaluate("e => e.getBoundingClientRect().top") <= 1
        shot(page, "17-phone-filters-open", full_page=False)
        sidebar.locator("section[data-facet=industry] a.facet-item").first.click()
        page.wait_for_url("**industry=*")
        expect(page.locator("#filters")).to_be_hidden()
        expect(page.locator("a.filters-button .filters-count")).to_have_text("1")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_year_chart_shows_counts_and_the_undated(page, live_server):
    page.goto(live_server + "/search?q=发展")
    chart = page.locator("svg.yearchart")
    expect(chart.locator("g.bar-undated")).to_have_count(1)
    counts = chart.locator("text.bar-count").all_text_contents()
    assert any(c.strip() for c in counts)
    chart.screenshot(path=str(ARTIFACTS / "18-year-chart.png"))
