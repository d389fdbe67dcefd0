"""导入征集表 from the editor: an uploaded Word or WPS form through the office import's entry point
(`desk.formimport.import_paths`, the one `jiebang import` calls: formats told by their bytes, LibreOffice
for .doc and .wps, a form already imported refused). The upload is kept in a private temporary folder,
removed afterwards."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath

from ..formimport import DUPLICATE, IMPORTED, import_paths

MAX_UPLOAD = 20 * 1024 * 1024  # a 征集表 is a few hundred kB; 20 MiB leaves room for pasted pictures


class ImportRefused(Exception):
    """The upload cannot be imported; the message is Chinese."""


def import_upload(root: Path, filename: str, data: bytes) -> list[tuple[str, list[str]]]:
    """(path below root, notes) of each list record written from the uploaded form; its id is the next
    of this year, its published and deadline dates left for the clerk to fill in the form."""
    name = PurePath(filename.replace("\\", "/")).name
    suffix = PurePath(name).suffix.lower()
    if not name or suffix not in (".docx", ".doc", ".wps"):
        raise ImportRefused("请上传 Word 或 WPS 征集表（.docx、.doc 或 .wps 文件）。")
    if len(data) > MAX_UPLOAD:
        raise ImportRefused(f"文件超过 {MAX_UPLOAD // (1024 * 1024)} MiB，未导入。")
    with tempfile.TemporaryDirectory(prefix="jiebang-upload-") as folder:
        upload = Path(folder) / ("征集表" + suffix)  # never the uploader's name as a path
        upload.write_bytes(data)
        report = import_paths([upload], root)
    outcome = report.files[0] if report.files else None
    if outcome is None or outcome.status != IMPORTED:
        said = outcome.message if outcome else ""
        said = said.replace(str(upload), name).replace(upload.name, name)
        if outcome is not None and outcome.status == DUPLICATE:
            raise ImportRefused(f"《{name}》已导入过：{said}")
        raise ImportRefused(" ".join([*report.environment, f"未能导入《{name}》：{said or '无法读取。'}"]))
    root = Path(root).resolve()
    return [(Path(w.path).resolve().relative_to(root).as_posix(), w.notes) for w in outcome.written]
