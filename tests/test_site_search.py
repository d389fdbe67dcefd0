"""Search that works in Chinese, proved in a real browser on the sample site (issue 3).

50 two-to-four-character Chinese terms are taken from the sample lists' own texts; for each, the
search page must list every list whose text contains the term. The recall is printed. That it lists
nothing else is checked against the whole text of every page in test_search_terms.py: the pages show
more than these fields (the solvers, the notices, the contact), and search finds all of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from browser import launch_chromium, require_chromium, serve_directory, wait_for_search
from jiebang.site.build import build_site

REPO = Path(__file__).resolve().parent.parent
SEARCHED_FIELDS = ("title", "subfield", "problem", "targets", "benefits", "solver_requirements")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")

pytestmark = pytest.mark.browser


def list_texts() -> dict[str, list[str]]:
    """Each sample list's searchable texts, field by field (a term must not span two fields)."""
    texts = {}
    for path in sorted((REPO / "content" / "lists").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        fields = [str(data.get(k, "")) for k in SEARCHED_FIELDS]
        fields.append(str(data.get("demander", {}).get("name", "")))
        texts[data["id"]] = fields
    return texts


def pick_terms(texts: dict[str, list[str]], count: int = 50) -> list[str]:
    """Deterministic terms of 2, 3 and 4 characters, spread over every list and field."""
    terms: list[str] = []
    runs = [run for fields in texts.values() for field in fields for run in CJK_RUN.findall(field)]
    step = max(1, len(runs) // count)
    for i, run in enumerate(runs[::step]):
        length = 2 + i % 3
        start = (i * 7) % (len(run) - length + 1)
        term = run[start:start + length]
        if term not in terms:
            terms.append(term)
        if len(terms) == count:
            break
    return terms


def expected_lists(term: str, texts: dict[str, list[str]]) -> set[str]:
    return {list_id for list_id, fields in texts.items() if any(term in field for field in fields)}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("search-site") / "site"
    build_site(REPO, out)
    with serve_directory(out) as url:
        yield url


@pytest.fixture(scope="module")
def page(base_url):
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(base_url=base_url)
        yield context.new_page()
        browser.close()


def search(page, term: str) -> set[str]:
    page.goto(f"/search/?q={quote(term)}")
    wait_for_search(page, term)
    while page.locator("#search-more:visible").count():
        # aria-busy may still read "false" from before the click: wait for the list itself to grow.
        shown = page.locator("#search-results > li").count()
        page.click("#search-more")
        page.wait_for_function("n => document.querySelectorAll('#search-results > li').length > n", arg=shown)
    hrefs = page.eval_on_selector_all("#search-results a[href]", "links => links.map(a => a.getAttribute('href'))")
    return {m.group(1) for href in hrefs if (m := re.search(r"/lists/([A-Z]+-\d{4}-\d{3})/$", href))}


def test_fifty_chinese_terms_find_every_list_that_contains_them(page):
    texts = list_texts()
    terms = pick_terms(texts)
    assert len(terms) == 50
    assert {len(t) for t in terms} == {2, 3, 4}
    missed, expected_total = {}, 0
    for term in terms:
        expected = expected_lists(term, texts)
        expected_total += len(expected)
        found = search(page, term)
        if expected - found:
            missed[term] = sorted(expected - found)
    found_total = expected_total - sum(len(v) for v in missed.values())
    print(f"\nsearch recall on the sample site: {found_total}/{expected_total} lists over {len(terms)} terms")
    assert missed == {}, f"lists not found: {missed}"


def test_a_demander_name_and_a_list_id_are_found(page):
    texts = list_texts()
    some_id, fields = next(iter(texts.items()))
    assert some_id in search(page, fields[-1])  # the demander's full name
    assert some_id in search(page, some_id)


def test_a_result_snippet_comes_from_prose_not_from_a_run_of_facts(tmp_path: Path) -> None:
    """The snippet is cut around the first match: the text a result's snippet comes from starts with the
    page's prose (its 技术难题概述), and its dates, amounts and codes come after."""
    import json

    out = tmp_path / "site"
    build_site(REPO, out)
    texts = [json.loads(p.read_text("utf-8")) for p in (out / "search/index/text").glob("*.json")]
    record = next(t for t in texts if t["url"] == "/lists/JDZ-2026-001/")
    data = yaml.safe_load((REPO / "content/lists/2026/JDZ-2026-001.yaml").read_text("utf-8"))
    first = record["text"].split("\n\n")[0]
    assert first.startswith(data["problem"].strip().split("\n")[0][:15])
    before = record["text"][: record["text"].index("陶瓷")]
    assert data["demander"]["credit_code"] not in before and "2026年" not in before
