"""The schemas document every field in Chinese, and the sample content is their worked example."""

from pathlib import Path

import pytest

from jiebang.records.schema import SCHEMAS
from jiebang.rules.validate import validate

REPO = Path(__file__).resolve().parent.parent
CJK = range(0x4E00, 0xA000)


def properties(node: dict, path: str = ""):
    for key, sub in node.get("properties", {}).items():
        yield f"{path}{key}", sub
        yield from properties(sub, f"{path}{key}.")
        if "items" in sub:
            yield from properties(sub["items"], f"{path}{key}[].")
    if "additionalProperties" in node and isinstance(node["additionalProperties"], dict):
        yield from properties(node["additionalProperties"], f"{path}*.")


@pytest.mark.parametrize("kind", ["list", "result"])
def test_every_property_has_a_chinese_title_and_description(kind):
    for path, sub in properties(SCHEMAS[kind]):
        for key in ("title", "description"):
            assert any(ord(ch) in CJK for ch in sub.get(key, "")), f"{kind}: {path} has no Chinese {key}"


@pytest.mark.parametrize("kind", ["list", "result", "regulation"])
def test_every_object_refuses_unknown_keys(kind):
    def objects(node, path=""):
        if node.get("type") == "object" or "object" in node.get("type", []):
            yield path, node
        for key, sub in node.get("properties", {}).items():
            yield from objects(sub, f"{path}.{key}")
            if "items" in sub:
                yield from objects(sub["items"], f"{path}.{key}[]")

    for path, node in objects(SCHEMAS[kind]):
        assert "additionalProperties" in node, f"{kind}{path} does not say additionalProperties"


def test_sample_content_validates_with_no_finding_at_all():
    report = validate([REPO / "content"])
    assert [d.as_text() for d in report.diagnostics] == []
    assert report.files >= 60


def test_every_sample_record_starts_with_its_schema_line():
    for kind, folder in (("list", "lists"), ("result", "results")):
        for path in (REPO / "content" / folder).rglob("*.yaml"):
            first = path.read_text("utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema=../../../tools/jiebang/schemas/{kind}.schema.json", path
    for path in (REPO / "content" / "regulation").glob("*.yaml"):
        assert path.read_text("utf-8").startswith(
            "# yaml-language-server: $schema=../../tools/jiebang/schemas/regulation.schema.json"), path


def test_sample_covers_every_industry_and_every_lifecycle_the_issue_names():
    import yaml

    lists = [yaml.safe_load(p.read_text("utf-8")) for p in (REPO / "content" / "lists").rglob("*.yaml")]
    notices = [yaml.safe_load(p.read_text("utf-8")) for p in (REPO / "content" / "results").rglob("*.yaml")]
    regulation = yaml.safe_load((REPO / "content" / "regulation" / "2022-09-05.yaml").read_text("utf-8"))
    assert len(lists) >= 10
    assert {x["industry"] for x in lists} == set(regulation["industries"]["value"])
    assert {str(x["published"])[:4] for x in lists} >= {"2022", "2023", "2024", "2025"}
    kinds = {}
    for n in notices:
        kinds.setdefault(n["list"], []).append((n["kind"], n.get("conclusion")))
    whole = [k for k, v in kinds.items() if ("验收", "合格") in v and [x for x, _ in v].count("资金拨付") == 3]
    assert len(whole) >= 3
    assert any(("中期评估", "不再支持") in v and ("终止", None) in v for v in kinds.values())
    assert any(("流榜", None) in v for v in kinds.values())
    assert any(("延期", None) in v for v in kinds.values())
    assert any(("更正公告", None) in v for v in kinds.values())
