"""The static Chinese search: the Python indexer (tokenisation, encoding, shards, determinism, exact
recall) and, marked `browser`, theme/static/js/search.js answering real queries in Chromium."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from urllib.parse import quote

import pytest

from jiebang.site.search import index as search_index
from jiebang.site.search.index import SearchDoc, build_search_index, decode, shard_of
from jiebang.site.search.reader import SearchIndexReader
from jiebang.site.search.tokens import bigram_offsets, query_terms, tokenize

try:
    import browser
except ImportError:  # tests/ imported as a package
    from tests import browser

DOCS = [
    SearchDoc(
        "/lists/JDZ-2023-001/",
        "氮化硅陶瓷轴承球致密化烧结技术",
        "目前产品烧成温度为1320℃，烧成周期长达14小时。\n\n采用 SiC 陶瓷作为窑具材料，要求抗热震性能提升一倍。",
        {"industry": "陶瓷", "status": "揭榜中", "kind": "榜单", "demander": "江西景华特种陶瓷有限公司"},
    ),
    SearchDoc(
        "/lists/JDZ-2023-002/",
        "化工企业含盐废水资源化处理",
        "化工企业产生的高含盐废水COD浓度高，蒸发结晶得到的杂盐无法资源化利用。需求方要求降低烧成温度以外的能耗。",
        {"industry": "精细化工", "status": "已截止", "kind": "榜单", "demander": "江西世龙实业股份有限公司"},
    ),
    SearchDoc(
        "/lists/JDZ-2023-003/",
        "航空发动机叶片精密铸造缺陷控制",
        "要求揭榜方建立铸造过程数值仿真模型，并通过CFD仿真优化浇注系统。叶片一次合格率仅为65%。",
        {
            "industry": "航空",
            "status": "揭榜中",
            "kind": "榜单",
            "demander": "昌河飞机工业（集团）有限责任公司",
        },
    ),
    SearchDoc(
        "/lists/JDZ-2024-004/",
        "高温颜色釉呈色稳定性提升",
        "高温颜色釉受窑内气氛波动影响大，同一窑次不同位置色差明显。希望开发新型助熔剂配方，实现釉面光泽度提升。",
        {"industry": "陶瓷", "status": "已更正", "kind": "榜单", "demander": "景德镇红叶陶瓷股份有限公司"},
    ),
    SearchDoc(
        "/results/JDZ-2022-005/",
        "陶瓷窑炉余热回收与节能改造成果",
        "窑炉排烟温度超过250℃，余热回收方案实施后烧成能耗下降15%。揭榜方为景德镇陶瓷大学。",
        {"industry": "陶瓷", "status": "已验收", "kind": "成果", "demander": "景德镇陶瓷大学"},
    ),
    SearchDoc(
        "/lists/JDZ-2024-006/",
        "锂离子电池正极材料回收利用技术",
        "废旧锂离子电池正极材料中镍钴锰回收率不足85%，浸出过程产生酸性废水。化工\n企业配合中试。",
        {
            "industry": "新能源",
            "status": "揭榜中",
            "kind": "榜单",
            "demander": "江西赣锋锂业集团股份有限公司",
        },
    ),
]


def document_text(doc: SearchDoc) -> str:
    # A newline between fields: a term of Chinese characters cannot span two fields.
    return "\n".join([doc.title, *doc.meta.values(), doc.text])


def index_bytes(out_dir: Path) -> dict[str, bytes]:
    root = out_dir / "index"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- tokenisation ---


def test_tokenize_gives_one_unit_per_cjk_character_and_one_per_ascii_word() -> None:
    assert tokenize("烧成温度1320℃") == ["烧", "成", "温", "度", "1320", None, "c"]
    assert tokenize("ＳｉＣ陶瓷") == ["sic", "陶", "瓷"]  # NFKC folds full width, then lowercase
    assert tokenize("20MPa以上，5G基站") == ["20", "mpa", "以", "上", None, "5", "g", "基", "站"]


def test_tokenize_breaks_at_punctuation_and_blank_lines_but_joins_layout_whitespace() -> None:
    assert tokenize("陶瓷、航空") == ["陶", "瓷", None, "航", "空"]
    assert tokenize("技术\n需求") == ["技", "术", "需", "求"]  # a wrapped line inside a sentence
    assert tokenize("概述\n\n景德镇") == ["概", "述", None, "景", "德", "镇"]
    assert tokenize("SiC 陶瓷") == ["sic", "陶", "瓷"]
    assert tokenize("machine learning") == ["machine", None, "learning"]
    assert tokenize("陶\u200b瓷") == ["陶", "瓷"]  # zero-width space is invisible, so it joins
    assert tokenize("“揭榜挂帅”") == ["揭", "榜", "挂", "帅"]


def test_query_terms_split_at_spaces_and_punctuation() -> None:
    assert query_terms("  烧成温  SiC陶瓷，航空 ") == [["烧", "成", "温"], ["sic", "陶", "瓷"], ["航", "空"]]
    assert query_terms("，。 ") == []


def test_bigram_offsets_cover_every_unit_with_the_fewest_bigrams() -> None:
    assert [bigram_offsets(n) for n in range(1, 7)] == [[], [0], [0, 1], [0, 2], [0, 2, 3], [0, 2, 4]]


def test_varints_round_trip() -> None:
    numbers = [0, 1, 31, 32, 1023, 1024, 65535, 123456789]
    assert decode(search_index._encode(numbers)) == numbers


def test_shard_of_is_fnv1a_32() -> None:
    # Published FNV-1a test vectors: "" -> 0x811c9dc5, "a" -> 0xe40c292c, "foobar" -> 0xbf9cf968.
    assert shard_of("", 1 << 16) == 0x9DC5
    assert shard_of("a", 1 << 16) == 0x292C
    assert shard_of("foobar", 1 << 16) == 0xF968
    assert shard_of("anything", 1) == 0


# --- the index files ---


def test_two_builds_are_byte_identical_whatever_the_input_order(tmp_path: Path) -> None:
    build_search_index(DOCS, tmp_path / "a")
    build_search_index(reversed(DOCS), tmp_path / "b")
    first, second = index_bytes(tmp_path / "a"), index_bytes(tmp_path / "b")
    assert first == second
    assert {"meta.json", "docs/0.json"} <= set(first)


def test_rebuild_replaces_the_previous_index(tmp_path: Path) -> None:
    build_search_index(DOCS, tmp_path)
    build_search_index(DOCS[:1], tmp_path)
    assert json.loads((tmp_path / "index" / "meta.json").read_text("utf-8"))["docs"] == 1
    assert not (tmp_path / "index" / "docs" / "1.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]  # no staging folder left behind


def test_duplicate_urls_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="/lists/JDZ-2023-001/"):
        build_search_index([DOCS[0], DOCS[0]], tmp_path)


def test_values_that_are_not_strings_are_refused_by_name(tmp_path: Path) -> None:
    doc = SearchDoc("/results/x/", "结果", "正文", {"date": datetime.date(2024, 9, 10)})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="/results/x/: date must be str"):
        build_search_index([doc], tmp_path)


def test_every_key_lives_in_the_shard_its_hash_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "TARGET_SHARD_BYTES", 256)  # force many shards
    monkeypatch.setattr(search_index, "OWN_FILE_BYTES", 12)  # and some keys in files of their own
    build_search_index(DOCS, tmp_path)
    root = tmp_path / "index"
    meta = json.loads((root / "meta.json").read_text("utf-8"))
    assert meta["shards"] > 1 and meta["shards"] & (meta["shards"] - 1) == 0  # a power of two
    own_files = 0
    for shard in (root / "shards").iterdir():
        content = json.loads(shard.read_text("utf-8"))
        for kind in ("b", "u"):
            for key, value in content[kind].items():
                assert int(shard.stem, 16) == shard_of(key, meta["shards"])
                if value.startswith("@"):
                    own_files += 1
                    assert json.loads((root / value[1:]).read_text("utf-8"))["k"] == key
    postings = [p for p in (root / "terms").iterdir() if ".r" not in p.name]
    assert own_files and own_files == len(postings)


def test_a_frequent_bigram_alone_is_read_from_its_ranked_chunks_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "OWN_FILE_BYTES", 8)  # most bigrams in files of their own
    monkeypatch.setattr(search_index, "RANKED_CHUNK", 2)  # and several chunks for the common ones
    build_search_index(DOCS, tmp_path)
    reader = SearchIndexReader(tmp_path)
    chunked = 0
    for term in ["陶瓷", "烧成", "化工", "企业", "回收", "技术", "温度", "揭榜", "资源"]:
        ranked = reader.search(term)
        chunked += any(".r1.json" in name for name in reader.files_read)
        by_positions = sorted(
            ((not in_title, -count, doc) for doc, (count, in_title) in reader._term(list(term)).items())
        )
        assert [(not h.in_title, -h.count, h.doc_id) for h in ranked] == by_positions, term
        assert reader.total == len(by_positions)
        assert {h.url for h in ranked} == {d.url for d in DOCS if term in document_text(d)}
    assert chunked
    reader = SearchIndexReader(tmp_path)
    first = reader.search("陶瓷", limit=2)
    assert len(first) == 2 and reader.total == 3  # the first chunk gives the first page and the count
    assert not any(
        ".r1.json" in name or name.startswith("terms/") and ".r" not in name for name in reader.files_read
    )


def test_document_files_keep_title_url_meta_in_order_and_text(tmp_path: Path) -> None:
    build_search_index(DOCS, tmp_path)
    doc = json.loads((tmp_path / "index" / "docs" / "0.json").read_text("utf-8"))
    assert doc == {
        "url": DOCS[0].url,
        "title": DOCS[0].title,
        "meta": [list(kv) for kv in DOCS[0].meta.items()],
    }
    text = json.loads((tmp_path / "index" / "text" / "0.json").read_text("utf-8"))
    assert text == {"url": DOCS[0].url, "text": DOCS[0].text}


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> SearchIndexReader:
    out_dir = tmp_path_factory.mktemp("reader")
    build_search_index(DOCS, out_dir)
    return SearchIndexReader(out_dir)


def test_every_substring_finds_exactly_the_documents_containing_it(reader: SearchIndexReader) -> None:
    terms = set()
    for doc in DOCS:
        for line in document_text(doc).split("\n"):
            for size in (1, 2, 3, 4, 5):
                terms.update(line[i : i + size] for i in range(len(line) - size + 1))
    chinese = sorted(t for t in terms if all("\u4e00" <= ch <= "\u9fff" for ch in t))
    assert len(chinese) > 1000
    for term in chinese:
        expected = {d.url for d in DOCS if term in document_text(d).replace("化工\n企", "化工企")}
        assert {hit.url for hit in reader.search(term)} == expected, term


def test_queries_across_ascii_and_chinese_and_and_of_terms(reader: SearchIndexReader) -> None:
    assert [h.url for h in reader.search("sic陶瓷")] == ["/lists/JDZ-2023-001/"]
    assert [h.url for h in reader.search("CFD仿真")] == ["/lists/JDZ-2023-003/"]
    assert [h.url for h in reader.search("cod")] == ["/lists/JDZ-2023-002/"]
    assert [h.url for h in reader.search("1320℃")] == ["/lists/JDZ-2023-001/"]
    assert [h.url for h in reader.search("14小时")] == ["/lists/JDZ-2023-001/"]
    assert [h.url for h in reader.search("小时")] == ["/lists/JDZ-2023-001/"]
    assert [h.url for h in reader.search("65%")] == ["/lists/JDZ-2023-003/"]
    assert [h.url for h in reader.search("烧成温 陶瓷")] == ["/lists/JDZ-2023-001/"]
    assert reader.search("烧成温 航空") == []
    assert reader.search("陶瓷航空") == []


def test_title_matches_rank_first(reader: SearchIndexReader) -> None:
    hits = reader.search("陶瓷")
    assert [h.in_title for h in hits] == sorted((h.in_title for h in hits), reverse=True)
    assert hits[0].url in {"/lists/JDZ-2023-001/", "/results/JDZ-2022-005/"}


def test_a_query_reads_only_its_own_shards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "TARGET_SHARD_BYTES", 256)
    build_search_index(DOCS, tmp_path)
    reader = SearchIndexReader(tmp_path)
    reader.search("烧成温")
    shards = {name for name in reader.files_read if name.startswith("shards/")}
    assert 1 <= len(shards) <= 2 < reader.meta["shards"]


# --- in the browser ---


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    browser.write_search_page(root)
    browser.write_search_page(root, "paged", page_size=2)
    browser.write_search_page(root, "broken", index="/nowhere/")
    build_search_index(DOCS, root / "search")
    # Twelve documents that all hold 检测, indexed with ranked chunks of 4 documents.
    browser.write_search_page(root, "ranked", page_size=8, index="/ranked/index/")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "OWN_FILE_BYTES", 8)
        patch.setattr(search_index, "RANKED_CHUNK", 4)
        build_search_index(MANY, root / "ranked")
    return root


# Ranked by how often 检测 occurs: document n holds it n+1 times, and the last has it in its title.
MANY = [
    SearchDoc(
        f"/lists/JDZ-2024-{n:03d}/",
        "检测装置" if n == 11 else f"第{n}号示例项目",
        "。".join(["开展检测"] * (n + 1)) + "。" + "其余说明文字。" * 40,
        {"kind": "榜单"},
    )
    for n in range(12)
]


@pytest.fixture(scope="module")
def browser_page(site: Path):
    browser.require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, browser.serve_directory(site) as base:
        chromium = browser.launch_chromium(pw)
        page = chromium.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.base = base  # type: ignore[attr-defined]
        yield page
        chromium.close()
        assert errors == []


def run_query(page, query: str, path: str = "search/") -> list[str]:
    return browser.run_search(page, page.base + path, query)


@pytest.mark.browser
@pytest.mark.parametrize(
    "term",
    ["陶瓷", "烧成温", "化工企", "揭榜方", "景德镇", "叶片", "回收", "余热回收", "含盐废水", "世龙", "窑炉"],
)
def test_browser_finds_every_document_containing_the_term(browser_page, term: str) -> None:
    expected = {d.url for d in DOCS if term in document_text(d).replace("化工\n企", "化工企")}
    assert expected
    found = run_query(browser_page, term)
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert browser_page.input_value("#q") == term
    assert browser_page.inner_text("#search-status") == f"找到 {len(expected)} 条与“{term}”相关的结果。"


@pytest.mark.browser
def test_browser_two_character_term_and_highlighting(browser_page) -> None:
    assert run_query(browser_page, "叶片") == ["/lists/JDZ-2023-003/"]
    marks = browser_page.eval_on_selector_all("#search-results mark", "ms => ms.map((m) => m.textContent)")
    assert marks and set(marks) == {"叶片"}
    title = browser_page.inner_html("#search-results li h2 a")
    assert title == "航空发动机<mark>叶片</mark>精密铸造缺陷控制"


@pytest.mark.browser
def test_browser_term_spanning_an_ascii_word_and_chinese(browser_page) -> None:
    assert run_query(browser_page, "sic陶瓷") == ["/lists/JDZ-2023-001/"]
    marks = browser_page.eval_on_selector_all(
        ".search-result-snippet mark", "ms => ms.map((m) => m.textContent)"
    )
    assert marks == ["SiC 陶瓷"]
    assert run_query(browser_page, "CFD仿真") == ["/lists/JDZ-2023-003/"]


@pytest.mark.browser
def test_browser_no_results_message(browser_page) -> None:
    assert run_query(browser_page, "量子计算") == []
    assert browser_page.inner_text("#search-status") == "没有找到与“量子计算”相关的结果。"
    assert run_query(browser_page, "烧成温 航空") == []  # terms are ANDed


@pytest.mark.browser
def test_browser_typing_runs_the_query_and_updates_the_address(browser_page) -> None:
    browser_page.goto(browser_page.base + "search/")
    browser_page.fill("#q", "余热")
    browser.wait_for_search(browser_page, "余热")
    assert browser_page.eval_on_selector_all("#search-results > li", "ls => ls.length") == 1
    assert browser_page.url.endswith("?q=" + quote("余热"))


@pytest.mark.browser
def test_browser_shows_more_results_on_request(browser_page) -> None:
    expected = {d.url for d in DOCS if "陶瓷" in document_text(d)}
    assert len(expected) == 3
    assert len(run_query(browser_page, "陶瓷", path="paged/")) == 2  # data-page-size="2"
    assert browser_page.is_visible("#search-more")
    assert browser_page.inner_text("#search-status") == "找到 3 条与“陶瓷”相关的结果，已显示前 2 条。"
    browser_page.click("#search-more")
    browser_page.wait_for_function("document.querySelectorAll('#search-results > li').length === 3")
    assert browser_page.is_hidden("#search-more")
    assert browser_page.inner_text("#search-status") == "找到 3 条与“陶瓷”相关的结果。"
    assert set(browser.result_links(browser_page)) == expected


@pytest.mark.browser
def test_browser_reports_a_missing_index(browser_page) -> None:
    assert run_query(browser_page, "陶瓷", path="broken/") == []
    assert browser_page.inner_text("#search-status") == "搜索暂时不可用：无法加载搜索索引。"


@pytest.mark.browser
def test_browser_tokenizer_and_hash_match_python(browser_page) -> None:
    browser_page.goto(browser_page.base + "search/")
    samples = [
        "烧成温度1320℃，ＳｉＣ 陶瓷",
        "技术\n需求\n\n概述 machine learning 5G基站 20MPa 0.5mm GB/T9704-2012",
        "“揭榜挂帅”（试行）——第六条：60%；二〇二二年",
        "陶\u200b瓷 Ⅻ ㎡ µm ½ İstanbul ΑΣ",
    ]
    for text in samples:
        assert browser_page.evaluate("(t) => window.jiebangSearch.tokenize(t, false)", text) == tokenize(text)
    keys = ["", "a", "陶瓷", "sic陶", "𠀀𠀁", "2022年"]
    for key in keys:
        assert browser_page.evaluate("(k) => window.jiebangSearch.shardOf(k, 65536)", key) == shard_of(
            key, 65536
        )


@pytest.mark.browser
def test_browser_two_characters_read_ranked_chunks_not_positions(browser_page, site: Path) -> None:
    requested: list[str] = []
    browser_page.on("request", lambda r: requested.append(r.url.split("/ranked/index/")[-1].split("?")[0]))
    found = run_query(browser_page, "检测", path="ranked/")
    expected = [d.url for d in sorted(MANY, key=lambda d: (d.title != "检测装置", -d.text.count("检测")))]
    assert found == expected[:8]  # the title match first, then the most occurrences
    assert browser_page.inner_text("#search-status") == "找到 12 条与“检测”相关的结果，已显示前 8 条。"
    term_files = [name for name in requested if name.startswith("terms/")]
    assert term_files and all(".r" in name for name in term_files)  # ranked chunks only, never positions
    assert {name for name in term_files if name.endswith(".r0.json")} and not any(
        ".r2." in n for n in term_files
    )
    browser_page.click("#search-more")
    browser_page.wait_for_function("document.querySelectorAll('#search-results > li').length === 12")
    assert browser.result_links(browser_page) == expected
    assert browser_page.inner_text("#search-status") == "找到 12 条与“检测”相关的结果。"
    assert any(".r2.json" in name for name in requested)


@pytest.mark.browser
def test_browser_fetches_a_snippet_when_its_result_comes_into_view(browser_page) -> None:
    browser_page.set_viewport_size({"width": 800, "height": 300})
    try:
        run_query(browser_page, "检测", path="ranked/")
        snippets = browser_page.locator(".search-result-snippet")
        assert "检测" in snippets.nth(0).inner_text()  # the first results come with their text
        last = snippets.nth(7)
        assert last.inner_text() == ""  # far below the fold: not fetched yet
        last.scroll_into_view_if_needed()
        browser_page.wait_for_function(
            "() => document.querySelectorAll('.search-result-snippet')[7].textContent.includes('检测')"
        )
        assert last.locator("mark").first.inner_text() == "检测"  # highlighted like the others
    finally:
        browser_page.set_viewport_size({"width": 1280, "height": 720})
