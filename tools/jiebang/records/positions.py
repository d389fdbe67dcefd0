"""Where each value of a loaded record stands: a Document holds the data and the line and column of
every value and key, kept compactly as marks (an array of ints, stored as bytes by the record cache),
and turned into maps by path only when a diagnostic asks for a position."""

from __future__ import annotations

from array import array
from typing import Any

Path_ = tuple[str | int, ...]


class Document:
    """One parsed file: its data and where each value and key sits (1-based line, column).

    While typing, positions are recorded as `marks`, a flat array in document order (the root value;
    then each mapping entry's key and value, each list item's value, depth first): recording them costs
    an append per node, where a dictionary keyed by path tuples cost a third of the loading time, and the
    record cache stores them as they are. `locate` reads them directly; `positions`, `key_positions` and
    `containers` are built on first use. A document the loader refused part of keeps the dictionaries.
    """

    __slots__ = ("file", "data", "marks", "_maps")

    def __init__(self, file: str, data: Any, marks: array | None = None,
                 maps: tuple[dict, dict, set] | None = None) -> None:
        self.file = file  # as shown in diagnostics
        self.data = data
        self.marks = marks
        self._maps = maps if maps is not None or marks is not None else ({}, {}, set())

    @property
    def maps(self) -> tuple[dict[Path_, tuple[int, int]], dict[Path_, tuple[int, int]], set[Path_]]:
        if self._maps is None:
            self._maps = _maps_from_marks(self.data, self.marks)
        return self._maps

    @property
    def positions(self) -> dict[Path_, tuple[int, int]]:
        return self.maps[0]

    @property
    def key_positions(self) -> dict[Path_, tuple[int, int]]:
        return self.maps[1]

    @property
    def containers(self) -> set[Path_]:  # paths holding a mapping or a list
        return self.maps[2]

    def locate(self, path: Path_ = (), key: bool = True) -> tuple[int, int]:
        """Where the field at `path` is written. A plain value: its key (the issue's `14:3`, and the right
        line for a `|` block whose text starts below). A mapping or list: its first entry. Missing: the
        nearest located parent."""
        path = tuple(path)
        if self.marks is not None:
            return _locate_in_marks(self.marks, self.data, path, key)
        positions, key_positions, containers = self.maps
        if key and path in key_positions and path not in containers:
            return key_positions[path]
        while path:
            if path in positions:
                return positions[path]
            path = path[:-1]
        return positions.get((), (1, 1))


def _inner(value: Any) -> int:
    """How many marks a value's entries take, after its own."""
    if isinstance(value, dict):
        return sum(2 + _inner(item) for item in value.values())
    if isinstance(value, list):
        return sum(1 + _inner(item) for item in value)
    return 0


def _locate_in_marks(marks: array, data: Any, path: Path_, key: bool) -> tuple[int, int]:
    if not marks:
        return 1, 1  # an empty document
    node, at, key_at = data, 0, -1
    for step in path:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            index = at + 1
            for name, value in node.items():
                if name == step:
                    break
                index += 2 + _inner(value)
            key_at, at, node = index, index + 1, node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            at = at + 1 + sum(1 + _inner(item) for item in node[:step])
            key_at, node = -1, node[step]
        else:
            break  # missing: the nearest located parent
    else:
        if key and key_at >= 0 and not isinstance(node, dict | list):
            return marks[2 * key_at], marks[2 * key_at + 1]
    return marks[2 * at], marks[2 * at + 1]


def _maps_from_marks(data: Any, marks: array) -> tuple[dict, dict, set]:
    positions: dict[Path_, tuple[int, int]] = {}
    key_positions: dict[Path_, tuple[int, int]] = {}
    containers: set[Path_] = set()
    pairs = iter(zip(marks[0::2], marks[1::2]))

    def walk(value: Any, path: Path_) -> None:
        positions[path] = next(pairs)
        if isinstance(value, dict):
            containers.add(path)
            for name, item in value.items():
                key_positions[path + (name,)] = next(pairs)
                walk(item, path + (name,))
        elif isinstance(value, list):
            containers.add(path)
            for i, item in enumerate(value):
                walk(item, path + (i,))

    if marks:
        walk(data, ())
    return positions, key_positions, containers


def marks_to_bytes(marks: array) -> bytes:
    """The marks as the record cache keeps them: two bytes a number where every number fits."""
    small = not marks or max(marks) < 65536
    return (b"H" + array("H", marks).tobytes()) if small else (b"I" + marks.tobytes())


def marks_from_bytes(blob: bytes) -> array:
    found = array(chr(blob[0]))
    found.frombytes(blob[1:])
    return found
