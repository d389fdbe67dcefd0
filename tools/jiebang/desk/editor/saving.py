"""Saving a record the way a person edits a file: ruamel.yaml's round trip keeps the comments, the key
order, the quoting and block style of untouched values and the `# yaml-language-server: $schema=…` line;
only the values that changed are rewritten, and a new key goes where the schema puts it.

A save is atomic (a temporary file beside the record, then a rename) and never overwrites a change
made on disk since the file was opened: the caller passes the sha256 of the bytes it opened (`base`)
and gets a Conflict carrying the disk's version instead. What is written is read back with the
project's own loader first; a text that would not read back as the record typed is not written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from ...records.load import parse_document
from ...records.schema import SCHEMAS
from ..yamlwriter import SCHEMA_LINE
from .forms import is_markdown, kind_properties

_lock = threading.Lock()  # one save at a time: the conflict check and the rename are one step


class SaveError(Exception):
    """The record cannot be saved; the message is Chinese."""


@dataclass
class Conflict(Exception):
    """The file changed on disk since it was opened."""

    disk_text: str | None  # None: it was removed
    disk_digest: str


def digest(raw: bytes | None) -> str:
    return hashlib.sha256(raw).hexdigest() if raw is not None else ""


def _yaml() -> YAML:
    yaml = YAML()  # round trip
    yaml.width = 4096  # never fold a long Chinese line: a folded line reads back with a space in it
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(Decimal, _decimal)
    return yaml


def _decimal(representer: Any, value: Decimal) -> Any:
    # 万元 amounts are Decimal, never float (DESIGN.md): written as their exact digits.
    text = format(value, "f")
    return representer.represent_scalar("tag:yaml.org,2002:" + ("float" if "." in text else "int"), text)


def record_text(kind: str, old_text: str | None, old: dict, new: dict) -> str:
    """The file's new text: `old_text` with the values that differ between `old` and `new` replaced."""
    yaml = _yaml()
    schema = SCHEMAS[kind]
    if old_text:
        try:
            doc = yaml.load(old_text)
        except YAMLError as exc:
            raise SaveError(f"文件本身无法解析，请先在文本编辑器中修正：{exc}") from None
        if not isinstance(doc, CommentedMap):
            raise SaveError("文件内容不是一条记录（顶层应为键值对）。")
    else:
        doc = CommentedMap()
    _merge(doc, old, new, kind_properties(schema, new.get("kind")))
    out = io.StringIO()
    yaml.dump(doc, out)
    text = out.getvalue()
    if not text.startswith("# yaml-language-server:"):
        text = SCHEMA_LINE.format(name=f"{kind}.schema.json") + "\n" + text
    return text


def _merge(doc: CommentedMap, old: dict, new: dict, props: dict) -> None:
    for key in [k for k in doc if k not in new]:
        del doc[key]
    for key, value in new.items():
        node = props.get(key, {})
        before = old.get(key) if isinstance(old, dict) else None
        if key in doc and before == value and type(before) is type(value):
            continue  # untouched: keep its text, quoting and comments as they are
        if key in doc and isinstance(value, dict) and isinstance(doc[key], CommentedMap):
            _merge(doc[key], before if isinstance(before, dict) else {}, value, node.get("properties", {}))
        elif key in doc and isinstance(value, list) and isinstance(doc[key], CommentedSeq):
            _merge_list(doc[key], before if isinstance(before, list) else [], value, node.get("items", {}))
        elif key in doc:
            doc[key] = _fresh(value, node)
        else:
            doc.insert(_position(doc, key, props), key, _fresh(value, node))


def _merge_list(seq: CommentedSeq, old: list, new: list, items: dict) -> None:
    del seq[len(new) :]
    for i, value in enumerate(new):
        before = old[i] if i < len(old) else None
        if i < len(seq) and before == value:
            continue
        if i < len(seq) and isinstance(value, dict) and isinstance(seq[i], CommentedMap):
            _merge(seq[i], before if isinstance(before, dict) else {}, value, items.get("properties", {}))
        elif i < len(seq):
            seq[i] = _fresh(value, items)
        else:
            seq.append(_fresh(value, items))


def _position(doc: CommentedMap, key: str, props: dict) -> int:
    """Where a new key goes: after the last present key that the schema lists before it."""
    order = list(props)
    if key not in order:
        return len(doc)
    earlier = set(order[: order.index(key)])
    keys = list(doc)
    last = max((i for i, k in enumerate(keys) if k in earlier), default=-1)
    return last + 1


def _fresh(value: Any, node: dict) -> Any:
    if isinstance(value, dict):
        props = node.get("properties", {})
        made = CommentedMap()
        for key in [k for k in props if k in value] + [k for k in value if k not in props]:
            made[key] = _fresh(value[key], props.get(key, {}))
        return made
    if isinstance(value, list):
        items = node.get("items", {}) if isinstance(node.get("items"), dict) else {}
        return CommentedSeq(_fresh(v, items) for v in value)
    if isinstance(value, str):
        if node.get("format") == "date":
            try:
                return dt.date.fromisoformat(value) if len(value) == 10 else value
            except ValueError:
                return value
        if "\n" in value.rstrip("\n") or is_markdown(node):
            return LiteralScalarString(value)
    return value


def save_record(path: Path, kind: str, new: dict, base: str) -> str:
    """Write `new` to `path`; `base` is the sha256 of the bytes the editor opened ("" for a new file).
    Returns the sha256 of what was written. Conflict if the file is not as opened; SaveError if the
    text would not read back as `new`."""
    with _lock:
        raw = path.read_bytes() if path.exists() else None
        if digest(raw) != base:
            raise Conflict(raw.decode("utf-8", "replace") if raw is not None else None, digest(raw))
        old_text = raw.decode("utf-8") if raw is not None else None
        old = _data(old_text, path, kind) if old_text else {}
        text = record_text(kind, old_text, old, new)
        if _data(text, path, kind) != new:
            raise SaveError("保存后的文件读回来与表单内容不一致，未保存。请把此情况告诉维护人员。")
        encoded = text.encode("utf-8")
        atomic_write(path, encoded)
        return digest(encoded)


def _data(text: str, path: Path, kind: str) -> dict:
    doc, problems = parse_document(text.encode("utf-8"), str(path), SCHEMAS[kind])
    if doc is None or not isinstance(doc.data, dict):
        raise SaveError("文件本身无法解析，请先在文本编辑器中修正：" + "；".join(d.message for d in problems))
    return doc.data


def atomic_write(path: Path, data: bytes) -> None:
    """A temporary file beside `path`, flushed to disk, then renamed over it: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
