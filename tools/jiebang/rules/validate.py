"""Validation: a content root in, a sorted list of diagnostics out. Never imports Pelican.

A record's own checks (its JSON Schema and the record checks) depend on nothing but the record and the
regulation version in force on its date, so their findings are kept with the record (`Record.findings`)
and, through the record cache, reused while both are unchanged. The tree checks (ids, lifecycles,
money across notices …) run over every record, except that those that read the tree in groups (a list
with its notices, a year's 立项) run only over the groups whose records changed (rules/scopes.py).
Where many records need their own checks, they are run in forked worker processes, which inherit the
loaded tree instead of being sent it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..records.cache import RecordCache
from ..records.content import ContentTree, Prefetched, Record, is_misnamed_yaml, load_record, load_tree
from ..records.diagnostics import Diagnostic, RecordFindings, Severity, display_path, from_rows, to_rows
from ..records.parallel import fork_map, worth_forking
from ..records.roots import find_root
from ..records.schema import schema_diagnostics
from .registry import Findings, run_record_checks
from .scopes import run_tree_checks


class ContentRootError(Exception):
    """The arguments do not name a content root (a usage error, exit 2)."""


@dataclass
class Report:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0

    @property
    def errors(self) -> int:
        return sum(d.severity == Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity == Severity.WARNING for d in self.diagnostics)


def check_tree(tree: ContentTree, loading: list[Diagnostic], workers: int | None = None,
               save: bool = True) -> list[Diagnostic]:
    """Every rule over an already loaded tree (the audit and build steps reuse the tree). With the tree
    loaded through a record cache, what the checks found is taken from it where it can be, and saved
    to it unless `save` is false."""
    versions = tree.regulations.versions
    only = versions[0].digest if len(versions) == 1 else None  # one version: no record's date to work out
    todo = [record for record in tree.records if not record.broken  # like a compiler after a syntax error
            and (record.findings is None
                 or record.findings[0] != (only or tree.regulations.in_force(record.date).digest))]
    _check_records(todo, tree, workers)
    found = list(loading)
    for record in tree.records:
        if not record.broken and (record.findings[1] or record.findings[2]):
            found += from_rows(record.file, record.findings[1] + record.findings[2])
    findings = Findings()
    run_tree_checks(tree, findings, tree.cache.memo if tree.cache is not None else None)
    if tree.cache is not None and save:
        tree.cache.save(tree)
    return found + findings.items


def check_record(record: Record, tree: ContentTree) -> RecordFindings:
    """One record's own checks: its schema, then the record checks, against the regulation of its date."""
    regulation = tree.regulations.in_force(record.date)
    cached = record.findings  # if checked before, it was against another regulation: the schema still holds
    schema = cached[1] if cached is not None else to_rows(schema_diagnostics(record.doc, record.kind))
    findings = Findings()
    run_record_checks(record, tree, findings)
    return regulation.digest, schema, to_rows(findings.items)


def _check_records(records: list[Record], tree: ContentTree, workers: int | None) -> None:
    if not worth_forking(len(records), workers):
        for record in records:
            record.findings = check_record(record, tree)
        return
    done = iter(records)
    for chunk in fork_map(_check_chunk, (records, tree), len(records), workers):
        for result in chunk:
            next(done).findings = result


def _check_chunk(shared: tuple[list[Record], ContentTree], start: int, end: int) -> list[RecordFindings]:
    records, tree = shared
    return [check_record(record, tree) for record in records[start:end]]


CacheSetting = Path | str | bool | None  # a folder; True: cache/ beside the content root; None or False: none


def open_cache(setting: CacheSetting, root: Path) -> RecordCache | None:
    if setting is None or setting is False:
        return None
    if setting is True:
        return RecordCache.beside(root)
    return RecordCache(Path(setting), root)


def validate_root(root: Path, only: list[Path] | None = None, cache: CacheSetting = None,
                  workers: int | None = None) -> tuple[ContentTree, Report]:
    """Check the whole tree under `root` (cross-record rules need it all); report on `only` if given."""
    tree, loading = load_tree(root, cache=open_cache(cache, root), workers=workers)
    if not tree.regulations:
        found = "".join("\n" + d.as_text() for d in loading if "regulation" in d.file)
        raise ContentRootError(f"{display_path(root / 'regulation')} 中没有可用的管理办法数据文件（如 2022-09-05.yaml）。{found}")
    diagnostics = check_tree(tree, loading, workers)
    count = len(tree.files) + len(tree.misnamed)
    regulation_files = sorted(path for path in (root / "regulation").iterdir()
                              if path.name.endswith(".yaml") or is_misnamed_yaml(path.name))
    if not only:
        return tree, Report(sorted(set(diagnostics), key=Diagnostic.sort_key), count + len(regulation_files))
    files = [root / rel for _, rel in tree.files] + [root / rel for rel in tree.misnamed] + regulation_files
    wanted = [p.resolve() for p in only]
    files = [f for f in files if any(f.resolve() == w or w in f.resolve().parents for w in wanted)]
    shown = {display_path(f) for f in files}
    # A crash in a whole-tree rule concerns every file, so it is never filtered away.
    diagnostics = [d for d in diagnostics if d.file in shown or d.rule == "internal.error"]
    return tree, Report(sorted(set(diagnostics), key=Diagnostic.sort_key), len(files))


def check_draft(root: Path, rel: str, raw: bytes, cache: CacheSetting = True) -> list[Diagnostic]:
    """Every rule over the tree as it would be with `raw` at `rel` (below `root`): the editor's live check.

    The same loading and checks as `validate_root`; the draft's bytes replace the file's only in memory,
    and the cache is read but not written, so nothing that is not on disk is ever remembered. Through the
    cache, only the draft's list has its lifecycle checked again (rules/scopes.py), as after a save."""
    tree, loading = load_tree(root, cache=open_cache(cache, root))
    kind = "list" if rel.startswith("lists/") else "result"
    loaded = load_record(root, kind, rel, Prefetched(raw, (0, 0, 0, 0)))
    shown = display_path(root / rel)
    loading = [d for d in loading if d.file != shown] + loaded.problems
    records = tree.lists if kind == "list" else tree.results
    records[:] = [r for r in records if r.rel != rel] + ([loaded.record] if loaded.record else [])
    records.sort(key=lambda r: r.rel)
    if (kind, rel) not in tree.files:
        tree.files.append((kind, rel))
    return sorted(set(check_tree(tree, loading, workers=1, save=False)), key=Diagnostic.sort_key)


def validate_paths(paths: list[Path], root: Path | None = None) -> list[Diagnostic]:
    """Diagnostics for `paths` (files or folders inside a content root, or roots themselves)."""
    return validate(paths, root).diagnostics


def validate(paths: list[Path], root: Path | None = None, cache: CacheSetting = None,
             workers: int | None = None) -> Report:
    """Check the content roots `paths` name. `cache`: a folder for the record cache, True for `cache/`
    beside each content root (what `jiebang validate` does), None for none. `workers`: processes for
    large trees (default: every core the process may use; 1: this process only)."""
    groups: dict[Path, list[Path]] = {}
    for path in paths or [Path("content")]:
        if not path.exists():
            raise ContentRootError(f"找不到 {path}。")
        found = root.resolve() if root else find_root(path)
        if found is None:
            raise ContentRootError(f"{path} 不在内容目录中：内容目录应包含 lists/、results/ 和 regulation/ 子目录。")
        groups.setdefault(found, [])
        if path.resolve() != found:
            groups[found].append(path)
    report = Report()
    for found, only in groups.items():
        _, part = validate_root(found, only or None, cache, workers)
        report.diagnostics += part.diagnostics
        report.files += part.files
    return report
