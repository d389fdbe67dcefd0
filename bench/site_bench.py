"""How long the whole site takes to build for a national-scale content tree.

    .venv/bin/python bench/site_bench.py [N …]      (default: 2000 20000)

Uses the synthetic lists of bench/validate_bench.py (with full lifecycles for some), the sample
theme and settings, and times `build_site` end to end (validation, pages, feeds, open data, search
index, SHA256SUMS, swap) beside a bare loop that renders the same list pages with Jinja2 and
Markdown in one process, the floor any generator has to pay.
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO / "bench"))

import jinja2  # noqa: E402
import markdown  # noqa: E402
import yaml  # noqa: E402
from validate_bench import generate  # noqa: E402

from jiebang.site.build import build_site  # noqa: E402

BARE_TEMPLATE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ d.title }}</title></head><body>
<h1>{{ d.title }}</h1><p>{{ d.id }} {{ d.industry }} {{ d.demander.name }}</p>
{% for key in ['problem', 'targets', 'benefits', 'solver_requirements', 'ip_terms'] %}<section>{{ md(d[key]) }}</section>{% endfor %}
</body></html>"""


def bare_render(content: Path, out: Path) -> int:
    template = jinja2.Environment(autoescape=True).from_string(BARE_TEMPLATE)
    converter = markdown.Markdown(extensions=["tables"])

    def md(text: str) -> str:
        converter.reset()
        return jinja2.utils.markupsafe.Markup(converter.convert(text or ""))

    count = 0
    for path in sorted((content / "lists").rglob("*.yaml")):
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        target = out / data["id"] / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.render(d=data, md=md), "utf-8")
        count += 1
    return count


def main(sizes: list[int]) -> None:
    for n in sizes:
        content = generate(n)
        with tempfile.TemporaryDirectory(prefix="jiebang-site-bench-") as scratch:
            project = Path(scratch) / "project"
            project.mkdir()
            (project / "content").symlink_to(content)
            shutil.copytree(REPO / "theme", project / "theme")
            shutil.copy(REPO / "pelicanconf.py", project)
            started = time.perf_counter()
            files = build_site(project, Path(scratch) / "output")
            ours = time.perf_counter() - started
            started = time.perf_counter()
            pages = bare_render(content, Path(scratch) / "bare")
            bare = time.perf_counter() - started
        print(f"{n:>6} lists: jiebang build {ours:7.1f} s ({files} files)   "
              f"bare Jinja2+Markdown list pages {bare:6.1f} s ({pages} pages)   ratio {ours / bare:.2f}")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2000, 20000])
