"""Office files as counties send them: what a file is, told from its bytes, and LibreOffice to make it OOXML.

County bureaus and enterprises work in WPS Office and older Word, so a 征集表 arrives as .doc, .wps or
.docx and a 汇总表 as .xls, .et or .xlsx — and the name often lies (a .docx saved as “.doc”, a .doc
renamed “.wps”). `sniff` reads the bytes: a ZIP holding word/document.xml is Word 2007+, one holding
xl/workbook.xml is Excel 2007+, an OLE compound file is Word 97 (its WordDocument stream; WPS Writer
writes the same) or Excel 97 (its Workbook stream; WPS Spreadsheets' .et too), `{\\rtf` is RTF.

`convert` turns the old formats into .docx / .xlsx with LibreOffice headless (Debian
`libreoffice-writer-nogui`, `libreoffice-calc-nogui`): every file of one target format in a single
`soffice` call (it takes seconds to start), from copies with plain ASCII names in a temporary folder
(so Chinese names, spaces and two 征集表.doc from different folders all work, and the original is
never touched), with a LibreOffice profile of its own (a second soffice, or a clerk's open LibreOffice,
would otherwise make the call return at once having done nothing) and a timeout.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_BYTES = 50 * 1024 * 1024  # a filled-in form or a 汇总表 is well under 1 MB; refuse what cannot be one
# The whole call's budget: soffice's start-up plus a few seconds a file (a form converts in well under one).
TIMEOUT_BASE, TIMEOUT_PER_FILE = 60.0, 10.0

INSTALL_HINT = (
    "未找到 LibreOffice，无法读取旧版 Word（.doc）、WPS（.wps、.et）和旧版 Excel（.xls）文件。"
    "请安装 LibreOffice 后重试：Debian/统信/麒麟 `sudo apt-get install libreoffice-writer-nogui "
    "libreoffice-calc-nogui`；Windows 从 https://www.libreoffice.org/ 下载安装（默认装在 "
    "C:\\Program Files\\LibreOffice）。也可以在 Word 或 WPS 中把文件“另存为”.docx（表格另存为 .xlsx）后再导入。"
)


class Kind(Enum):
    DOCX = "docx"  # Word 2007+ (also .docm, .wps saved by WPS as OOXML)
    XLSX = "xlsx"  # Excel 2007+
    WORD97 = "doc"  # OLE compound file with a WordDocument stream: .doc, WPS Writer's .wps
    EXCEL97 = "xls"  # OLE compound file with a Workbook stream: .xls, WPS Spreadsheets' .et
    RTF = "rtf"  # what some systems (and “Word 2003 XML”-era tools) save under a .doc name
    ENCRYPTED = "encrypted"  # an OOXML file behind an open password: an OLE file with EncryptionInfo
    OTHER_OLE = "ole"  # an OLE file of no kind we know (PowerPoint 97, MS Works …)
    OTHER_ZIP = "zip"  # a ZIP that is neither (a .pptx, an .odt, a zipped folder)
    DAMAGED = "damaged"  # starts like a ZIP or an OLE file but cannot be opened (a cut-off download)
    UNKNOWN = "unknown"

    @property
    def is_word(self) -> bool:
        return self in (Kind.DOCX, Kind.WORD97, Kind.RTF)

    @property
    def is_sheet(self) -> bool:
        return self in (Kind.XLSX, Kind.EXCEL97)

    @property
    def needs_conversion(self) -> bool:
        return self in (Kind.WORD97, Kind.EXCEL97, Kind.RTF)


def sniff(path: Path) -> Kind:
    """What `path` is, from its first bytes and its container's contents; OSError if it cannot be read."""
    with Path(path).open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK"):
        return _zip_kind(path)
    if head == OLE_MAGIC:
        return _ole_kind(path)
    if head.startswith(b"{\\rtf"):
        return Kind.RTF
    return Kind.UNKNOWN


def _zip_kind(path: Path) -> Kind:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return Kind.DAMAGED
    if "word/document.xml" in names:
        return Kind.DOCX
    if "xl/workbook.xml" in names:
        return Kind.XLSX
    return Kind.OTHER_ZIP


def _ole_kind(path: Path) -> Kind:
    import olefile  # imported here so the CLI starts fast

    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=False)}
    except (OSError, ValueError, IndexError, TypeError):  # olefile raises these on a damaged directory
        return Kind.DAMAGED
    if "encryptioninfo" in streams:
        return Kind.ENCRYPTED
    if "worddocument" in streams:
        return Kind.WORD97
    if "workbook" in streams or "book" in streams:  # BIFF8 / BIFF5
        return Kind.EXCEL97
    return Kind.OTHER_OLE


# --------------------------------------------------------------------------- LibreOffice


class OfficeError(Exception):
    """LibreOffice is missing or failed as a whole; `str()` is a Chinese message saying what to do."""


def find_soffice() -> str | None:
    """The soffice program: $JIEBANG_SOFFICE if set (even to nothing usable), else PATH, else the
    usual install folders (Windows does not put LibreOffice on PATH)."""
    configured = os.environ.get("JIEBANG_SOFFICE")
    if configured is not None:
        return configured if Path(configured).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (
        Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")) / "LibreOffice" / "program" / "soffice.exe",
        Path(r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"),
        Path("/opt/libreoffice/program/soffice"),
        Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    ):
        if candidate.is_file():
            return str(candidate)
    return None


@dataclass
class Converted:
    """The outcome for one source file: the converted copy (inside the work folder), or why not."""

    source: Path
    path: Path | None = None
    problem: str = ""


_TARGET = {Kind.WORD97: "docx", Kind.RTF: "docx", Kind.EXCEL97: "xlsx"}


def convert(
    sources: Iterable[tuple[Path, Kind]], workdir: Path, timeout: float | None = None
) -> list[Converted]:
    """Convert each (file, kind) to OOXML under `workdir` (which the caller owns and removes).

    One soffice call per target format; a file LibreOffice could not convert gets its `problem`.
    If the call runs out of time, the files it had not done yet are tried once each on their own,
    so one file that hangs LibreOffice costs only itself. OfficeError when soffice is missing.
    """
    items = list(sources)
    if not items:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise OfficeError(INSTALL_HINT)
    results: list[Converted] = []
    groups: dict[str, list[tuple[Path, Path]]] = {}
    for number, (source, kind) in enumerate(items, start=1):
        target = _TARGET.get(kind)
        if target is None:
            results.append(Converted(source, problem="不是 LibreOffice 能转换的格式。"))
            continue
        # A plain ASCII copy: soffice and some shells mangle non-ASCII names, and equal stems collide.
        copy = workdir / "in" / target / f"f{number:04d}.{kind.value}"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, copy)
        groups.setdefault(target, []).append((source, copy))
    for target, pairs in groups.items():
        results.extend(_convert_group(soffice, target, pairs, workdir, timeout))
    order = {source: index for index, (source, _) in enumerate(items)}
    return sorted(results, key=lambda item: order[item.source])


def _convert_group(
    soffice: str, target: str, pairs: list[tuple[Path, Path]], workdir: Path, timeout: float | None
) -> list[Converted]:
    outdir = workdir / "out" / target
    outdir.mkdir(parents=True, exist_ok=True)
    budget = timeout if timeout is not None else TIMEOUT_BASE + TIMEOUT_PER_FILE * len(pairs)
    finished = _run_soffice(soffice, target, [copy for _, copy in pairs], outdir, workdir, budget)
    results = []
    for source, copy in pairs:
        output = outdir / f"{copy.stem}.{target}"
        if not output.is_file() and not finished and len(pairs) > 1:
            single = timeout if timeout is not None else TIMEOUT_BASE + TIMEOUT_PER_FILE
            _run_soffice(soffice, target, [copy], outdir, workdir, single)
        if output.is_file() and output.stat().st_size:
            results.append(Converted(source, path=output))
        elif not finished:
            results.append(
                Converted(source, problem=f"LibreOffice 转换超时（{budget:.0f} 秒），文件可能已损坏。")
            )
        else:
            results.append(Converted(source, problem="LibreOffice 无法打开或转换该文件，文件可能已损坏。"))
    return results


def _run_soffice(
    soffice: str, target: str, files: list[Path], outdir: Path, workdir: Path, timeout: float
) -> bool:
    """Run one conversion; False if it ran out of time (it is then killed with everything it started)."""
    profile = Path(tempfile.mkdtemp(prefix="profile-", dir=workdir))
    command = [
        soffice,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    kwargs: dict = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if os.name == "posix":
        kwargs["start_new_session"] = True  # soffice forks soffice.bin: kill the whole group on timeout
    try:
        process = subprocess.Popen(command, **kwargs)
    except OSError as exc:
        raise OfficeError(f"无法运行 LibreOffice（{soffice}）：{exc}。{INSTALL_HINT}") from exc
    try:
        process.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:  # soffice.exe starts soffice.bin: end the whole tree
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False
            )
            process.kill()
        process.wait()
        return False
    finally:
        shutil.rmtree(profile, ignore_errors=True)
