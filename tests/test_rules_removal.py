"""Mutation check: remove a rule and the bad-input corpus (tests/bad/) notices.

For every check registered in jiebang.rules.RECORD_CHECKS / TREE_CHECKS, the check is taken out and the
corpus cases expecting its rules are validated again: the expectations they met before must now go
unmet. The loader's rules (yaml.*) and the schema's (schema.*) are removed the same way, by renaming
the loader's rule id and by silencing the schema. So every rule id in DESIGN.md (except audit.*) has a
test that fails when the rule is removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import jiebang.records.load
import jiebang.rules.registry
import jiebang.rules.validate
from jiebang.rules import RULES
from test_bad_inputs import CASES, Case, build_root, reported_pairs

# Which rules each registered check reports. A new check must be added here (test_every_check_is_mapped).
CHECK_RULES: dict[str, set[str]] = {
    "acceptance.acceptance": {"acceptance.deadline", "acceptance.completion"},
    "contacts.contact_details": {"contact.phone", "contact.email"},
    "dates.spans_in_order": {"date.order"},
    "dates.notices_after_their_list": {"date.order"},
    "doc_numbers.doc_number": {"doc_number.format"},
    "ids.id_matches_file": {"id.filename", "id.year_folder"},
    "ids.ids_unique": {"id.duplicate"},
    "ids.files_named_yaml": {"id.filename"},  # a record saved as .yml, .YAML …
    "lifecycle.list_references": {"result.list_ref"},
    "lifecycle.notice_order": {"lifecycle.order", "midterm.stop", "termination.funding"},
    "money.list_amounts": {"money.list_amount_min", "money.budget"},
    "money.subsidy_limits": {"money.subsidy_ratio", "money.subsidy_cap"},
    "money.tranches": {"money.tranches"},
    "orgs.credit_codes": {"org.credit_code"},
    "orgs.local_organisations": {"org.local"},
    "placeholders.no_placeholders": {"schema.required"},  # placeholders left by new/import
    "privacy.personal_information": {"privacy.pii", "privacy.personal_contact"},
    "projects.period_years": {"period.years"},
    "projects.projects_per_year": {"projects.per_year"},
    "solvers.solvers": {"solver.related_party", "solver.host_enterprise"},
    "texts.text_lengths": {"text.length"},
    "texts.safe_markdown": {"text.html", "text.link_scheme"},
    "texts.plain_text_markup": {"text.html"},  # markup in names, titles, indicator cells, reasons
    "vocabulary.list_vocabulary": {"schema.enum", "schema.pattern"},  # the regulation's own vocabularies
}
LOADER_RULES = sorted(rule for rule in RULES if rule.startswith("yaml."))
SCHEMA_RULES = sorted(rule for rule in RULES if rule.startswith("schema."))


def check_name(check) -> str:
    return f"{check.__module__.rsplit('.', 1)[-1]}.{check.__name__}"


def registered() -> dict[str, tuple[str, object]]:
    found = {check_name(check): ("record", check) for _, check in jiebang.rules.RECORD_CHECKS}
    found.update({check_name(check): ("tree", check) for check in jiebang.rules.TREE_CHECKS})
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Iterator[dict[str, tuple[Case, Path, Path, list]]]:
    """Every case's content root, built once, with what the unmutated validator reports for it.
    Some 130 small trees: built in memory (/dev/shm) where the system has it, since a busy disk makes
    their creation, not the validation, the slow part."""
    shm = Path("/dev/shm")
    fast = shm.is_dir() and os.access(shm, os.W_OK)
    base = Path(tempfile.mkdtemp(prefix="jiebang-mutation-", dir=shm)) if fast else tmp_path_factory.mktemp("mutation")
    built = {}
    try:
        for case in CASES:
            if case.problems:
                continue
            folder = base / case.name.split("-", 1)[0]
            folder.mkdir()
            root, target = build_root(case, folder)
            built[case.name] = (case, root, target, reported_pairs(case, root, target))
        yield built
    finally:
        if fast:
            shutil.rmtree(base, ignore_errors=True)


def met(case: Case, reported, rule: str) -> set[tuple[str, int]]:
    """The case's expectations for `rule` that are reported."""
    return {e for e in case.expects if e[0] == rule and reported is not None and e in reported}


def lost_when_removed(corpus, rules: set[str], exclusive: set[str]) -> list[str]:
    """Re-run the cases for `rules` under the current mutation; return complaints (empty = the tests notice).
    For a rule only this mutation reports (`exclusive`), every case that met its expectation must lose it;
    for a rule others report too, at least one case must."""
    complaints = []
    for rule in sorted(rules):
        before = [(name, met(case, reported, rule)) for name, (case, _, _, reported) in corpus.items()
                  if rule in case.rules]
        before = [(name, hits) for name, hits in before if hits]
        if not before:
            complaints.append(f"{rule}：语料中没有一个用例在未改动时满足该规则的预期，无法证明删掉它会被发现")
            continue
        still = []
        for name, hits in before:
            case, root, target, _ = corpus[name]
            after = reported_pairs(case, root, target)
            if after is not None and hits <= set(after):
                still.append(name)
        if rule in exclusive and still:
            complaints.append(f"{rule}：删掉后这些用例仍然通过：{still}")
        elif len(still) == len(before):
            complaints.append(f"{rule}：删掉后所有用例仍然通过：{still}")
    return complaints


def test_every_check_is_mapped() -> None:
    names = set(registered())
    assert names == set(CHECK_RULES), (
        f"未登记的检查：{sorted(names - set(CHECK_RULES))}；已不存在的检查：{sorted(set(CHECK_RULES) - names)}")
    mapped = set().union(*CHECK_RULES.values()) | set(LOADER_RULES) | set(SCHEMA_RULES)
    wanted = {rule for rule in RULES if not rule.startswith("audit.")} - {"internal.error"}
    assert not wanted - mapped, f"这些规则没有任何删除检验：{sorted(wanted - mapped)}"


@pytest.mark.parametrize("name", sorted(CHECK_RULES))
def test_removing_a_check_is_noticed(name: str, corpus, monkeypatch) -> None:
    checks = registered()
    if name not in checks:
        pytest.fail(f"检查 {name} 未注册")
    where, check = checks[name]
    if where == "record":
        monkeypatch.setattr(jiebang.rules.registry, "RECORD_CHECKS", [(k, c) for k, c in jiebang.rules.registry.RECORD_CHECKS if c is not check])
    else:
        monkeypatch.setattr(jiebang.rules.registry, "TREE_CHECKS", [c for c in jiebang.rules.registry.TREE_CHECKS if c is not check])
    others = set().union(*(rules for other, rules in CHECK_RULES.items() if other != name))
    exclusive = {rule for rule in CHECK_RULES[name] if rule not in others and not rule.startswith("schema.")}
    complaints = lost_when_removed(corpus, CHECK_RULES[name], exclusive)
    assert not complaints, f"删掉 {name} 后：\n" + "\n".join(complaints)


@pytest.mark.parametrize("rule", LOADER_RULES)
def test_removing_a_loader_rule_is_noticed(rule: str, corpus, monkeypatch) -> None:
    original = jiebang.records.load._diag

    def renamed(file, line, column, rule_id, message):
        return original(file, line, column, "removed." + rule_id if rule_id == rule else rule_id, message)

    monkeypatch.setattr(jiebang.records.load, "_diag", renamed)
    complaints = lost_when_removed(corpus, {rule}, {rule})
    assert not complaints, "\n".join(complaints)


def test_removing_the_schema_is_noticed(corpus, monkeypatch) -> None:
    monkeypatch.setattr(jiebang.rules.validate, "schema_diagnostics", lambda doc, kind: [])
    complaints = lost_when_removed(corpus, set(SCHEMA_RULES), set())
    assert not complaints, "\n".join(complaints)
