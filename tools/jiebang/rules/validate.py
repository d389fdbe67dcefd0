"""Validation: a content root in, a sorted list of diagnostics out. Never imports Pelican."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..records.content import ContentTree, load_tree, record_files
from ..records.diagnostics import Diagnostic, Severity, display_path
from ..records.schema import schema_diagnostics
from .registry import Findings, run_record_checks, run_tree_checks


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


def is_content_root(folder: Path) -> bool:
    return (folder / "regulation").is_dir() and ((folder / "lists").is_dir() or (folder / "results").is_dir())


def find_root(path: Path) -> Path | None:
    path = path.resolve()
    for folder in [path, *path.parents]:
        if folder.is_dir() and is_content_root(folder):
            return folder
    return None


def check_tree(tree: ContentTree, loading: list[Diagnostic]) -> list[Diagnostic]:
    """Every rule over an already loaded tree (the audit and build steps reuse the tree)."""
    found = list(loading)
    findings = Findings()
    for record in tree.records:
        if record.broken:
            continue  # like a compiler after a syntax error: the rest would be noise
        found += schema_diagnostics(record.doc, record.kind)
        run_record_checks(record, tree, findings)
    run_tree_checks(tree, findings)
    return found + findings.items


def validate_root(root: Path, only: list[Path] | None = None) -> tuple[ContentTree, Report]:
    """Check the whole tree under `root` (cross-record rules need it all); report on `only` if given."""
    tree, loading = load_tree(root)
    if not tree.regulations:
        found = "".join("\n" + d.as_text() for d in loading if "regulation" in d.file)
        raise ContentRootError(f"{display_path(root / 'regulation')} 中没有可用的管理办法数据文件（如 2022-09-05.yaml）。{found}")
    diagnostics = check_tree(tree, loading)
    files = [path for _, path in record_files(root)] + sorted((root / "regulation").glob("*.yaml"))
    if only:
        wanted = [p.resolve() for p in only]
        files = [f for f in files if any(f.resolve() == w or w in f.resolve().parents for w in wanted)]
        shown = {display_path(f) for f in files}
        # A crash in a whole-tree rule concerns every file, so it is never filtered away.
        diagnostics = [d for d in diagnostics if d.file in shown or d.rule == "internal.error"]
    return tree, Report(sorted(set(diagnostics), key=Diagnostic.sort_key), len(files))


def validate_paths(paths: list[Path], root: Path | None = None) -> list[Diagnostic]:
    """Diagnostics for `paths` (files or folders inside a content root, or roots themselves)."""
    return validate(paths, root).diagnostics


def validate(paths: list[Path], root: Path | None = None) -> Report:
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
        _, part = validate_root(found, only or None)
        report.diagnostics += part.diagnostics
        report.files += part.files
    return report
