"""Field-level differences between two versions of a record, named by the schema's Chinese titles.

`diff_records(kind, old, new)` compares two parsed records (None for "no file") and returns one
FieldChange per changed field, in the schema's property order: a scalar that changed (`300 → 350 万元`,
`2022-11-30 → 2022-12-15`), a field or list item added or removed, and for long texts the sentences
taken out and put in. Lists are aligned item by item (difflib), so inserting an indicator at the top
reads as one item added, not every item changed. Each change has a JSON form for `--format json`
and the open data, and a before/after pair for the table of a 更正公告.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from ..records.schema import subschema
from ..rules.texts import MARKDOWN_FIELDS

Path_ = tuple[str | int, ...]

# Markdown texts get a sentence diff; so does any text with a line break or longer than a short value.
LONG_TEXT_KEYS = frozenset(key for keys in MARKDOWN_FIELDS.values() for key in keys) | {"reason"}
SHORT_TEXT_MAX = 60
SENTENCE_END = "。；！？"
_SENTENCE = re.compile(rf"[^{SENTENCE_END}]*[{SENTENCE_END}]+|[^{SENTENCE_END}]+")
NOTHING = "（无）"
EMPTY = "（空）"


@dataclass(frozen=True)
class TextEdit:
    """One sentence taken out ("-") or put in ("+") of a long text."""

    op: str
    text: str


@dataclass(frozen=True)
class FieldChange:
    path: Path_  # keys and 0-based indexes; the new version's index, the old one's for a removed item
    label: str  # 技术需求单位 / 统一社会信用代码, 技术指标 第2项 / 目标
    change: str  # "added" | "removed" | "changed"
    before: Any
    after: Any
    summary: str  # one line: "300 → 350 万元", "新增：…", "删去 1 句，增加 1 句"
    edits: tuple[TextEdit, ...] = ()
    before_text: str = NOTHING  # for the 更正前内容 / 更正后内容 columns of a 更正公告
    after_text: str = NOTHING

    @property
    def key(self) -> str:
        """The dotted key a 更正公告 lists in `fields`: budget.total_wan, indicators[2].target."""
        return path_key(self.path)

    def lines(self) -> list[str]:
        """The human rendering: `label：summary`, then one line per sentence taken out or put in."""
        return [f"{self.label}：{self.summary}"] + [f"  {'−' if e.op == '-' else '+'} {e.text}" for e in self.edits]

    def as_json(self) -> dict:
        return {"path": self.key, "label": self.label, "change": self.change,
                "before": jsonable(self.before), "after": jsonable(self.after), "summary": self.summary,
                "edits": [{"op": e.op, "text": e.text} for e in self.edits]}


def path_key(path: Path_) -> str:
    text = ""
    for step in path:
        text += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def field_keys(path: Path_) -> str:
    """The path without list indexes, as a 更正公告's `fields` names it: indicators.target."""
    return ".".join(step for step in path if not isinstance(step, int))


def covers(announced: str, key: str) -> bool:
    """Whether a key a 更正公告 lists in `fields` covers a changed field's key (field_keys form):
    `budget` covers budget.total_wan; `indicators.target` (or indicators[2].target) every target."""
    announced = re.sub(r"\[[0-9]+\]", "", announced.strip())
    return key == announced or key.startswith(announced + ".")


def jsonable(value: Any) -> Any:
    """Decimal money as its exact text (never a float), everything else as JSON has it."""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def diff_records(kind: str, old: dict | None, new: dict | None) -> list[FieldChange]:
    """Every changed field between two versions of a record of `kind` ("list" or "result")."""
    found: list[FieldChange] = []
    _diff(kind, (), old or {}, new or {}, found)
    return found


@cache
def label_of(kind: str, path: Path_) -> str:
    """技术指标 第2项 / 目标. A mapping that names a party (it has a `name`: 技术需求单位, 咨询联系人) stays
    in the label, since 统一社会信用代码 alone does not say whose; one that only groups amounts or
    dates (经费预算, 公示期) does not, since 预计项目经费 says it all."""
    parts: list[str] = []
    for i, step in enumerate(path):
        if isinstance(step, int):
            parts[-1] += f" 第{step + 1}项"
            continue
        if parts and not isinstance(path[i - 1], int) and "name" not in subschema(kind, path[:i]).get("properties", {}):
            parts.pop()
        parts.append(subschema(kind, path[: i + 1]).get("title") or step)
    return " / ".join(parts) or "记录"


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return old.strip() == new.strip()  # block scalars' final newline (| or |-) is not content
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    return old == new


def _diff(kind: str, path: Path_, old: Any, new: Any, found: list[FieldChange]) -> None:
    if _same(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in _ordered_keys(kind, path, old, new):
            if key not in old:
                found.append(_added(kind, path + (key,), new[key]))
            elif key not in new:
                found.append(_removed(kind, path + (key,), old[key]))
            else:
                _diff(kind, path + (key,), old[key], new[key], found)
    elif isinstance(old, list) and isinstance(new, list):
        _diff_list(kind, path, old, new, found)
    else:
        found.append(_changed(kind, path, old, new))


def _ordered_keys(kind: str, path: Path_, old: dict, new: dict) -> list[str]:
    """The schema's property order, then keys it does not know in the order the files have them."""
    known = list(subschema(kind, path).get("properties", {}))
    present = set(old) | set(new)
    return [k for k in known if k in present] + [k for k in dict.fromkeys([*new, *old]) if k not in known]


def _diff_list(kind: str, path: Path_, old: list, new: list, found: list[FieldChange]) -> None:
    # The common case, `changes` growing at the end, needs no matcher: trim the equal ends first.
    head = 0
    while head < min(len(old), len(new)) and _same(old[head], new[head]):
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and _same(old[-1 - tail], new[-1 - tail]):
        tail += 1
    old_mid, new_mid = old[head:len(old) - tail], new[head:len(new) - tail]
    if not old_mid or not new_mid:
        found += [_removed(kind, path + (head + i,), v) for i, v in enumerate(old_mid)]
        found += [_added(kind, path + (head + j,), v) for j, v in enumerate(new_mid)]
        return

    def token(value: Any) -> str:
        return json.dumps(jsonable(value), ensure_ascii=False, sort_keys=True)

    matcher = difflib.SequenceMatcher(None, [token(v) for v in old_mid], [token(v) for v in new_mid], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for n in range(paired):  # a replaced item is the same item edited: compare it field by field
            _diff(kind, path + (j1 + n,), old[i1 + n], new[j1 + n], found)
        found += [_removed(kind, path + (i,), old[i]) for i in range(i1 + paired, i2)]
        found += [_added(kind, path + (j,), new[j]) for j in range(j1 + paired, j2)]


def _added(kind: str, path: Path_, value: Any) -> FieldChange:
    shown = show(kind, path, value)
    return FieldChange(path, label_of(kind, path), "added", None, value, f"新增：{shown}", (), NOTHING, shown)


def _removed(kind: str, path: Path_, value: Any) -> FieldChange:
    shown = show(kind, path, value)
    return FieldChange(path, label_of(kind, path), "removed", value, None, f"删除：{shown}", (), shown, "（删除）")


def _changed(kind: str, path: Path_, old: Any, new: Any) -> FieldChange:
    label = label_of(kind, path)
    if isinstance(old, str) and isinstance(new, str) and _is_long(path, old, new):
        edits = text_edits(old, new)
        out = [e.text for e in edits if e.op == "-"]
        put = [e.text for e in edits if e.op == "+"]
        if not edits:
            summary = "仅空白或换行有改动"
        else:
            summary = "，".join(part for part in (f"删去 {len(out)} 句" if out else "",
                                                   f"增加 {len(put)} 句" if put else "") if part)
        return FieldChange(path, label, "changed", old, new, summary, tuple(edits),
                           join_sentences(out) or NOTHING, join_sentences(put) or NOTHING)
    before, after = show(kind, path, old), show(kind, path, new)
    if is_money(path) and _is_number(old) and _is_number(new):
        summary = f"{plain_number(old)} → {plain_number(new)} 万元"
    else:
        summary = f"{before} → {after}"
    return FieldChange(path, label, "changed", old, new, summary, (), before, after)


def _is_long(path: Path_, old: str, new: str) -> bool:
    keys = [p for p in path if not isinstance(p, int)]
    return (bool(keys) and keys[-1] in LONG_TEXT_KEYS) or "\n" in old.strip() or "\n" in new.strip() \
        or max(len(old), len(new)) > SHORT_TEXT_MAX


def sentences(text: str) -> list[str]:
    """A text's sentences: each line split after 。；！？ (the punctuation stays with its sentence)."""
    found = []
    for line in text.splitlines():
        found += [s.strip() for s in _SENTENCE.findall(line) if s.strip()]
    return found


def text_edits(old: str, new: str) -> list[TextEdit]:
    before, after = sentences(old), sentences(new)
    edits: list[TextEdit] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op != "equal":
            edits += [TextEdit("-", s) for s in before[i1:i2]] + [TextEdit("+", s) for s in after[j1:j2]]
    return edits


def join_sentences(items: list[str]) -> str:
    text = ""
    for item in items:
        if text and text[-1] not in SENTENCE_END:
            text += "；"
        text += item
    return text


def is_money(path: Path_) -> bool:
    keys = [p for p in path if not isinstance(p, int)]
    return bool(keys) and keys[-1].endswith("_wan")  # the schemas name every 万元 amount *_wan


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def plain_number(value: Any) -> str:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    return str(value)


def show(kind: str, path: Path_, value: Any) -> str:
    """A value as a reader sees it: 350 万元, 是/否, a mapping as 名称：…；类型：…, a list joined by 、."""
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if _is_number(value) or isinstance(value, float):
        return plain_number(value) + (" 万元" if is_money(path) else "")
    if isinstance(value, str):
        return " ".join(value.split()) if "\n" in value.strip() else value.strip()
    if isinstance(value, dict):
        return "；".join(f"{label_of(kind, path + (key,)).rsplit(' / ', 1)[-1]}：{show(kind, path + (key,), value[key])}"
                        for key in _ordered_keys(kind, path, value, {}))
    if isinstance(value, list):
        return "、".join(show(kind, path + (i,), item) for i, item in enumerate(value)) or EMPTY
    return str(value)
