"""The search page lists exactly the records whose page shows the term (issue 11, item 1), in Chromium.

Over a hundred terms are taken from the sample records' texts: Chinese words of 2, 3 and 4
characters, terms that mix Latin letters or digits with Chinese (3D打印, G4级), Latin words, and
full demander names. Which records contain each is worked out here, independently of the index: a
plain substring search over the text of each list and notice page as built (its <article>, the revision
history aside). The search page must list all of them and nothing else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import lxml.html
import pytest
import yaml

from browser import launch_chromium, require_chromium, serve_directory, wait_for_search
from jiebang.site.build import build_site

REPO = Path(__file__).resolve().parent.parent
BLOCKS = {
    "p",
    "li",
    "dt",
    "dd",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "caption",
    "div",
    "section",
    "ul",
    "ol",
    "table",
    "tr",
    "header",
    "dl",
    "br",
    "blockquote",
    "pre",
}
CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")
MIXED = re.compile(r"[A-Za-z0-9]+[\u4e00-\u9fff]{1,2}|[\u4e00-\u9fff]{1,2}[A-Za-z]+|[A-Za-z]{2,}")
HAN = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
# Chinese is written without spaces: a space or line break beside a Han character is layout, not a gap.
LAYOUT_SPACE = re.compile(rf"(?<={HAN})[^\S\n]+|[^\S\n]+(?={HAN})|(?<={HAN})\n(?={HAN})")

pytestmark = pytest.mark.browser


def template_text() -> str:
    """Words the templates, settings and schemas put on every page: a term among them says nothing."""
    sources = [
        *sorted((REPO / "theme" / "templates").glob("*.html")),
        REPO / "pelicanconf.py",
        *sorted((REPO / "tools" / "jiebang" / "schemas").glob("*.json")),
        REPO / "tools" / "jiebang" / "site" / "model.py",
        REPO / "tools" / "jiebang" / "records" / "lifecycle.py",
    ]
    return "\n".join(path.read_text("utf-8") for path in sources)


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def page_text(path: Path) -> str:
    """What a reader sees of the record: its <article> text, block by block."""
    article = lxml.html.fromstring(path.read_bytes()).find(".//article")
    for revisions in article.find_class("revisions"):
        revisions.drop_tree()
    for element in article.iter():
        if isinstance(element.tag, str) and element.tag in BLOCKS:
            element.tail = "\n\n" + (element.tail or "")
            element.text = "\n\n" + (element.text or "")
    return LAYOUT_SPACE.sub("", fold(article.text_content()))


def contains(text: str, term: str) -> bool:
    """A substring match, except that a Latin word or a number is matched whole (sic is not in basic)."""
    term = fold(term)
    before = "[a-z]" if term[0].isascii() and term[0].isalpha() else "[0-9]" if term[0].isdigit() else None
    after = "[a-z]" if term[-1].isascii() and term[-1].isalpha() else "[0-9]" if term[-1].isdigit() else None
    pattern = re.escape(term)
    if before:
        pattern = f"(?<!{before})" + pattern
    if after:
        pattern += f"(?!{after})"
    return re.search(pattern, text) is not None


def record_values() -> list[str]:
    """Every string of every sample record, in file order (ISO dates and ids aside)."""
    values: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in {"id", "list", "target", "fields", "date", "published", "deadline"}:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            values.append(value)

    for folder in ("lists", "results"):
        for path in sorted((REPO / "content" / folder).rglob("*.yaml")):
            walk(yaml.safe_load(path.read_text("utf-8")))
    return values


def pick_terms() -> list[str]:
    """Deterministic: 2-, 3- and 4-character Chinese terms spread over every record, mixed and Latin
    terms, and full demander names; none that the templates themselves print."""
    boilerplate = fold(template_text())
    values = record_values()
    terms: list[str] = []

    def take(term: str) -> None:
        if term not in terms and fold(term) not in boilerplate:
            terms.append(term)

    runs = [run for value in values for run in CJK_RUN.findall(value)]
    step = max(1, len(runs) // 110)
    for i, run in enumerate(runs[::step]):
        length = 2 + i % 3
        start = (i * 7) % (len(run) - length + 1)
        take(run[start : start + length])
    mixed = sorted({m for value in values for m in MIXED.findall(value)})
    for term in mixed[:: max(1, len(mixed) // 30)]:
        take(term)
    demanders = sorted(
        {
            yaml.safe_load(p.read_text("utf-8"))["demander"]["name"]
            for p in (REPO / "content" / "lists").rglob("*.yaml")
        }
    )
    for name in demanders[:5]:
        take(name)
    return terms


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("search-terms") / "site"
    build_site(REPO, out)
    return out


@pytest.fixture(scope="module")
def page(site: Path) -> Iterator:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, serve_directory(site) as base_url:
        browser = launch_chromium(playwright)
        context = browser.new_context(base_url=base_url)
        yield context.new_page()
        browser.close()


def listed(page, term: str) -> set[str]:
    """The record pages the search page lists for `term`, every "more results" page included."""
    page.goto(f"/search/?q={quote(term)}")
    wait_for_search(page, term)
    while page.locator("#search-more:visible").count():
        shown = page.locator("#search-results > li").count()
        page.click("#search-more")
        page.wait_for_function(
            "(n) => document.querySelectorAll('#search-results > li').length > n", arg=shown
        )
    hrefs = page.eval_on_selector_all(
        "#search-results > li h2 a", "as => as.map(a => a.getAttribute('href'))"
    )
    return {re.sub(r"^https?://[^/]+", "", href) for href in hrefs}


def test_the_search_page_lists_exactly_the_records_that_show_the_term(site: Path, page) -> None:
    texts = {
        f"/{p.parent.parent.name}/{p.parent.name}/": page_text(p)
        for folder in ("lists", "results")
        for p in sorted((site / folder).glob("*/index.html"))
    }
    assert len(texts) > 60
    terms = pick_terms()
    assert len(terms) >= 100
    assert {2, 3, 4} <= {len(t) for t in terms}
    assert any(re.search(r"[A-Za-z0-9]", t) and re.search(r"[\u4e00-\u9fff]", t) for t in terms)
    missed, wrong, expected_total = {}, {}, 0
    for term in terms:
        expected = {url for url, text in texts.items() if contains(text, term)}
        assert expected, f"{term!r} is on no page"
        expected_total += len(expected)
        found = listed(page, term)
        if expected - found:
            missed[term] = sorted(expected - found)
        if found - expected:
            wrong[term] = sorted(found - expected)
    print(
        f"\n{len(terms)} terms, {expected_total} record pages expected, "
        f"{sum(map(len, missed.values()))} missed, {sum(map(len, wrong.values()))} listed wrongly"
    )
    assert missed == {}, f"pages that show the term but are not listed: {missed}"
    assert wrong == {}, f"pages listed that do not show the term: {wrong}"
