"""Bring a built search index up to date with a few changed documents, file by file.

A cold build tokenizes every document and encodes every key: at national scale most of a rebuild.
When only some documents changed (a correction, a new notice), the keys whose postings change are
those the changed documents hold, before or after; each is decoded from the last build's files, its
changed documents' entries are taken out and put back, and it is encoded again. The shards those keys
are in, their own files, the changed documents' files and meta.json are written; every other file is
the last build's. The result is the cold build's, byte for byte (tests/test_search_update.py builds
both): documents keep their numbers (search/documents.py), entries are kept in document order, and
where the shard count would change, or too much changed to pay, `updated_files` says so and the
caller builds cold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from . import index
from .documents import SearchDoc, doc_bytes
from .index import (
    as_json,
    decode,
    doc_files,
    doc_postings,
    encoded,
    encoded_key_files,
    key_files,
    meta_file,
    number,
    ranked_file,
    sha256_of,
    shard_bytes,
    shard_count,
    shard_name,
    shard_of,
    tokens,
)

FORMAT = 2  # 2: a document's digest is its kept bytes' (doc_bytes)
# Past this share of changed documents a cold build costs less than decoding the keys they hold.
MOST_CHANGED = 1 / 16


def doc_digest(doc: SearchDoc) -> str:
    """What a document's files and postings are made of (its number aside): the SHA-256 of the bytes the
    build keeps it as, cut short, so that a kept document is known by the digest the output cache
    holds for it, unread (searchpages.py)."""
    return digest_of_sha(hashlib.sha256(doc_bytes(doc)).hexdigest())


def digest_of_sha(sha256: str) -> str:
    """doc_digest of the document whose doc_bytes have this SHA-256."""
    return sha256[:24]


@dataclass(frozen=True)
class IndexState:
    """What an update needs to know of the last index beside its files: each numbered document's digest,
    the bytes its shards hold (which fix the shard count), and the cache key its files are kept under."""

    docs: list[str]
    small_bytes: int
    tree: str = ""

    def to_bytes(self) -> bytes:
        return json.dumps({"format": FORMAT, "docs": self.docs, "small": self.small_bytes, "tree": self.tree}).encode()

    @classmethod
    def from_bytes(cls, data: bytes | None) -> IndexState | None:
        try:
            stated = json.loads(data) if data else None
            if stated and stated.get("format") == FORMAT:
                return cls(list(map(str, stated["docs"])), int(stated["small"]), str(stated.get("tree", "")))
        except (ValueError, TypeError, KeyError):
            pass
        return None


def _spliced(value: str, changed: set[int], added: list[tuple[int, list[int]]]) -> tuple[str, int, list]:
    """A bigram's postings with the changed documents' entries taken out and `added` (doc, the numbers
    after its doc-delta; sorted) put in: still encoded, every other entry's tokens copied as they are
    (only its doc-delta is made again). Also how many documents it held, and its ranked entries."""
    parts, ranked = tokens(value), []
    out: list[str] = []
    i, doc, last, held, end, a = 0, 0, 0, 0, len(parts), 0
    while i < end or a < len(added):
        if i < end:
            delta, field = number(parts[i]), number(parts[i + 1])
            stop = i + 2 + (field & 1) + (field >> 1)
            doc += delta
        else:
            doc = field = stop = None  # only added entries remain
        while a < len(added) and (doc is None or added[a][0] < doc):
            new_doc, tail = added[a]
            out.append(encoded(new_doc - last))
            out += map(encoded, tail)
            ranked.append((1 - (tail[0] & 1), -(tail[0] >> 1), new_doc))
            last, a = new_doc, a + 1
        if doc is None:
            break
        held += 1
        if doc not in changed:
            out.append(encoded(doc - last) if doc - last != delta else parts[i])
            out += parts[i + 1 : stop]
            ranked.append((1 - (field & 1), -(field >> 1), doc))
            last = doc
        i = stop
    return "".join(out), held, ranked


def _old_doc(doc_id: int, read: Callable[[str], bytes | None]) -> SearchDoc | None:
    card, text = read(f"docs/{doc_id}.json"), read(f"text/{doc_id}.json")
    if card is None or text is None:
        return None
    card_data, text_data = json.loads(card), json.loads(text)
    return SearchDoc(card_data["url"], card_data["title"], text_data["text"], dict(card_data["meta"]))


def updated_files(
    state: IndexState,
    docs: Sequence[SearchDoc],
    digests: Sequence[str],
    names: Iterable[str],
    read: Callable[[str], bytes | None],
    sha: Callable[[str], str | None],
) -> tuple[dict[str, bytes], set[str], int] | None:
    """The files that differ from the last index (`names`, read with `read`, each file's SHA-256 from
    `sha`) once it holds `docs` (numbered, with their `digests`), the names it no longer has, and the
    bytes its shards now hold; None when a cold build is needed (or cheaper)."""
    old_count, new_count = len(state.docs), len(docs)
    changed = [i for i in range(max(old_count, new_count))
               if i >= old_count or i >= new_count or state.docs[i] != digests[i]]
    if not changed or len(changed) > max(64, new_count * MOST_CHANGED):
        return None
    changed_set, names = set(changed), set(names)
    old_parts = {}
    for i in changed:
        if i < old_count:
            old = _old_doc(i, read)
            if old is None:
                return None
            old_parts[i] = doc_postings(old)
    new_parts = {i: doc_postings(docs[i]) for i in changed if i < new_count}
    new_units = {i: set(units) for i, (_, units) in new_parts.items()}
    old_units = {i: set(units) for i, (_, units) in old_parts.items()}
    # A key changes where a changed document's entry for it does: in a document added to at its end
    # (a list's new notice), most of its words keep their positions and their keys stay as they were.
    affected: dict[str, set[str]] = {"b": set(), "u": set()}
    nothing: tuple[dict, list] = ({}, [])
    for i in changed:
        (old_tails, _), (new_tails, _) = old_parts.get(i, nothing), new_parts.get(i, nothing)
        affected["b"].update(k for k in old_tails.keys() | new_tails.keys() if old_tails.get(k) != new_tails.get(k))
        affected["u"].update(old_units.get(i, set()) ^ new_units.get(i, set()))
    shards = shard_count(state.small_bytes)
    contents: dict[int, dict[str, dict[str, str]]] = {}
    files: dict[str, bytes] = {}
    removed: set[str] = set()
    small_bytes = state.small_bytes
    for kind in ("b", "u"):
        for key in sorted(affected[kind]):
            number = shard_of(key, shards)
            if number not in contents:
                name, raw = shard_name(number, shards), None
                if name in names and (raw := read(name)) is None:
                    return None
                contents[number] = json.loads(raw) if raw else {"b": {}, "u": {}}
            table = contents[number][kind]
            value = table.pop(key, None)
            postings = ""  # as the last index has them, encoded
            if value is not None:
                small_bytes -= shard_bytes(key, value)
                postings = value
                if value.startswith("@"):
                    if (raw := read(value[1:])) is None:
                        return None
                    postings = json.loads(raw)["v"]
                    removed.add(value[1:])
            if kind == "b":
                added = sorted((i, tails[key]) for i, (tails, _) in new_parts.items() if key in tails)
                postings, held, ranked = _spliced(postings, changed_set, added)
                if value is not None and value.startswith("@"):  # its ranked chunks, as many as it made
                    removed.update(ranked_file(value[1:], k) for k in range(-(-held // index.RANKED_CHUNK)))
                made = encoded_key_files(kind, key, postings, lambda r=ranked: sorted(r)) if postings else None
            else:
                held = [d for d in accumulate(decode(postings)) if d not in changed_set]
                held += [i for i, units in new_units.items() if key in units]
                held.sort()
                made = key_files(kind, key, [b - a for a, b in zip([0, *held], held)]) if held else None
            if made:
                table[key] = made[0]
                small_bytes += shard_bytes(key, made[0])
                files.update(made[1])
    if shard_count(small_bytes) != shards:
        return None
    for number, content in contents.items():
        if content["b"] or content["u"]:
            files[shard_name(number, shards)] = as_json(content)
        else:
            removed.add(shard_name(number, shards))
    for i in changed:
        if i < new_count:
            files.update(doc_files(i, docs[i]))
        else:
            removed.update((f"docs/{i}.json", f"text/{i}.json"))
    removed -= set(files)
    digests_of = {}
    for name in names:
        if name not in removed and name not in files and name != "meta.json":
            known = sha(name)
            if known is None:
                return None
            digests_of[name] = known
    digests_of.update((name, sha256_of(data)) for name, data in files.items())
    files["meta.json"] = meta_file(new_count, shards, digests_of)
    return files, removed, small_bytes
