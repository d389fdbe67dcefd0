"""Static full-text search index for Chinese text: positional character bigrams, sharded by hash.

Why not Pagefind: its Chinese segmenter splits the query differently from the indexed page, so a term
that crosses a word boundary (烧成温, 化工企) is missed; bench/search_recall.py measures it. Bigrams need
no dictionary: every substring of two or more units is found by its bigrams, and positions make the
match exact (ab at p and bc at p+1 means "abc" at p), so recall and precision are both complete.

Layout under `out_dir/index/` (read by theme/static/js/search.js, which mirrors `shard_of`, `decode` and
the units of jiebang.site.search.tokens):

- `meta.json`: format version, document count, shard count, a fingerprint used to bust caches.
- `shards/<hex>.json`: `{"b": {bigram: postings}, "u": {unit: doc list}}` for the keys whose FNV-1a
  hash falls in that shard; a value `"@terms/<name>.json"` points to a key too big to share a shard.
- `terms/<name>.json`: `{"k": key, "v": postings}` for one frequent key.
- `terms/<name>.r<k>.json`: `{"n": documents, "c": chunks, "r": ranked}` for a frequent bigram: its
  documents in rank order, RANKED_CHUNK a file. A query of that one bigram (any two-character query)
  reads the first chunk, not the postings: at national scale 技术 is in 85,000 documents, and its
  positions alone are 890 KB.
- `docs/<id>.json`: `{"url", "title", "meta": [[key, value], ...]}`, what a result shows of it;
  `text/<id>.json`: `{"url", "text"}`, read for the snippet only when the result comes into view.

Postings are strings of base-32 varints (see `_encode`): per document `doc-delta, 2*count+has_title,
[title-count], position-deltas...` for bigrams, and just `doc-delta` for single units. Ranked chunks are
groups `2*count+has_title, group-size, doc, doc-deltas...`, best first (in title, then more often,
then by number), each chunk starting a group afresh.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import operator
import os
import re
import shutil
import tempfile
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from .documents import SearchDoc
from .tokens import doc_units

FORMAT_VERSION = 2
T = TypeVar("T")  # what is put in number order: documents, or what stands for them (searchpages.Entry)
# A shard holds about this many bytes of postings: small enough that a query pays little for the keys
# it does not need, large enough that a 20,000-document site keeps a few thousand files.
TARGET_SHARD_BYTES = 8 * 1024
# A key whose postings alone pass this gets its own file, so rare keys never ride along with 技术.
OWN_FILE_BYTES = 2 * 1024
MAX_SHARDS = 1 << 16
# Documents per ranked chunk: the first holds 80 result pages of 50 in a few KB, and a frequent bigram
# (技术, in 85,000 documents at national scale) needs some 20 files, not a hundred.
RANKED_CHUNK = 4000
# Results whose snippet text search.js fetches with the page (about a screenful); the others' when seen.
SNIPPETS_AT_ONCE = 5

# Varint digits: the first 32 end a number, the last 32 carry 5 more high bits.
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
_DIGIT = {c: i for i, c in enumerate(ALPHABET)}
_SMALL = [ALPHABET[n] if n < 32 else ALPHABET[32 + (n >> 5)] + ALPHABET[n & 31] for n in range(1024)]


# --- keys and numbers: search.js has twins of shard_of and decode ---


def shard_of(key: str, shards: int) -> int:
    """FNV-1a (32-bit) of the key's UTF-8 bytes, masked to the power-of-two shard count."""
    h = 0x811C9DC5
    for byte in key.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h & (shards - 1)


def _encode(numbers: Sequence[int]) -> str:
    if max(numbers, default=0) < 1024:  # nearly every list: one table lookup a number
        return "".join(map(_SMALL.__getitem__, numbers))
    out = []
    for n in numbers:
        if n < 1024:
            out.append(_SMALL[n])
            continue
        digits = [ALPHABET[n & 31]]
        n >>= 5
        while n:
            digits.append(ALPHABET[32 + (n & 31)])
            n >>= 5
        out.append("".join(reversed(digits)))
    return "".join(out)


def _decode_slow(encoded: str) -> list[int]:
    numbers, acc = [], 0
    for ch in encoded:
        d = _DIGIT[ch]
        if d >= 32:
            acc = (acc << 5) | (d - 32)
        else:
            numbers.append((acc << 5) | d)
            acc = 0
    return numbers


_NUMBER = re.compile(r"[w-zA-Z_-]*[0-9a-v]")  # one varint: carry digits, then an end digit
_VALUES = {text: n for n, text in enumerate(_SMALL)}


def tokens(encoded: str) -> list[str]:
    """A postings string cut into its varints, still encoded."""
    return _NUMBER.findall(encoded)


def number(token: str) -> int:
    """One varint's value."""
    n = _VALUES.get(token)
    return n if n is not None else _decode_slow(token)[0]


def encoded(n: int) -> str:
    return _SMALL[n] if n < 1024 else _encode([n])


def decode(encoded: str) -> list[int]:
    """The numbers of a postings string (the regular expression splits it at C speed; an update of the
    index decodes the postings of every frequent key a changed document holds)."""
    values = _VALUES
    return [n if (n := values.get(t)) is not None else _decode_slow(t)[0] for t in _NUMBER.findall(encoded)]


# --- building ---


def as_json(obj: object) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def doc_postings(doc: SearchDoc) -> tuple[dict[str, list[int]], list[str]]:
    """One document's part of the postings: for each bigram the numbers after its doc-delta
    (2*n+has_title, [title n], position deltas), and its distinct units."""
    units, title_len = doc_units(doc)
    positions: dict[str, list[int]] = {}
    for pos, (a, b) in enumerate(zip(units, units[1:])):
        if a is not None and b is not None:
            key = a + b
            plist = positions.get(key)
            if plist is None:
                positions[key] = [pos]
            else:
                plist.append(pos)
    tails: dict[str, list[int]] = {}
    for key, plist in positions.items():
        in_title = bisect.bisect_left(plist, title_len)  # title units come first
        tail = [2 * len(plist) + 1, in_title, plist[0]] if in_title else [2 * len(plist), plist[0]]
        if len(plist) > 1:
            tail += map(operator.sub, plist[1:], plist)
        tails[key] = tail
    return tails, [unit for unit in dict.fromkeys(units) if unit is not None]


def _postings(docs: Sequence[SearchDoc]) -> tuple[dict[str, array], dict[str, array]]:
    """Delta-coded postings: bigram -> [doc-delta, 2*n+has_title, (title n), n position deltas]...,
    unit -> [doc-delta...]."""
    # Unsigned 32-bit arrays, not lists: a list holds an 8-byte pointer a number, and a number past 256
    # is an object of its own; a national index holds some hundred million of them.
    bigrams: dict[str, array] = {}
    unigrams: dict[str, array] = {}
    last_bigram: dict[str, int] = {}
    last_unigram: dict[str, int] = {}
    for doc_id, doc in enumerate(docs):
        tails, units = doc_postings(doc)
        for key, tail in tails.items():
            out = bigrams.get(key)
            if out is None:
                out = bigrams[key] = array("I")
            out.append(doc_id - last_bigram.get(key, 0))
            out.extend(tail)
            last_bigram[key] = doc_id
        for unit in units:
            out = unigrams.get(unit)
            if out is None:
                out = unigrams[unit] = array("I")
            out.append(doc_id - last_unigram.get(unit, 0))
            last_unigram[unit] = doc_id
    return bigrams, unigrams


def shard_count(total_bytes: int) -> int:
    wanted = max(1, math.ceil(total_bytes / TARGET_SHARD_BYTES))
    return min(MAX_SHARDS, 1 << (wanted - 1).bit_length())


def _term_file(kind: str, key: str) -> str:
    return "terms/" + hashlib.sha256(f"{kind}:{key}".encode()).hexdigest()[:20] + ".json"


def ranked_file(term_file: str, chunk: int) -> str:
    """terms/<name>.json -> terms/<name>.r<chunk>.json (search.js derives it the same way)."""
    return term_file.removesuffix(".json") + f".r{chunk}.json"


def _ranked_entries(numbers: list[int]) -> list[tuple[int, int, int]]:
    """A bigram's postings as (not in title, -count, doc), sorted: the order search.js ranks them in."""
    entries, i, doc = [], 0, 0
    while i < len(numbers):
        doc += numbers[i]
        count, has_title = divmod(numbers[i + 1], 2)
        entries.append((1 - has_title, -count, doc))
        i += 2 + has_title + count
    entries.sort()
    return entries


def ranked_chunks(entries: list[tuple[int, int, int]]) -> tuple[int, list[str]]:
    """How many documents hold the bigram, and their ranked chunks, from its sorted ranked entries."""
    chunks = []
    for start in range(0, len(entries), RANKED_CHUNK):
        out: list[int] = []
        group, size, size_at, last = None, 0, 0, 0
        for not_title, neg_count, doc in entries[start : start + RANKED_CHUNK]:
            if (not_title, neg_count) != group:
                if group is not None:
                    out[size_at] = size
                group, size, last = (not_title, neg_count), 0, 0
                out += [2 * -neg_count + 1 - not_title, 0]
                size_at = len(out) - 1
            out.append(doc - last)
            last, size = doc, size + 1
        out[size_at] = size
        chunks.append(_encode(out))
    return len(entries), chunks


def key_files(kind: str, key: str, numbers: list[int]) -> tuple[str, dict[str, bytes]]:
    """What the index holds for one key: the value its shard keeps, and the files of its own a frequent
    key has (its postings and, for a bigram, its ranked chunks)."""
    return encoded_key_files(kind, key, _encode(numbers), lambda: _ranked_entries(numbers))


def encoded_key_files(kind: str, key: str, value: str,
                      ranked: Callable[[], list[tuple[int, int, int]]]) -> tuple[str, dict[str, bytes]]:
    """key_files for postings already encoded, with their sorted ranked entries made on demand."""
    if len(value) <= OWN_FILE_BYTES:
        return value, {}
    name = _term_file(kind, key)
    files = {name: as_json({"k": key, "v": value})}
    if kind == "b":
        total, chunks = ranked_chunks(ranked())
        for k, chunk in enumerate(chunks):
            files[ranked_file(name, k)] = as_json({"c": len(chunks), "n": total, "r": chunk})
    return "@" + name, files


def shard_bytes(key: str, value: str) -> int:
    """What a key adds to its shard (the shard count follows the sum)."""
    return len(key.encode()) + len(value) + 6


def shard_name(number: int, shards: int) -> str:
    return f"shards/{number:0{max(1, len(f'{shards - 1:x}'))}x}.json"


def doc_files(doc_id: int, doc: SearchDoc) -> dict[str, bytes]:
    meta = [[k, v] for k, v in doc.meta.items()]
    return {f"docs/{doc_id}.json": as_json({"meta": meta, "title": doc.title, "url": doc.url}),
            f"text/{doc_id}.json": as_json({"text": doc.text, "url": doc.url})}


def meta_file(docs: int, shards: int, digests: dict[str, str]) -> bytes:
    """meta.json; its fingerprint (search.js adds it to every address, so a browser never mixes files of
    two builds) is of every other file's name and SHA-256."""
    fingerprint = hashlib.sha256()
    for name in sorted(digests):
        fingerprint.update(f"{name}\0{digests[name]}\0".encode())
    return as_json({"docs": docs, "fingerprint": fingerprint.hexdigest()[:16],
                  "shard_digits": max(1, len(f"{shards - 1:x}")), "shards": shards, "version": FORMAT_VERSION})


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def built_index(docs: Sequence[SearchDoc]) -> tuple[dict[str, bytes], int]:
    """The index's files for documents already numbered, and the bytes its shards hold."""
    bigrams, unigrams = _postings(docs)
    files: dict[str, bytes] = {}
    tables: dict[str, dict[str, str]] = {"b": {}, "u": {}}
    small_bytes = 0
    for kind, postings in (("b", bigrams), ("u", unigrams)):
        for key in list(postings):  # each key's numbers let go once encoded: they are most of the peak
            value, own = key_files(kind, key, postings.pop(key))
            tables[kind][key] = value
            files.update(own)
            small_bytes += shard_bytes(key, value)
    shards = shard_count(small_bytes)
    grouped: dict[int, dict[str, dict[str, str]]] = {}
    for kind, table in tables.items():
        for key, value in table.items():
            grouped.setdefault(shard_of(key, shards), {"b": {}, "u": {}})[kind][key] = value
    for number, content in grouped.items():
        files[shard_name(number, shards)] = as_json(content)
    for doc_id, doc in enumerate(docs):
        files.update(doc_files(doc_id, doc))
    files["meta.json"] = meta_file(len(docs), shards, {name: sha256_of(data) for name, data in files.items()})
    return files, small_bytes


def in_number_order(items: Iterable[T]) -> list[T]:
    """Documents (or anything with their `order` and `url`) in the order they are numbered in: by
    `order` (the site's publication day), then URL, so the numbers depend only on the set of documents."""
    ordered = sorted(items, key=lambda d: (d.order, d.url))
    duplicates = sorted(url for url, n in Counter(d.url for d in ordered).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate search document URLs: {', '.join(duplicates)}")
    return ordered


def numbered(docs: Iterable[SearchDoc]) -> list[SearchDoc]:
    """The documents in the order they are numbered in (in_number_order), each field's type checked."""
    ordered = in_number_order(docs)
    for doc in ordered:
        # A date or number from YAML would otherwise fail deep inside NFKC or json.dumps.
        fields = {"url": doc.url, "title": doc.title, "text": doc.text, "order": doc.order, **doc.meta}
        wrong = sorted(name for name, value in fields.items() if not isinstance(value, str))
        if wrong:
            raise TypeError(f"search document {doc.url}: {', '.join(wrong)} must be str")
    return ordered


def index_files(docs: Iterable[SearchDoc]) -> dict[str, bytes]:
    """The index's files (names relative to `index/`) for `docs`: two builds of the same documents are
    byte-identical."""
    return built_index(numbered(docs))[0]


def build_search_index(docs: Iterable[SearchDoc], out_dir: Path) -> None:
    """Write the search index for `docs` to `out_dir/index/`, replacing any previous index there. It is
    written beside and then swapped in, so a failed build never leaves a half-written index."""
    files = index_files(docs)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".index.", dir=out_dir))
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.chmod(staging, 0o755)  # mkdtemp makes it private; the web server must read it
    target = out_dir / "index"
    old = out_dir / ".index.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


# --- reading: the same query algorithm as search.js, for tests and benchmarks ---
