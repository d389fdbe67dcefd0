"""What `pip install` says about the package (issue 11, item 6): no deprecation warning about its licence.

setuptools ≥ 77 (what pip builds with: pyproject.toml's build-system) warns on every install that
`project.license` as a table ({text = "MIT"}) is deprecated, and asks for the SPDX string form.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_pip_builds_the_package_without_a_licence_warning(tmp_path: Path) -> None:
    source = tmp_path / "jiebang"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source)
    shutil.copytree(REPO / "tools", source / "tools", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    # -v: the build backend's warnings, which pip otherwise folds away; a wheel of our code only.
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(tmp_path / "wheel"),
                           str(source)], capture_output=True, text=True, timeout=300)
    said = done.stdout + done.stderr
    assert done.returncode == 0, said[-3000:]
    assert "BuildBackendWarning" in said or "setuptools" in said  # the backend's output is there to read
    warned = [line for line in said.splitlines() if "licen" in line.lower() and "deprecat" in line.lower()]
    assert warned == []
    assert list((tmp_path / "wheel").glob("jiebang-*.whl"))
