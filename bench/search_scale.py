"""How the bigram search index scales to a national site: 20,000 documents of ~1,500 characters.

    .venv/bin/python bench/search_scale.py [--docs 20000] [--chars 1500] [--keep DIR] [--no-browser]
    .venv/bin/python bench/search_scale.py --content bench/.work/content-20000/content [--no-browser] [--one-change]
    .venv/bin/python bench/search_scale.py --site bench/.work/scale-20000/output

Synthetic documents mix the domain sentences of bench/search_recall.py (so 技术, 需求, 揭榜 are as common
as on the real site) with sentences of random words drawn from a Zipf-distributed vocabulary (so the
long tail of rare bigrams is there too). Prints build time, index size and file count, and for a set
of 3-character queries the bytes one query downloads (postings, then the first page of results), as
the Python reader counts them and, unless --no-browser, as Chromium measures them.

With --content, the documents are the site's own (every list and notice of a content tree such as
bench/gen_content.py writes, through jiebang.site.searchpages), and the queries are two-character ones:
issue 10 asks that one fetch at most ~100 KB of index at national scale. --one-change then corrects one
list's document (a sentence added to its text) and builds the index again: its time, and how many of
the index's files changed, say what an incremental build of the index could save.

With --site, nothing is built: the two-character queries are asked of the index a `jiebang build` made
(the site's search/ folder), as it is published.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from search_recall import GENERAL, INDUSTRIES  # noqa: E402

from browser import (  # noqa: E402
    chromium_available,
    launch_chromium,
    serve_directory,
    wait_for_search,
    write_search_page,
)
from jiebang.site.search.index import (  # noqa: E402
    SearchDoc,
    build_search_index,
    index_files,
)
from jiebang.site.search.reader import SearchIndexReader  # noqa: E402

PAGE_SIZE = 50  # search.js renders this many results before 显示更多结果
QUERIES = {
    "common": ["技术需", "揭榜方", "关键技", "产业化"],
    "domain": ["烧成温", "化工企", "氮化硅", "双极板", "相控阵"],
}
# Two-character queries for --content: the commonest bigrams of the generated site, then ordinary ones.
TWO_CHARACTERS = {
    "common": ["技术", "企业", "项目", "研发"],
    "domain": ["陶瓷", "检测", "验收", "延期", "专利"],
}


def content_docs(content: Path) -> list[SearchDoc]:
    """The search documents of a content tree, as `jiebang build` makes them (without validating it)."""
    from jiebang.records.content import load_tree
    from jiebang.site.generator import urls
    from jiebang.site.model import build_site_data, content_as_of
    from jiebang.site.searchpages import search_documents

    tree, _ = load_tree(content)
    site = build_site_data(tree, urls({}), content_as_of(content, tree))
    return search_documents(site)


def vocabulary(rng: random.Random, words: int = 40_000) -> tuple[list[str], list[float]]:
    """Random 2-4 character words over 3,500 Han characters, both Zipf-distributed like real text.

    Returns the words and their cumulative weights (for `random.choices(cum_weights=...)`).
    """
    chars = [chr(cp) for cp in rng.sample(range(0x4E00, 0x9FA6), 3500)]
    char_cum = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(chars))))
    vocab = sorted(
        {
            "".join(rng.choices(chars, cum_weights=char_cum, k=rng.choice((2, 2, 2, 3, 4))))
            for _ in range(words)
        }
    )
    rng.shuffle(vocab)
    return vocab, list(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(vocab))))


def synthetic_docs(count: int, chars: int, seed: int = 1) -> list[SearchDoc]:
    rng = random.Random(seed)
    vocab, cum = vocabulary(rng)
    industries = sorted(INDUSTRIES)
    docs = []
    for n in range(count):
        industry = industries[n % len(industries)]
        pool = INDUSTRIES[industry]
        title = rng.choice(pool["titles"]) + "".join(rng.choices(vocab, cum_weights=cum, k=2))
        parts: list[str] = []
        size = 0
        while size < chars:
            if rng.random() < 0.5:
                sentence = rng.choice(pool["sentences"] if rng.random() < 0.7 else GENERAL)
            else:
                sentence = "".join(rng.choices(vocab, cum_weights=cum, k=rng.randint(4, 12))) + rng.choice(
                    "，。；"
                )
            parts.append(sentence)
            size += len(sentence)
        meta = {
            "industry": industry,
            "status": "揭榜中",
            "kind": "榜单",
            "demander": rng.choice(pool["demanders"]),
        }
        docs.append(SearchDoc(f"/lists/SYN-{n:06d}/", title, "".join(parts), meta))
    return docs


def sizes(root: Path) -> tuple[int, int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files), max(p.stat().st_size for p in files)


def query_cost(out_dir: Path, query: str) -> tuple[int, int, int, int]:
    """Hits, then raw and gzip bytes of the index files a query reads for its first page of results
    (meta, shards, term files or ranked chunks), then of that page's documents (the cards, and the texts
    search.js fetches with the page for their snippets)."""
    reader = SearchIndexReader(out_dir)
    hits = reader.search(query, limit=PAGE_SIZE)
    index_files = {name for name in reader.files_read if not name.startswith(("docs/", "text/"))}
    raw = sum((reader.root / n).stat().st_size for n in index_files)
    gz = sum(len(gzip.compress((reader.root / n).read_bytes())) for n in index_files)
    page = reader.page_files(hits[:PAGE_SIZE])
    page_bytes = sum((reader.root / p).stat().st_size for p in page)
    return reader.total, raw, gz, page_bytes


def browser_cost(site: Path, queries: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    if not chromium_available():
        print("chromium is missing (apt-get install chromium): browser figures skipped")
        return
    with sync_playwright() as pw, serve_directory(site) as base:
        browser = launch_chromium(pw)
        print("\nin Chromium (uncompressed http.server, an empty cache for each query):")
        for query in queries:
            context = browser.new_context()
            page = context.new_page()
            traffic: list[tuple[str, int]] = []
            page.on(
                "response", lambda r, t=traffic: t.append((r.url, int(r.headers.get("content-length", 0))))
            )
            started = time.perf_counter()
            page.goto(base + "search/?q=" + query)
            wait_for_search(page, query, timeout=60_000)
            elapsed = time.perf_counter() - started
            index = [(url, n) for url, n in traffic if "/search/index/" in url]
            docs = sum(n for url, n in index if "/docs/" in url or "/text/" in url)
            shown = page.locator("#search-results > li").count()
            print(
                f"  {query}: {len(index)} index requests, {sum(n for _, n in index):,} bytes"
                f" ({docs:,} of them the {shown} documents shown), page load to results {elapsed * 1000:.0f} ms"
                f" — {page.inner_text('#search-status')}"
            )
            context.close()
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--chars", type=int, default=1500)
    parser.add_argument("--keep", type=Path, help="build the site in DIR and keep it")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--content", type=Path, help="index this content tree's lists and notices instead")
    parser.add_argument("--one-change", action="store_true", help="then rebuild after correcting one list")
    parser.add_argument("--site", type=Path, help="only ask the index of this built site (its search/ folder)")
    args = parser.parse_args()
    if args.site:
        print(f"per query, {args.site}/search (Python reader; postings = meta + shards + term files; "
              f"page = first {PAGE_SIZE} docs):")
        for query in (q for qs in TWO_CHARACTERS.values() for q in qs):
            hits, raw, gz, page_bytes = query_cost(args.site / "search", query)
            print(f"  {query}: {hits:6,} hits, postings {raw:10,} bytes ({gz:9,} gzip), first page {page_bytes:9,} bytes,"
                  f" in all {raw + page_bytes:10,}")
        return 0

    started = time.perf_counter()
    queries = TWO_CHARACTERS if args.content else QUERIES
    docs = content_docs(args.content) if args.content else synthetic_docs(args.docs, args.chars)
    print(
        f"generated {len(docs):,} documents, {sum(len(d.text) for d in docs):,} characters"
        f" in {time.perf_counter() - started:.1f}s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        site = args.keep or Path(tmp) / "site"
        out_dir = site / "search"
        started, cpu = time.perf_counter(), time.process_time()
        build_search_index(docs, out_dir)
        # CPU time beside wall time: on a shared machine the wall clock says more about the neighbours.
        print(
            f"build_search_index: {time.perf_counter() - started:.1f}s wall, {time.process_time() - cpu:.1f}s CPU"
        )
        root = out_dir / "index"
        for part in ("shards", "terms", "docs", "text"):
            files, total, biggest = sizes(root / part) if (root / part).exists() else (0, 0, 0)
            print(f"  {part:7} {files:6,} files {total:13,} bytes, largest {biggest:,}")
        files, total, _ = sizes(root)
        print(
            f"  total   {files:6,} files {total:13,} bytes (the documents' UTF-8 text alone: "
            f"{sum(len(d.text.encode()) for d in docs):,})"
        )

        print(
            f"\nper query (Python reader; postings = meta + shards + term files; page = first {PAGE_SIZE} docs):"
        )
        for group, group_queries in queries.items():
            for query in group_queries:
                hits, raw, gz, page_bytes = query_cost(out_dir, query)
                print(
                    f"  {group:6} {query}: {hits:6,} hits, postings {raw:10,} bytes ({gz:9,} gzip),"
                    f" first page {page_bytes:9,} bytes, in all {raw + page_bytes:10,}"
                )
        if not args.no_browser:
            write_search_page(site)
            browser_cost(site, [q for qs in queries.values() for q in qs])
    if args.one_change:
        one_change(docs)
    return 0


def one_change(docs: list[SearchDoc]) -> None:
    """Build the index, correct one list's text as a 更正 would, build it again; compare the files."""
    cpu = time.process_time()
    before = index_files(docs)
    cold = time.process_time() - cpu
    target = next(i for i, d in enumerate(docs) if d.meta.get("kind") == "榜单")
    changed = list(docs)
    old = docs[target]
    changed[target] = SearchDoc(
        old.url, old.title, old.text + "\n\n更正：揭榜截止日期顺延至2026年12月31日。", old.meta
    )
    cpu = time.process_time()
    after = index_files(changed)
    again = time.process_time() - cpu
    differ: dict[str, int] = {}
    for name in before.keys() | after.keys():
        if before.get(name) != after.get(name):
            part = name.split("/")[0] if "/" in name else name
            differ[part] = differ.get(part, 0) + 1
    totals: dict[str, int] = {}
    for name in after:
        part = name.split("/")[0] if "/" in name else name
        totals[part] = totals.get(part, 0) + 1
    print(
        f"\none list corrected ({old.url}): index_files {cold:.1f}s CPU before, {again:.1f}s CPU after;"
        " files changed:"
    )
    for part in sorted(totals):
        print(f"  {part:9} {differ.get(part, 0):6,} of {totals[part]:6,}")


if __name__ == "__main__":
    sys.exit(main())
