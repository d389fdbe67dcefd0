"""How long the OCDS step of a build takes, beside the steps it sits with, on one content tree.

    .venv/bin/python bench/ocds_bench.py [PROJECT]     (default: the sample; bench/.work/scale-N for N lists)

Loads the project as a build does (records, site data, git history), then times, each once, the
release and record packages (site/ocds/packages.py) and for comparison the rest of the open data
(lists.json, results.json, per-record JSON with revisions, calendars, summaries). Prints wall and
CPU seconds (the machines are shared: CPU seconds of this process compare better) and sizes.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from jiebang.history.revisions import load_history  # noqa: E402
from jiebang.records.content import load_tree  # noqa: E402
from jiebang.site.generator import urls  # noqa: E402
from jiebang.site.model import build_site_data, content_as_of  # noqa: E402
from jiebang.site.ocds.packages import write_ocds  # noqa: E402
from jiebang.site.opendata import write_open_data  # noqa: E402


def main() -> None:
    project = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else REPO
    settings = {
        "SITEURL": "https://jiebang.example",
        "JIEBANG_IDENTITY": {"主办单位": "（示例）景德镇市科学技术局"},
    }
    tree, _ = load_tree(project / "content")
    site = build_site_data(tree, urls({}), content_as_of(project / "content", tree))
    print(f"{len(site.lists)} lists, {len(site.results)} notices")
    with tempfile.TemporaryDirectory() as out:
        for name, step in (("open data without OCDS", None), ("OCDS packages", write_ocds)):
            history = load_history(project, "content")
            start, cpu = time.perf_counter(), time.process_time()
            if step is None:
                import jiebang.site.opendata as opendata

                opendata.write_ocds = lambda *args: None  # the rest of the open data alone
                write_open_data(site, tree, settings, Path(out), history)
            else:
                step(site, settings, Path(out), history)
            print(f"{name}: {time.perf_counter() - start:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
            history.close()
        for path in sorted((Path(out) / "data" / "ocds").glob("*.json")):
            print(f"  {path.name}: {path.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
