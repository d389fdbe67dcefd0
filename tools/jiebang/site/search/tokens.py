"""Search units: how text, queries and documents are cut up for the search index (jiebang.site.search.index).

A unit is one CJK (or other non-ASCII) character or one ASCII run of letters or digits; `BREAK` marks
where no bigram may span. theme/static/js/search.js has twins of `tokenize`, `query_terms` and
`bigram_offsets` and must match them character for character: the index is built from Python's units
and queried with the browser's, so any difference loses hits silently (test_search_index.py compares
the two tokenizers in Chromium).
"""

from __future__ import annotations

import unicodedata

from .documents import SearchDoc

BREAK = None  # a unit slot that no bigram may span: punctuation, field and paragraph boundaries

_WHITESPACE = frozenset(
    [9, 10, 11, 12, 13, 32, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
    + list(range(0x2000, 0x200B))
)
# Invisible characters that editors slip into Chinese text; dropping them joins what they split.
_IGNORABLE = frozenset([0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF])
_BREAK_RANGES = (
    (0x00, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0xBF), (0xD7, 0xD7), (0xF7, 0xF7),
    (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x2BFF), (0x2E00, 0x2E7F),
    (0x3000, 0x3004), (0x3008, 0x3020), (0x3030, 0x303F), (0xFE10, 0xFE1F), (0xFE30, 0xFE6F),
    (0xFF00, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40), (0xFF5B, 0xFF65), (0xFFF0, 0xFFFF),
    (0x1F000, 0x1FAFF),
)  # fmt: skip


_WORD, _SPACE, _NEWLINE, _IGNORE, _PUNCT, _UNIT = range(6)
_CLASS: dict[str, int] = {}  # memo of _classify: a text uses a few thousand distinct characters


def _classify(ch: str) -> int:
    cp = ord(ch)
    if 0x30 <= cp <= 0x39 or 0x61 <= cp <= 0x7A:
        return _WORD
    if cp in _IGNORABLE:
        return _IGNORE
    if cp in _WHITESPACE:
        return _NEWLINE if cp in (10, 0x2029) else _SPACE
    if any(lo <= cp <= hi for lo, hi in _BREAK_RANGES):
        return _PUNCT
    return _UNIT


def normalize(text: str) -> str:
    """NFKC folds full-width letters and digits (ＳｉＣ２０２２) onto ASCII; lowercase makes SiC = sic."""
    return unicodedata.normalize("NFKC", text).lower()


def tokenize(text: str) -> list[str | None]:
    """Split text into units: one per CJK (or other non-ASCII) character, one per ASCII run of letters
    [a-z]+ or digits [0-9]+.

    `None` marks a break (punctuation, a blank line, a space between two words). Other whitespace
    joins: Chinese puts no spaces between words, so a space or single newline there is layout, and
    "SiC 陶瓷" must match the query "sic陶瓷".
    """
    units: list[str | None] = []
    word: list[str] = []
    newlines = 0
    spaced = False  # whitespace seen since the last unit
    for ch in normalize(text):
        cls = _CLASS.get(ch)
        if cls is None:
            cls = _CLASS[ch] = _classify(ch)
        if cls == _WORD:
            if word and word[-1].isdigit() != ch.isdigit():
                # 20MPa -> 20 | mpa, joined: the unit after a number must be searchable by itself.
                units.append("".join(word))
                word = []
            if (
                not word
                and spaced
                and (newlines >= 2 or (units and units[-1] is not None and units[-1].isascii()))
            ):
                units.append(BREAK)
            if not word:
                spaced, newlines = False, 0
            word.append(ch)
            continue
        if cls == _IGNORE:
            continue
        if word:
            units.append("".join(word))
            word = []
        if cls in (_SPACE, _NEWLINE):
            spaced = True
            if cls == _NEWLINE:
                newlines += 1 if ch == "\n" else 2  # U+2029 PARAGRAPH SEPARATOR is a blank line
            continue
        if cls == _PUNCT:
            if units and units[-1] is not BREAK:
                units.append(BREAK)
        else:
            if spaced and newlines >= 2 and units and units[-1] is not BREAK:
                units.append(BREAK)
            units.append(ch)
        spaced, newlines = False, 0
    if word:
        units.append("".join(word))
    while units and units[-1] is BREAK:
        units.pop()
    while units and units[0] is BREAK:
        units.pop(0)
    return units


def query_terms(query: str) -> list[list[str]]:
    """Split a query into ANDed terms, each a run of units; spaces and punctuation separate terms."""
    terms: list[list[str]] = []
    for chunk in normalize(query).split():
        current: list[str] = []
        for unit in tokenize(chunk):
            if unit is BREAK:
                if current:
                    terms.append(current)
                current = []
            else:
                current.append(unit)
        if current:
            terms.append(current)
    return terms


def bigram_offsets(length: int) -> list[int]:
    """Offsets of the bigrams that cover a term of `length` units: abcd needs ab@p and cd@p+2 only."""
    offsets = list(range(0, length - 1, 2))
    if offsets and offsets[-1] < length - 2:
        offsets.append(length - 2)
    return offsets


def doc_units(doc: SearchDoc) -> tuple[list[str | None], int]:
    """The units of a document, title first, and how many belong to the title (for ranking)."""
    title = tokenize(doc.title)
    units = [*title]
    for value in doc.meta.values():
        units += [BREAK, *tokenize(value)]
    units += [BREAK, *tokenize(doc.text)]
    return units, len(title)
