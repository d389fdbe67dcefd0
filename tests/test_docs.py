"""docs/rules.md lists every rule the validator has, with the article it enforces."""

from pathlib import Path

from jiebang.rules import RULES

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_doc_lists_every_rule_with_its_article():
    text = DOC.read_text("utf-8")
    for rule in RULES.values():
        if rule.id == "internal.error":
            continue
        assert f"| `{rule.id}` | {'错误' if rule.severity == 'error' else '警告'} | {rule.article} | {rule.summary} |" in text
