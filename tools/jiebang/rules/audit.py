"""The audit rules (auditors: what was published stays on the record).

Declared here so the registry always names them; they need git and a base revision, so they are
checked by `jiebang.history.audit` when `jiebang validate --base` asks, not with the other rules.
"""

from __future__ import annotations

from .registry import ERROR, declare

CHANGE_NOTE = declare("audit.change_note", ERROR, "审计", "已发布的记录有改动却没有新增更正说明，或更正公告所列更正项与实际改动不符")
IMMUTABLE = declare("audit.immutable", ERROR, "审计", "已发布记录的编号或发布日期被修改，或文件被删除")
