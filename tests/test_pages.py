"""Listings at national scale (issue 10): pages of 50 reachable through plain links, a compact index for the
/lists/ filters, bounded site-wide feeds beside complete industry and list feeds, no HTML page over 200 KB.

Built from bench/gen_content.py's tree (conftest's `national_site`: 130 lists and about 470 notices in
a git history) with the sample settings, and once more with 7 a page and 5 entries a site-wide feed, so
that every kind of listing (each industry, year, status and county) runs over several pages and the two
settings are shown to be read. The browser side (the filters in Chromium) is in test_site_browser.py.
"""

from __future__ import annotations

import json
import re
import runpy
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import doc
from jiebang.site.build import build_site
from jiebang.site.dataschemas import INDEX_FIELDS

REPO = Path(__file__).resolve().parents[1]
SETTINGS = runpy.run_path(str(REPO / "pelicanconf.py"))
PAGE_SIZE = SETTINGS["JIEBANG_PAGE_SIZE"]
FEED_LIMIT = SETTINGS["JIEBANG_FEED_LIMIT"]
SMALL_PAGES, FEW_ENTRIES = 7, 5
PAGE_BUDGET = 200 * 1024
ATOM = "{http://www.w3.org/2005/Atom}"
FACET_URLS = {key: SETTINGS["JIEBANG_URLS"][key].split("{")[0] for key in ("industry", "year", "status", "county")}


@pytest.fixture(scope="module")
def small_pages(national_project: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small-pages") / "site"
    build_site(national_project, out, overrides={"JIEBANG_PAGE_SIZE": SMALL_PAGES, "JIEBANG_FEED_LIMIT": FEW_ENTRIES})
    return out


def data(site: Path, name: str) -> dict:
    return json.loads((site / "data" / name).read_text("utf-8"))




def items_on(page) -> list[str]:
    """The records a listing page shows: the rows of its list table, or its notices."""
    return (page.xpath("//main//table[contains(@class,'lists')]/tbody/tr/td[2]/a/@href")
            + page.xpath("//main//ul[contains(@class,'notices')]/li/a/@href"))


def pager_links(page, rel: str | None = None) -> list[str]:
    where = "//main//nav[contains(@class,'pager')]//a" + (f"[@rel='{rel}']" if rel else "")
    return page.xpath(where + "/@href")


def facet_value(item: dict, key: str) -> str | None:
    if key == "year":
        return item["published"][:4]
    if key == "county":
        return item["demander"].get("county")
    return item[key]


def browse_links(site: Path) -> dict[str, dict[str, str]]:
    """/lists/'s browse links, facet key → option name → URL (told apart by the JIEBANG_URLS patterns)."""
    found: dict[str, dict[str, str]] = {key: {} for key in FACET_URLS}
    for link in doc(site, "/lists/").xpath("//main//nav[contains(@class,'browse')]//a"):
        key = next(k for k, prefix in FACET_URLS.items() if link.get("href").startswith("/" + prefix))
        found[key][link.text_content().strip()] = link.get("href")
    return found


def listings(site: Path) -> list[tuple[str, list[str]]]:
    """Every listing (its first page) with the records it must show, in the order it must show them."""
    lists, results = data(site, "lists.json")["lists"], data(site, "results.json")["results"]
    found = [("/lists/", [i["url"] for i in lists]), ("/results/", [n["url"] for n in results])]
    for key, options in browse_links(site).items():
        for name, url in options.items():
            found.append((url, [i["url"] for i in lists if facet_value(i, key) == name]))
    return found


def check_listing(site: Path, first: str, expected: list[str], size: int) -> int:
    """Walk a listing through its plain links; return the number of pages."""
    # 1. Every page reachable from page 1 through any pager link (numbers, previous, next).
    pages, queue = {}, [first]
    while queue:
        url = queue.pop()
        if url not in pages:
            pages[url] = doc(site, url)
            queue += pager_links(pages[url])
    shown = Counter(href for page in pages.values() for href in items_on(page))
    assert set(shown) == set(expected), (first, set(expected) ^ set(shown))
    assert [h for h, n in shown.items() if n > 1] == [], f"{first}: shown on two pages"
    # 2. Following 下一页 from page 1 gives every record once, in the listing's order, at most `size` a page.
    order, url, chain = [], first, []
    while url:
        chain.append(url)
        page = doc(site, url)
        on_page = items_on(page)
        assert len(on_page) <= size, (url, len(on_page))
        assert on_page or len(expected) == 0, f"{url} is empty"
        order += on_page
        nxt = pager_links(page, "next")
        head = page.xpath("//head/link[@rel='next']/@href")
        assert head == nxt, (url, head, nxt)
        assert page.xpath("//head/link[@rel='prev']/@href") == pager_links(page, "prev"), url
        url = nxt[0] if nxt else None
        assert url not in chain, f"{first}: 下一页 loops back to {url}"
    assert order == expected, first
    assert set(chain) == set(pages), first
    # 3. Each page says which it is: in its <title>, and with aria-current in a labelled <nav>.
    count = len(chain)
    for number, url in enumerate(chain, start=1):
        page = doc(site, url)
        title = page.findtext(".//title")
        if count > 1:
            assert f"第 {number} 页" in title and f"共 {count} 页" in title, (url, title)
            [nav] = page.xpath("//main//nav[contains(@class,'pager')]")
            assert nav.get("aria-label"), url
            current = nav.xpath(".//a[@aria-current='page']")
            assert [a.get("href") for a in current] == [url], (url, [a.get("href") for a in current])
            assert re.sub(r"\D", "", current[0].text_content()) == str(number)
        else:
            assert "第 1 页" not in title and not pager_links(page), url
    return count


# ------------------------------------------------------------------------------------------ pages


def test_every_listing_pages_at_50_and_its_plain_links_reach_every_record_once(national_site: Path) -> None:
    counts = {first: check_listing(national_site, first, expected, PAGE_SIZE) for first, expected in listings(national_site)}
    assert counts["/lists/"] == 3 and counts["/results/"] >= 9, counts
    # At 50 a page a status (流榜) and a county (珠山区) of the generated tree already need a second page.
    assert any(n > 1 for url, n in counts.items() if url.startswith("/" + FACET_URLS["status"])), counts
    assert any(n > 1 for url, n in counts.items() if url.startswith("/" + FACET_URLS["county"])), counts


def test_every_industry_year_status_and_county_pages_through_its_lists(small_pages: Path) -> None:
    """With 7 a page every facet's listing has several pages: each is walked, for every value of every facet."""
    found = listings(small_pages)
    counts = {first: check_listing(small_pages, first, expected, SMALL_PAGES) for first, expected in found}
    for key, prefix in FACET_URLS.items():
        assert any(n > 1 for url, n in counts.items() if url.startswith("/" + prefix)), (key, counts)
    # Every value of every facet has its page, with the count the browse link gives.
    lists = data(small_pages, "lists.json")["lists"]
    page = doc(small_pages, "/lists/")
    for key, options in browse_links(small_pages).items():
        assert set(options) >= {facet_value(i, key) for i in lists} - {None}, key
        for name, url in options.items():
            [count] = page.xpath(f"//nav[contains(@class,'browse')]//a[@href='{url}']/following-sibling::*[1]/text()")
            assert int(count.strip("（）")) == sum(1 for i in lists if facet_value(i, key) == name), (url, count)


def test_status_and_county_pages_are_at_their_url_patterns(national_site: Path) -> None:
    links = browse_links(national_site)
    assert links["status"]["揭榜中"] == "/status/jiebangzhong/" and links["status"]["流榜"] == "/status/liubang/"
    assert links["county"]["珠山区"] == "/counties/zhushanqu/"
    assert set(links["status"]) == {"揭榜中", "评审中", "公示中", "实施中", "已验收", "验收不合格", "已终止", "流榜"}
    title = doc(national_site, "/status/liubang/page/2/").findtext(".//title")
    assert title.startswith("流榜的榜单（第 2 页"), title


def test_no_html_page_is_over_200_kb(national_site: Path) -> None:
    sizes = sorted(((p.stat().st_size, p.relative_to(national_site).as_posix()) for p in national_site.rglob("*.html")),
                   reverse=True)
    print("\nlargest pages:", sizes[:5])
    assert [s for s in sizes if s[0] > PAGE_BUDGET] == []


def test_the_home_page_shows_open_lists_and_the_latest_notices_only(national_site: Path) -> None:
    lists = data(national_site, "lists.json")["lists"]
    home = doc(national_site, "/")
    cards = home.xpath("//ul[contains(@class,'cards')]/li//h3/a/@href")
    open_lists = sorted((i for i in lists if i["status"] == "揭榜中"), key=lambda i: (i["deadline"], i["id"]))
    assert cards == [i["url"] for i in open_lists][:PAGE_SIZE] and cards
    notices = home.xpath("//ul[contains(@class,'notices')]/li/a/@href")
    assert notices == [n["url"] for n in data(national_site, "results.json")["results"]][:8]
    shown = set(home.xpath("//main//a/@href"))
    assert not {i["url"] for i in lists if i["status"] != "揭榜中"} & shown, "the home page lists closed lists"


def test_templates_read_their_page_context_not_the_whole_site() -> None:
    """A page is a function of its own job's context (a page cache relies on it): no template reaches for
    the global SiteData (`jiebang`)."""
    for template in (REPO / "theme" / "templates").glob("*.html"):
        assert not re.search(r"\bjiebang\.", re.sub(r"\{#.*?#\}", "", template.read_text("utf-8"), flags=re.S)), template


# ------------------------------------------------------------------------------------ the filter index


def test_lists_index_is_compact_complete_and_valid(national_site: Path) -> None:
    index = data(national_site, "lists-index.json")
    schema = json.loads((national_site / index["$schema"].lstrip("/")).read_text("utf-8"))
    assert index["$schema"] == schema["$id"] == "/schema/data/lists-index.schema.json"
    check = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in check.iter_errors(index)] == []
    assert index["fields"] == list(INDEX_FIELDS)
    lists = data(national_site, "lists.json")
    assert index["as_of"] == lists["as_of"]
    rows = [dict(zip(index["fields"], row, strict=True)) for row in index["lists"]]
    assert [r["id"] for r in rows] == [i["id"] for i in lists["lists"]]  # the order of /lists/
    for row, item in zip(rows, lists["lists"], strict=True):
        assert row == {"id": item["id"], "title": item["title"], "url": item["url"], "industry": item["industry"],
                       "year": int(item["published"][:4]), "status": item["status"],
                       "county": item["demander"].get("county"), "deadline": item["deadline"],
                       "amount": item["budget"]["to_solver_wan"], "demander": item["demander"]["name"],
                       "corrected": bool(item.get("changes"))}
    full = (national_site / "data" / "lists.json").stat().st_size
    compact = (national_site / "data" / "lists-index.json").stat().st_size
    assert compact * 10 < full, (compact, full)  # the filters no longer fetch every field of every list
    # The schema refuses what the index must not hold.
    broken = json.loads(json.dumps(index))
    broken["lists"][0] = broken["lists"][0] + ["extra"]
    broken["lists"][1][index["fields"].index("status")] = "进行中"
    broken["lists"][2] = broken["lists"][2][:3]
    found = {tuple(e.absolute_path)[:2] for e in check.iter_errors(broken)}
    assert found == {("lists", 0), ("lists", 1), ("lists", 2)}, found


# ------------------------------------------------------------------------------------------ feeds


def entries(path: Path) -> dict[str, str]:
    """Entry key (the record id, from the tag URI) → its <updated>."""
    root = ET.parse(path).getroot()
    return {e.findtext(f"{ATOM}id").rsplit(":", 1)[1]: e.findtext(f"{ATOM}updated") for e in root.iter(f"{ATOM}entry")}


def rss_items(path: Path) -> int:
    return len(ET.parse(path).getroot().findall("./channel/item"))


def every_entry(site: Path) -> dict[str, str]:
    """Every list and notice with its updated, from the per-list feeds (each complete)."""
    found: dict[str, str] = {}
    for feed in site.glob("lists/*/feed.atom.xml"):
        found |= entries(feed)
    return found


@pytest.mark.parametrize("build, limit", [("national_site", FEED_LIMIT), ("small_pages", FEW_ENTRIES)])
def test_site_wide_feeds_hold_the_latest_n_only(request, build: str, limit: int) -> None:
    site = request.getfixturevalue(build)
    universe = every_entry(site)
    lists = {i["id"] for i in data(site, "lists.json")["lists"]}
    notices = {n["id"] for n in data(site, "results.json")["results"]}
    assert set(universe) == lists | notices
    for base, members in (("feeds/all", lists | notices), ("feeds/lists", lists), ("feeds/results", notices)):
        held = entries(site / f"{base}.atom.xml")
        assert len(members) > limit and len(held) == limit, (base, len(held))
        assert rss_items(site / f"{base}.rss.xml") == limit, base
        assert set(held) <= members, base
        left_out = [universe[k] for k in members - set(held)]
        assert min(held.values()) >= max(left_out), f"{base}: an entry left out is newer than one kept"


def test_industry_and_list_feeds_hold_every_entry(small_pages: Path) -> None:
    """Even with 5 entries in a site-wide feed, an industry's or a list's feed misses nothing."""
    lists = data(small_pages, "lists.json")["lists"]
    slugs = {url.rstrip("/").rsplit("/", 1)[1]: name for name, url in browse_links(small_pages)["industry"].items()}
    biggest = 0
    for slug, name in slugs.items():
        members = [i for i in lists if i["industry"] == name]
        expected = {i["id"] for i in members} | {n for i in members for n in i["notices"]}
        held = entries(small_pages / "feeds" / "industries" / f"{slug}.atom.xml")
        assert set(held) == expected, name
        assert rss_items(small_pages / "feeds" / "industries" / f"{slug}.rss.xml") == len(expected), name
        biggest = max(biggest, len(expected))
    assert biggest > FEED_LIMIT  # the old cut at 100 would have dropped some
    for item in lists:
        assert set(entries(small_pages / "lists" / item["id"] / "feed.atom.xml")) == {item["id"], *item["notices"]}
