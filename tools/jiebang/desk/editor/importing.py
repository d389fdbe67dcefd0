"""导入征集表 from the editor: an uploaded Word form through the office import's entry point
(`wordform.read_forms`, which decides which formats it reads), each form written as the next list id the
way `jiebang import` writes it. The upload is kept in a private temporary folder, removed afterwards."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path, PurePath

from ...records.schema import SCHEMAS
from .. import scaffold
from ..wordform import FormError, list_record, read_forms
from ..yamlwriter import render_list_yaml

MAX_UPLOAD = 20 * 1024 * 1024  # a 征集表 is a few hundred kB; 20 MiB leaves room for pasted pictures


class ImportRefused(Exception):
    """The upload cannot be imported; the message is Chinese."""


def import_upload(root: Path, filename: str, data: bytes, today: dt.date) -> list[tuple[str, list[str]]]:
    """(path below root, notes) of each list record written from the uploaded form."""
    name = PurePath(filename.replace("\\", "/")).name
    suffix = PurePath(name).suffix.lower()
    if not name or suffix not in (".docx", ".doc", ".wps"):
        raise ImportRefused("请上传 Word 征集表（.docx、.doc 或 .wps 文件）。")
    if len(data) > MAX_UPLOAD:
        raise ImportRefused(f"文件超过 {MAX_UPLOAD // (1024 * 1024)} MiB，未导入。")
    try:
        regulation = scaffold.regulation_in_force(root, today)
    except scaffold.ScaffoldError as exc:
        raise ImportRefused(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="jiebang-upload-") as folder:
        upload = Path(folder) / ("征集表" + suffix)
        upload.write_bytes(data)
        try:
            forms = read_forms(upload)
        except FormError as exc:
            raise ImportRefused(str(exc).replace(upload.name, name)) from None
        except Exception:  # a damaged file may fail deep inside python-docx: say so, never a traceback
            if suffix != ".docx":  # until the office import reads .doc/.wps itself (issue 12)
                raise ImportRefused(
                    f"无法读取《{name}》：请在 Word 或 WPS 中“另存为”.docx 文件后再导入。"
                ) from None
            raise ImportRefused(f"无法读取《{name}》：文件已损坏或不是征集表。") from None
    prefix = str(scaffold.regulation_value(regulation, "id_prefix", "JDZ"))
    lists = root / "lists"
    written = []
    for form in forms:
        notes: list[str] = []

        def text_for(list_id: str, form=form, notes=notes) -> str:
            record, found = list_record(
                form,
                list_id=list_id,
                regulation=regulation,
                schema=SCHEMAS["list"],
                published=None,
                deadline=None,
            )
            notes[:] = found
            return render_list_yaml(record, SCHEMAS["list"])

        _, path = scaffold.write_with_next_id(
            lambda: scaffold.next_list_id(lists, prefix, today.year),
            lambda list_id: lists / str(today.year) / f"{list_id}.yaml",
            text_for,
        )
        written.append((path.relative_to(root).as_posix(), notes))
    return written
