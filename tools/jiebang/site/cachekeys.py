"""What the build's keys are made of: values stated so they can be hashed, the package's version, the
settings that shape output, and the walk of a folder's files.

A key is the SHA-256 of json's statement of its parts (json's C encoder, so that keying hundreds of
thousands of files is cheap); what json cannot write itself is stated by `stated`, tagged by its type.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

FORMAT = 1  # of the cache's manifest and keys: part of the code's version

# Settings that say where things are, not what they contain (the contents are keyed on their own),
# and the build's own state the builder hands the generator (its cache, the list its warnings go to).
LOCATION_SETTINGS = {"PATH", "OUTPUT_PATH", "THEME", "CACHE_PATH", "JIEBANG_CACHE_PATH", "PELICAN_CLASS",
                     "JIEBANG_OUTPUT_CACHE", "JIEBANG_NOTES"}


class Uncacheable(Exception):
    """A value whose content cannot be stated: the file that depends on it is always made afresh."""


# A value json cannot write itself is written as [TAG + its type, what it holds]. Records never hold a
# control character (the loader refuses them), so no text of theirs can pass for a tag.
TAG = "\x00"


def stated(value: Any) -> Any:
    """json's `default`: a value it cannot write, as one it can, tagged by its type (no addresses, no ids,
    the same in every process); a value whose content cannot be stated raises Uncacheable."""
    if isinstance(value, Decimal | date | datetime):
        return [TAG + type(value).__name__, str(value)]
    if isinstance(value, set | frozenset):
        return [TAG + "set", sorted(value, key=repr)]
    if isinstance(value, Path):
        return [TAG + "path", str(value)]
    if callable(value) and hasattr(value, "__qualname__"):
        return [TAG + "callable", f"{getattr(value, '__module__', '')}.{value.__qualname__}"]
    if is_dataclass(value) and not isinstance(value, type):
        return [TAG + type(value).__name__, [[f.name, getattr(value, f.name)] for f in fields(value)]]
    raise Uncacheable(type(value).__name__)


def canonical(value: Any, default: Callable[[Any], Any] = stated) -> Any:
    """`value` with every part json cannot write replaced by `default`'s statement of it, mappings as
    lists of pairs (so their keys may be anything): json's own encoder does this in C, and this is
    its slow twin for the mappings it refuses."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return ["dict", [[canonical(k, default), canonical(v, default)] for k, v in value.items()]]
    if isinstance(value, list | tuple):
        return [type(value).__name__, [canonical(v, default) for v in value]]
    return canonical(default(value), default)


def digest_of(*parts: Any, default: Callable[[Any], Any] = stated) -> str:
    """The SHA-256 of `parts`' statement. A list and a tuple of the same items state alike, as do a
    mapping's number keys and their digits: which of the two a field holds is the code's choice, and
    the code's version is in every key."""
    try:
        text = "".join(_encoder(default)(parts, 0))
    except TypeError:  # a mapping keyed by something json cannot write (a date, a tuple)
        text = json.dumps(canonical(parts, default), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=2)  # one per `default`: the module's and the running build's Fingerprints'
def _encoder(default: Callable[[Any], Any]) -> Callable[[Any, int], Any]:
    """json.dumps(value, default=default, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    as its C encoder, made once: json.dumps makes an encoder object and a C encoder for every call,
    which was most of the cost of keying 800,000 files and fragments at national scale. The encoder
    gives the text's chunks (a test compares them with json.dumps)."""
    if json.encoder.c_make_encoder is None:  # a Python without json's C speedups
        return lambda value, _: [json.dumps(value, default=default, ensure_ascii=False, separators=(",", ":"),
                                            check_circular=False)]
    return json.encoder.c_make_encoder(None, default, json.encoder.encode_basestring, None, ":", ",", False, False,
                                       True)


def tree_entries(folder: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """Every file below `folder`, by its path relative to it (with "/"), and its directory entry;
    os.scandir, not pathlib, because a national site has hundreds of thousands."""
    pending = [("", str(folder))]
    while pending:
        prefix, where = pending.pop()
        with os.scandir(where) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    yield prefix + entry.name, entry


def tree_files(folder: Path) -> dict[str, os.stat_result]:
    """Every file below `folder` and its status."""
    return {name: entry.stat(follow_symlinks=False) for name, entry in tree_entries(folder)}


def tree_names(folder: Path) -> list[str]:
    """Every file below `folder`, without asking for its status: a directory entry says whether it is
    a folder, so there is no system call per file."""
    return [name for name, _ in tree_entries(folder)]


def tree_digest(folder: Path, suffixes: Iterable[str] | None = None) -> str:
    """Every file below `folder` (name and bytes), in a stable order."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        if suffixes is None or path.suffix in suffixes:
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@cache
def code_version() -> str:
    """This package's source and data, and the libraries that shape what it writes: read once a
    process, since a running build (or `jiebang serve`) runs the code it imported, whatever is on disk."""
    package = Path(str(resources.files("jiebang")))
    libraries = [f"{name}={metadata.version(name)}" for name in
                 ("pelican", "Jinja2", "Markdown", "nh3", "feedgen", "icalendar", "openpyxl", "PyYAML", "pypinyin")]
    return digest_of(FORMAT, tree_digest(package, {".py", ".json"}), libraries, sys.version_info[:2])


def settings_digest(settings: dict) -> str:
    """The settings that shape output; values Pelican adds that cannot be stated make no cache at all."""
    stated = {}
    for key in sorted(k for k in settings if k.isupper() and k not in LOCATION_SETTINGS):
        try:
            stated[key] = canonical(settings[key])
        except Uncacheable:
            stated[key] = ["unstated", type(settings[key]).__name__]
    return digest_of(stated)
