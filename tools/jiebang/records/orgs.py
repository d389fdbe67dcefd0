"""统一社会信用代码 (GB 32100-2015): its check character and its region code, by python-stdnum."""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
# GB 32100-2015 allows a letter in the first two places (登记管理部门 N 农业, Y 其他 …; 机构类别), which
# stdnum.cn.uscc.validate() refuses; its check-character computation covers the whole alphabet.
WELL_FORMED = re.compile(f"[{ALPHABET}]{{2}}[0-9]{{6}}[{ALPHABET}]{{10}}")


def check_character(first17: str) -> str:
    from stdnum.cn import uscc  # here: `jiebang validate` of cached records checks no code

    return uscc.calc_check_digit(first17)


def credit_code_valid(code: str) -> bool:
    return bool(WELL_FORMED.fullmatch(code)) and check_character(code[:17]) == code[17]


def region_code(code: str) -> str:
    """Characters 3–8: the administrative division where the organisation registered."""
    return code[2:8]
