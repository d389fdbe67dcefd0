"""Record ids: one file per id, named by it, under its year (integrity)."""

from __future__ import annotations

import os

from ..records.content import ContentTree, Record, id_year, is_misnamed_yaml
from ..records.diagnostics import display_path
from .registry import ERROR, Findings, Scope, declare, record_check, tree_check
from .scopes import group_of

FILENAME = declare("id.filename", ERROR, "完整性", "编号与文件名不同，或文件扩展名不是 .yaml")
DUPLICATE = declare("id.duplicate", ERROR, "完整性", "两条记录编号相同")
YEAR_FOLDER = declare("id.year_folder", ERROR, "完整性", "文件不在其年份目录下")



@record_check()
def id_matches_file(record: Record, regulation, tree, findings: Findings) -> None:
    value = record.data.get("id")
    if not isinstance(value, str):
        return  # schema.required / schema.type already say so
    if value != record.path.stem:
        findings.add(FILENAME, record, ("id",),
                     f"编号 {value} 与文件名 {record.path.name} 不一致：文件应命名为 {value}.yaml（编号发布后不得更改）。")
    year = id_year(value)
    if year and record.path.parent.name != year:
        findings.add(YEAR_FOLDER, record, ("id",),
                     f"编号 {value} 属于 {year} 年，文件却在 {record.path.parent.name}/ 目录下："
                     f"应放在 {record.path.parent.parent.name}/{year}/ 中。")


def _own_id(record: Record) -> str | None:
    value = record.data.get("id")
    return value if isinstance(value, str) else None


# Not a scope to run the check by (ninety thousand groups of one cost more to key than to check), but
# each record's id kept with it, so that an unchanged record's data is not read to know it.
BY_ID = Scope("id", _own_id)


@tree_check
def ids_unique(tree: ContentTree, findings: Findings) -> None:
    seen: dict[str, Record] = {}
    for record in tree.records:
        value = group_of(BY_ID, record)
        if value is None:
            continue
        first = seen.setdefault(value, record)
        if first is not record:
            findings.add(DUPLICATE, record, ("id",), f"编号 {value} 已被 {first.file} 使用；每条记录的编号必须唯一。")


_WHAT = {"lists": "其中的榜单不会发布", "results": "其中的公告不会发布", "regulation": "其中的管理办法数据不会生效"}


@tree_check
def files_named_yaml(tree: ContentTree, findings: Findings) -> None:
    """A record saved as .yml or .YAML is read by no one: say so, or the list is silently never published."""
    try:
        regulation = sorted(name for name in os.listdir(tree.root / "regulation") if is_misnamed_yaml(name))
    except OSError:
        regulation = []
    for rel in [*tree.misnamed, *(f"regulation/{name}" for name in regulation)]:
        name = rel.rsplit("/", 1)[-1]
        findings.add_file(FILENAME, display_path(tree.root / rel),
                          f"文件扩展名不是 .yaml，jiebang 不读取这个文件，{_WHAT[rel.split('/', 1)[0]]}："
                          f"请重命名为 {name.rsplit('.', 1)[0]}.yaml。")
