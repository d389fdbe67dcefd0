"""What a build keeps of its templates between builds: Jinja's compiled code, and the names each reads.

Compiling the theme and parsing it again for the names its pages read (fingerprints.py) is half a
small site's rebuild, and the theme hardly ever changes. Both are functions of a template's source and
of the environment's compile-time configuration (delimiters, whitespace control, extensions,
autoescaping, Jinja's release), so both are keyed by those; the site's bytes never come from here, only
code that Jinja would compile anyway. A compiled file carries the SHA-256 of its code: one that is
damaged is compiled again, never run.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import Environment, meta
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from .memofile import read_memo, write_atomically, write_memo

MEMO = "inputs.json"


def _configuration(env: Environment, name: str | None = None) -> str:
    """Everything besides a template's source that shapes the code Jinja makes of it."""
    autoescape = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    finalize = getattr(env.finalize, "__qualname__", repr(env.finalize)) if env.finalize else None
    stated = [jinja2.__version__, env.block_start_string, env.block_end_string, env.variable_start_string,
              env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
              env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
              env.keep_trailing_newline, sorted(env.extensions), bool(autoescape), env.optimized, finalize,
              env.is_async, env.code_generator_class.__qualname__]
    return hashlib.sha256(repr(stated).encode("utf-8")).hexdigest()


class CheckedBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file cache, keyed also by the environment's configuration, each file checksummed."""

    def __init__(self, folder: Path, env: Environment) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder), "%s.jinja")
        self.env = env

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{name}|{filename}|{_configuration(self.env, name)}".encode()).hexdigest()

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with open(self._get_cache_filename(bucket), "rb") as handle:
                digest, data = handle.read(32), handle.read()
            if hashlib.sha256(data).digest() == digest:
                bucket.load_bytecode(io.BytesIO(data))
        except Exception:  # noqa: BLE001 - anything wrong with a kept file means compiling afresh
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = io.BytesIO()
        bucket.write_bytecode(code)
        data = code.getvalue()
        write_atomically(Path(self._get_cache_filename(bucket)), hashlib.sha256(data).digest() + data)


class TemplateMemo:
    """What each template source reads (its free names) and refers to (the templates it extends,
    includes or imports), by the SHA-256 of the source and the configuration it is parsed under."""

    def __init__(self, path: Path | None, env: Environment) -> None:
        self.path, self.env = path, env
        self.maker = f"jinja2 {_configuration(env)}"
        self.known: dict[str, list] = read_memo(path, self.maker) or {}
        self.changed = False

    def parsed(self, source: str) -> tuple[list[str], list[str | None]]:
        key = hashlib.sha256(source.encode("utf-8")).hexdigest()
        found = self.known.get(key)
        if not (isinstance(found, list) and len(found) == 2):
            ast = self.env.parse(source)
            found = [sorted(meta.find_undeclared_variables(ast)), list(meta.find_referenced_templates(ast))]
            self.known[key] = found
            self.changed = True
        return found[0], found[1]

    def keep(self) -> None:
        if self.changed and write_memo(self.path, self.maker, self.known):
            self.changed = False


def attach(env: Environment, folder: Path | None) -> None:
    """Give `env` the compiled code and the parse memo kept under `folder` (None: neither is kept)."""
    if folder is not None:
        try:
            env.bytecode_cache = CheckedBytecodeCache(folder, env)
        except OSError:
            folder = None
    env.__dict__["_jiebang_memo"] = TemplateMemo(folder / MEMO if folder else None, env)


def prune(env: Environment) -> None:
    """Remove the compiled files no template of the theme would load now: those of templates since
    removed or renamed, and those compiled under an earlier configuration (another Jinja, other
    delimiters or whitespace settings), which the folder would otherwise keep for ever."""
    cache = env.bytecode_cache
    if not isinstance(cache, CheckedBytecodeCache) or env.loader is None:
        return
    try:
        names = env.list_templates()
    except TypeError:  # a loader that cannot list its templates: keep everything
        return
    wanted = set()
    for name in names:
        try:
            _, filename, _ = env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            continue
        wanted.add(cache.pattern % cache.get_cache_key(name, filename))
    folder = Path(cache.directory)
    for path in folder.glob(cache.pattern % "*"):
        if path.name not in wanted:
            path.unlink(missing_ok=True)


def memo_of(env: Environment) -> TemplateMemo:
    memo: Any = env.__dict__.get("_jiebang_memo")
    if memo is None:
        memo = env.__dict__["_jiebang_memo"] = TemplateMemo(None, env)
    return memo
