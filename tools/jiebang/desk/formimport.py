"""Import 征集表 files and folders as list records: the one entry point (`import_paths`) for the CLI and
the editor alike — paths in, an `ImportReport` out, nothing printed.

Every file is recognised by its bytes (jiebang.desk.officefiles), old formats converted with LibreOffice
in one call, each form read (jiebang.desk.wordform), optionally cross-checked against the county's
附件2 汇总表, and written to content/lists/<year>/<id>.yaml under the next free id — never over an existing
file, and never a second time: a form whose demander and title are already in a record is reported as
imported before. A file that fails costs only itself. The 联系人 手机/邮箱 never enter a record
(DESIGN.md privacy, 《政府信息公开条例》第十五条).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..records.diagnostics import Diagnostic
from ..records.schema import SCHEMAS
from ..rules.validate import validate_paths
from . import scaffold
from .crosscheck import FormRef, cross_check
from .formtable import FormError, comparable
from .officefiles import MAX_BYTES, Kind, OfficeError, convert, sniff
from .scaffold import ScaffoldError
from .summarytable import SummaryError, SummaryTable, read_summary
from .wordform import FormData, list_record, read_forms
from .yamlwriter import render_list_yaml

IMPORTED, DUPLICATE, SKIPPED, FAILED = "已导入", "已导入过", "跳过", "失败"
WORD_SUFFIXES = {".doc", ".docx", ".docm", ".dot", ".dotx", ".wps", ".wpt", ".rtf"}


@dataclass
class Written:
    """One record written: its id and file, the form it came from, what to check, what validate says."""

    list_id: str
    path: Path
    form: FormData
    notes: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)  # schema titles still holding “（请填写：…）”
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class FileOutcome:
    source: Path
    status: str = IMPORTED  # IMPORTED, DUPLICATE, SKIPPED or FAILED
    message: str = ""  # why it was skipped or failed, or which records it duplicates (Chinese)
    written: list[Written] = field(default_factory=list)


@dataclass
class ImportReport:
    files: list[FileOutcome] = field(default_factory=list)
    summary: SummaryTable | None = None
    summary_error: str = ""  # the 汇总表 could not be read
    findings: list[str] = field(default_factory=list)  # the 汇总表 cross-check, one Chinese line each
    environment: list[str] = field(default_factory=list)  # e.g. LibreOffice missing: said once

    @property
    def failed(self) -> bool:
        """Exit 1: a file failed, the 汇总表 was unreadable, or it disagrees with the forms."""
        return bool(self.summary_error or self.findings or any(f.status == FAILED for f in self.files))

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.files if outcome.status == status)

    @property
    def records(self) -> int:
        return sum(len(outcome.written) for outcome in self.files)


@dataclass
class _Candidate:
    outcome: FileOutcome
    kind: Kind
    readable: Path | None = None  # the .docx to read: the file itself or its converted copy


def collect(paths: list[Path], summary: Path | None = None) -> list[tuple[Path, bool]]:
    """Each file to consider, and whether it was named (True) or found in a folder (False).

    Folders are walked recursively in name order; the 汇总表 itself, if it lies among the forms, is left out.
    """
    skip = summary.resolve() if summary else None
    found: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            # As Explorer lists them: a folder's own files first, “征集表.docx” before “征集表 - 副本.docx”.
            inner = sorted(
                (p for p in path.rglob("*") if p.is_file()), key=lambda p: (p.parent.parts, p.stem, p.suffix)
            )
            found.extend((p, False) for p in inner if p.resolve() != skip)
        else:
            found.append((path, True))
    return found


def _classify(path: Path, named: bool) -> _Candidate:
    outcome = FileOutcome(path)
    if not named and path.name.startswith(("~$", ".~lock", ".")):
        # Word's and WPS's owner files (~$征集表.docx), LibreOffice's locks, .DS_Store: left behind when a
        # folder is zipped with a form still open; never a form, so they must not fail the import.
        outcome.status, outcome.message = SKIPPED, "Word、WPS 或系统的临时文件。"
        return _Candidate(outcome, Kind.UNKNOWN)
    try:
        if not path.is_file():
            raise FileNotFoundError
        if path.stat().st_size > MAX_BYTES:
            outcome.status, outcome.message = FAILED, "文件超过 50 MB，不像是一份征集表。"
            return _Candidate(outcome, Kind.UNKNOWN)
        kind = sniff(path)
    except FileNotFoundError:
        outcome.status, outcome.message = FAILED, "文件不存在。"
        return _Candidate(outcome, Kind.UNKNOWN)
    except OSError as exc:
        outcome.status, outcome.message = FAILED, f"无法读取（{exc.strerror or exc}）。"
        return _Candidate(outcome, Kind.UNKNOWN)
    if kind is Kind.ENCRYPTED:
        outcome.status, outcome.message = FAILED, "设置了打开密码，请在 Word 或 WPS 中取消密码后再导入。"
    elif kind is Kind.DAMAGED:
        outcome.status, outcome.message = (
            FAILED,
            ("文件已损坏，无法打开；请向报送单位重新索取，或在 Word 或 WPS 中打开后另存为 .docx 再导入。"),
        )
    elif not kind.is_word:
        if kind.is_sheet:
            message = "是表格文件，不是征集表（汇总表请用 --summary 指定）。"
        else:
            message = "不是 Word 或 WPS 文字文档（.docx、.doc、.wps）；如确是征集表，请在 Word 或 WPS 中打开并另存为 .docx 后再导入。"
        # A stray PDF or picture in a county's folder is normal; a file named on the command line, or
        # named like a Word file, was meant to be a form.
        meant = named or path.suffix.lower() in WORD_SUFFIXES
        outcome.status, outcome.message = (FAILED if meant else SKIPPED), message
    return _Candidate(outcome, kind, readable=path if kind is Kind.DOCX else None)


def _convert_all(
    candidates: list[_Candidate], extra: list[tuple[Path, Kind]], workdir: Path, report: ImportReport
) -> dict[Path, Path | str]:
    """Convert what needs LibreOffice in one go; `extra` is the 汇总表 when it is old-format.
    Returns each converted source → its .docx/.xlsx copy, or the Chinese reason it has none."""
    todo = [
        (c.outcome.source, c.kind)
        for c in candidates
        if c.outcome.status == IMPORTED and c.kind.needs_conversion
    ]
    todo += extra
    if not todo:
        return {}
    try:
        done = convert(todo, workdir)
    except OfficeError as exc:
        report.environment.append(str(exc))
        return {source: "需要 LibreOffice 才能读取此格式（见上方说明）。" for source, _ in todo}
    return {item.source: item.path or item.problem for item in done}


def _known_records(lists_dir: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(title, demander) compared without spaces and punctuation → (id, 主管单位) of the record holding them."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for path in sorted(lists_dir.rglob("*.yaml")) if lists_dir.is_dir() else []:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # validate reports such files; they cannot hold a form we are about to import
        if isinstance(data, dict) and isinstance(data.get("demander"), dict):
            key = (comparable(str(data.get("title", ""))), comparable(str(data["demander"].get("name", ""))))
            seen.setdefault(key, (str(data.get("id") or path.stem), str(data.get("competent_unit") or "")))
    return seen


def _already(form: FormData, known: dict[tuple[str, str], tuple[str, str]], *, who: bool) -> str:
    """“…已导入为 JDZ-…，未重复导入”, and what the 汇总表 says that the existing record lacks."""
    list_id, unit = known[_dedup_key(form)]
    text = f"“{form.title}”" + (f"（{form.demander}）" if who else "") + f"已导入为 {list_id}，未重复导入"
    if form.competent_unit and form.competent_unit != unit:
        # Never rewrite an existing record (it may be published: audit.change_note); say what to add.
        text += f"；汇总表的主管单位“{form.competent_unit}”未写入该记录，如需要请在其中填写 competent_unit"
    return text


def _dedup_key(form: FormData) -> tuple[str, str]:
    return comparable(form.title), comparable(form.demander)


def import_paths(
    paths: list[Path],
    root: Path,
    *,
    published: dt.date | None = None,
    deadline: dt.date | None = None,
    summary: Path | None = None,
) -> ImportReport:
    """Import every 征集表 in `paths` (files or folders) into the content root `root`.

    `published` decides the ids' year (default: this year) and the regulation in force; `summary` is the
    county's 附件2 汇总表 to cross-check against, whose 主管单位 goes into each matched record.
    ScaffoldError when the root has no regulation in force (a usage error: nothing is read or written).
    """
    paths, root = [Path(p) for p in paths], Path(root)
    summary = Path(summary) if summary is not None else None
    regulation = scaffold.regulation_in_force(root, published or dt.date.today())
    report = ImportReport()
    candidates = [_classify(path, named) for path, named in collect(paths, summary)]
    report.files = [c.outcome for c in candidates]
    with tempfile.TemporaryDirectory(prefix="jiebang-import-") as work:
        summary_kind = _summary_kind(summary, report)
        extra = (
            [(summary, summary_kind)] if summary and summary_kind and summary_kind.needs_conversion else []
        )
        converted = _convert_all(candidates, extra, Path(work), report)
        forms: list[tuple[_Candidate, list[FormData]]] = []
        for candidate in candidates:
            read = _read(candidate, converted)
            if read is not None:
                forms.append((candidate, read))
        if summary and summary_kind:
            _check_summary(report, summary, summary_kind, converted, [f for _, group in forms for f in group])
    _write_all(report, forms, root, regulation, published, deadline)
    return report


def _read(candidate: _Candidate, converted: dict[Path, Path | str]) -> list[FormData] | None:
    outcome = candidate.outcome
    if outcome.status != IMPORTED:
        return None
    readable = candidate.readable or converted.get(outcome.source)
    if not isinstance(readable, Path):
        outcome.status, outcome.message = FAILED, str(readable or "无法转换。")
        return None
    try:
        return read_forms(readable, source=outcome.source)
    except FormError as exc:
        outcome.status, outcome.message = FAILED, exc.message  # the per-file line names the file
        return None


def _summary_kind(summary: Path | None, report: ImportReport) -> Kind | None:
    if summary is None:
        return None
    try:
        kind = sniff(summary)
    except OSError:
        report.summary_error = f"汇总表《{summary.name}》不存在或无法读取。"
        return None
    if not (kind.is_sheet or kind.is_word):
        report.summary_error = f"汇总表《{summary.name}》不是 Excel、WPS 表格或 Word 文件。"
        return None
    return kind


def _check_summary(
    report: ImportReport, summary: Path, kind: Kind, converted: dict, forms: list[FormData]
) -> None:
    readable = converted.get(summary, summary) if kind.needs_conversion else summary
    if not isinstance(readable, Path):
        report.summary_error = f"汇总表《{summary.name}》：{readable}"
        return
    try:
        table = read_summary(readable, kind_is_sheet=kind.is_sheet, source=summary)
    except SummaryError as exc:
        report.summary_error = str(exc)
        return
    report.summary = table
    # A form sent twice (a “副本” beside the original) is one requirement: check it once, fill in both.
    firsts: dict[tuple[str, str], int] = {}
    for index, form in enumerate(forms):
        firsts.setdefault(_dedup_key(form), index)
    unique = list(firsts.values())
    refs = [
        FormRef(forms[i].source, forms[i].title, forms[i].industry, forms[i].part, forms[i].parts)
        for i in unique
    ]
    check = cross_check(table, refs)
    report.findings = check.findings
    for ref_index, row in check.matches.items():
        key = _dedup_key(forms[unique[ref_index]])
        for form in forms:
            if _dedup_key(form) == key:
                form.competent_unit = table.unit_for(row)


def _write_all(
    report: ImportReport,
    forms: list[tuple[_Candidate, list[FormData]]],
    root: Path,
    regulation: dict,
    published: dt.date | None,
    deadline: dt.date | None,
) -> None:
    lists_dir = root / "lists"
    known = _known_records(lists_dir)
    year = (published or dt.date.today()).year
    for candidate, group in forms:
        outcome = candidate.outcome
        dups = [form for form in group if _dedup_key(form) in known]
        if len(dups) == len(group):
            outcome.status = DUPLICATE
            outcome.message = "；".join(_already(form, known, who=True) for form in dups) + "。"
            continue
        for form in group:
            if _dedup_key(form) in known:
                continue  # one form of a compiled file imported before: the rest still come in
            try:
                written = _write(form, root, year, regulation, published, deadline)
            except ScaffoldError as exc:
                outcome.status, outcome.message = FAILED, str(exc)
                break
            known[_dedup_key(form)] = (written.list_id, form.competent_unit)
            outcome.written.append(written)
        if dups and outcome.status != FAILED:
            outcome.message = "；".join(_already(form, known, who=False) for form in dups) + "。"


def _write(
    form: FormData,
    root: Path,
    year: int,
    regulation: dict,
    published: dt.date | None,
    deadline: dt.date | None,
) -> Written:
    schema = SCHEMAS["list"]
    prefix = str(scaffold.regulation_value(regulation, "id_prefix", "JDZ"))
    lists_dir = root / "lists"
    notes: list[str] = []

    def text_for(list_id: str) -> str:
        record, found = list_record(
            form,
            list_id=list_id,
            regulation=regulation,
            schema=schema,
            published=published,
            deadline=deadline,
            competent_unit=form.competent_unit,
        )
        notes[:] = found
        return render_list_yaml(record, schema)

    list_id, path = scaffold.write_with_next_id(
        lambda: scaffold.next_list_id(lists_dir, prefix, year),
        lambda list_id: lists_dir / str(year) / f"{list_id}.yaml",
        text_for,
    )
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Written(
        list_id=list_id,
        path=path,
        form=form,
        notes=notes,
        todo=scaffold.placeholders_in(record, schema),
        diagnostics=validate_paths([path], root),
    )
