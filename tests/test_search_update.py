"""An updated search index is the cold index of the same documents, byte for byte: after documents are
changed, added at the end, inserted, removed; with frequent keys (their own files, several ranked
chunks) and rare ones; and the update declines (a cold build follows) where it cannot be exact."""

from __future__ import annotations

import random

import pytest

from jiebang.site.search import index
from jiebang.site.search.documents import SearchDoc
from jiebang.site.search.index import built_index, numbered, sha256_of
from jiebang.site.search.update import IndexState, doc_digest, updated_files

WORDS = ["陶瓷", "窑炉", "余热", "回收", "检测", "装置", "技术", "攻关", "烧成", "温度", "SiC", "2026", "景德镇",
         "叶片", "含盐", "废水", "化工", "企业", "揭榜", "方案"]


def document(rng: random.Random, n: int, order: str) -> SearchDoc:
    text = "\n\n".join("".join(rng.choices(WORDS, k=rng.randint(3, 40))) for _ in range(rng.randint(1, 3)))
    title = "".join(rng.choices(WORDS, k=rng.randint(1, 4)))
    return SearchDoc(f"/lists/X-{n:05d}/", title, text, {"kind": "榜单", "id": f"X-{n:05d}"}, order)


def corpus(rng: random.Random, count: int) -> list[SearchDoc]:
    return [document(rng, n, f"2026-{1 + n * 11 // count:02d}-01") for n in range(count)]


def updated(old_docs: list[SearchDoc], new_docs: list[SearchDoc]) -> dict[str, bytes] | None:
    """The update's files applied to the old index, or None when it declined; checked against cold."""
    old = numbered(old_docs)
    files, small = built_index(old)
    state = IndexState([doc_digest(d) for d in old], small)
    new = numbered(new_docs)
    result = updated_files(state, new, [doc_digest(d) for d in new], list(files), files.get,
                           lambda name: sha256_of(files[name]) if name in files else None)
    if result is None:
        return None
    changed, removed, small_after = result
    assert not removed & set(changed)
    merged = {name: data for name, data in files.items() if name not in removed} | changed
    cold, cold_small = built_index(new)
    assert sorted(merged) == sorted(cold)
    assert [name for name in cold if merged[name] != cold[name]] == []
    assert small_after == cold_small
    return merged


@pytest.fixture
def small_files(monkeypatch):
    """Frequent keys early (their own files past 200 bytes) and ranked chunks of 40 documents, so a few
    hundred documents exercise every kind of file."""
    monkeypatch.setattr(index, "OWN_FILE_BYTES", 200)
    monkeypatch.setattr(index, "RANKED_CHUNK", 40)


@pytest.mark.parametrize("seed", range(12))
def test_an_update_is_the_cold_index(seed: int, small_files) -> None:
    rng = random.Random(seed)
    docs = corpus(rng, 300)
    new = list(docs)
    for _ in range(rng.randint(1, 4)):  # corrections in place
        i = rng.randrange(len(new))
        new[i] = SearchDoc(new[i].url, new[i].title, document(rng, i, "").text, new[i].meta, new[i].order)
    for n in range(rng.randint(0, 3)):  # new records, published last
        new.append(document(rng, 1000 + n, "2027-01-01"))
    assert updated(docs, new) is not None


def test_a_word_leaving_its_last_document_and_a_new_word(small_files) -> None:
    rng = random.Random(7)
    docs = corpus(rng, 200) + [SearchDoc("/lists/Z/", "罕见词", "只在这里：鸢尾花", {"kind": "榜单"}, "2027")]
    new = docs[:-1] + [SearchDoc("/lists/Z/", "改过的标题", "另一个独有的词：曼陀罗", {"kind": "榜单"}, "2027")]
    merged = updated(docs, new)
    assert merged is not None
    assert not any("鸢尾".encode() in data for name, data in merged.items() if name.startswith("shards/"))


def test_a_key_moves_between_its_shard_and_its_own_file(small_files) -> None:
    rng = random.Random(3)
    docs = corpus(rng, 200)
    frequent = SearchDoc("/lists/Y/", "题", "琉璃" * 150, {"kind": "榜单"}, "2027")  # 琉璃 alone passes 200 bytes
    assert updated(docs, [*docs, frequent]) is not None  # into a file of its own
    assert updated([*docs, frequent], docs) is not None  # and back into its shard


def test_removed_and_inserted_documents(small_files) -> None:
    rng = random.Random(11)
    docs = corpus(rng, 300)
    assert updated(docs, docs[:-2]) is not None  # the last two withdrawn
    early = document(rng, 5000, "2000-01-01")  # numbered first: every document after it moves
    assert updated(docs, [early, *docs]) is None  # too much changed to pay: built cold


def test_an_update_that_would_change_the_shard_count_declines() -> None:
    rng = random.Random(5)
    docs = corpus(rng, 50)
    grown = docs + [document(rng, 100 + n, "2027-01-01") for n in range(60)]  # few enough to update
    assert index.shard_count(built_index(numbered(docs))[1]) != index.shard_count(built_index(numbered(grown))[1])
    assert updated(docs, grown) is None


def test_an_unreadable_file_of_the_last_index_declines(small_files) -> None:
    rng = random.Random(2)
    docs = corpus(rng, 100)
    old = numbered(docs)
    files, small = built_index(old)
    new = list(old)
    new[5] = SearchDoc(new[5].url, "新标题", new[5].text, new[5].meta, new[5].order)
    state = IndexState([doc_digest(d) for d in old], small)
    digests = [doc_digest(d) for d in new]
    assert updated_files(state, new, digests, list(files), lambda name: None if name.startswith("docs/") else files.get(name),
                         lambda name: sha256_of(files[name])) is None
    assert updated_files(state, new, digests, list(files), files.get, lambda name: None) is None


def test_the_state_survives_its_bytes_and_refuses_others() -> None:
    state = IndexState(["a" * 24, "b" * 24], 1234)
    assert IndexState.from_bytes(state.to_bytes()) == state
    assert IndexState.from_bytes(b'{"format": 99}') is None
    assert IndexState.from_bytes(b"not json") is None
    assert IndexState.from_bytes(None) is None
