"""The handbook's set-up without make (Windows, a 信创 Linux desktop): only Python and Git.

It does exactly what README.md's “不用 make 的安装” says, in a fresh clone of this repository's
committed HEAD: a fresh venv, `pip install -e .` of the clone, `python -m jiebang build`, then
`python -m jiebang serve` answering at / and /_editor/. Slow (pip
installs every dependency; its cache is used): about a minute. Nothing is skipped — a dependency the
package forgets to declare fails here, not on a clerk's machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    # The clone's own venv only: no PYTHONPATH pointing back into this checkout.
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout
    )
    assert result.returncode == 0, (
        f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    )
    return result


def test_a_fresh_clone_installs_and_builds_with_python_and_git_only(tmp_path: Path) -> None:
    clone = tmp_path / "jiebang"
    run(["git", "clone", "--quiet", str(REPO), str(clone)], tmp_path, 120)
    head = run(["git", "rev-parse", "HEAD"], clone, 30).stdout.strip()
    run([sys.executable, "-m", "venv", ".venv"], clone, 120)
    python = clone / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    run([str(python), "-m", "pip", "install", "--quiet", "-e", "."], clone, 600)

    built = run([str(python), "-m", "jiebang", "build"], clone, 300)
    assert "已生成" in built.stdout and "output/" in built.stdout
    assert (clone / "output" / "index.html").is_file()
    assert (clone / "output" / "lists" / "JDZ-2022-001" / "index.html").is_file()
    sums = (clone / "output" / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"# source-commit: {head}" in sums  # built from the clone's own git history
    # The package came from the clone, not from this checkout.
    where = run([str(python), "-c", "import jiebang; print(jiebang.__file__)"], clone, 60).stdout.strip()
    assert Path(where).resolve().is_relative_to(clone.resolve())

    # The handbook's fourth command: the preview and the editor, served from the clone.
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    server = subprocess.Popen(
        [str(python), "-m", "jiebang", "serve", "--port", "0"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    try:
        said = ""
        for line in server.stdout:
            said += line
            if "预览地址：" in line:
                break
        assert "编辑器：" in said, said
        url = said.split("预览地址：", 1)[1].split()[0]
        for address, text in ((url, "揭榜"), (url + "_editor/", "榜单编辑器")):
            with urllib.request.urlopen(address, timeout=30) as response:
                assert response.status == 200 and text in response.read().decode("utf-8"), address
    finally:
        server.terminate()
        server.wait(timeout=30)
