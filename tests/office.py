"""LibreOffice for the tests: make the .doc/.xls files counties send, and skip cleanly where it is missing.

Like Chromium (tests/browser.py): a machine without LibreOffice skips these tests with a message saying
how to install it, but under CI (`.ci/run` sets CI=true and installs it) a skip would hide a broken
import, so it fails instead. The fixtures are made with soffice directly, not with the code under test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

MISSING_MESSAGE = (
    "LibreOffice (soffice) is missing: run `apt-get install libreoffice-writer-nogui libreoffice-calc-nogui` "
    "to run the .doc/.wps/.xls import tests"
)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The soffice program; skip the calling test when it is missing, but fail under CI."""
    import pytest

    found = soffice()
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(MISSING_MESSAGE)
    pytest.skip(MISSING_MESSAGE)


def _soffice(program: str, profile: str, fmt: str, outdir: Path, files: list[Path]) -> None:
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def libreoffice_convert(files: list[Path], fmt: str, outdir: Path) -> list[Path]:
    """Convert `files` to `fmt` ("doc", "xls") into `outdir`; the new paths, in order.

    A .docx goes to .doc by way of .odt: LibreOffice 7.4 writes python-docx's tables into Word 97 as
    plain paragraphs when it exports straight from .docx, but keeps them from its own format.
    """
    program = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        if fmt == "doc":
            _soffice(program, profile, "odt", outdir / "odt", files)
            files = [outdir / "odt" / f"{path.stem}.odt" for path in files]
        _soffice(program, profile, fmt, outdir, files)
    made = [outdir / f"{path.stem}.{fmt}" for path in files]
    missing = [str(path) for path in made if not path.is_file()]
    assert not missing, f"soffice did not write {missing}"
    return made
