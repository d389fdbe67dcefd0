"""The passing case: a whole lawful lifecycle validates with no finding at all."""

from jiebang.rules.validate import validate


def test_full_lifecycle_is_clean(full_root):
    report = validate([full_root.path])
    assert [d.as_text() for d in report.diagnostics] == []
    assert report.files == 9  # 1 list, 7 notices, 1 regulation file
