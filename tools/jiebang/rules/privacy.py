"""Personal information anywhere in a record (个人信息保护; 《政府信息公开条例》第十五条).

Everything under content/ is public, so an ID-card or bank-card number is an error, and a mobile
number or a personal mailbox is a warning that asks the editor to confirm the person's consent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..records.content import Record
from ..records.phones import PERSONAL_MAIL_DOMAINS
from .registry import ERROR, WARNING, Findings, declare, record_check

PII = declare("privacy.pii", ERROR, "个人信息保护", "含身份证号或银行卡号")
PERSONAL_CONTACT = declare("privacy.personal_contact", WARNING, "《政府信息公开条例》第十五条", "含手机号或个人邮箱")

_ID_CARD = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![0-9A-Za-z])")
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CARD = re.compile(r"(?<![\d\-])((?:\d[ \-]?){15,18}\d)(?![\d\-])")
_MOBILE = re.compile(r"(?<![\d\-])(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?![\d\-])")
_MAILBOX = re.compile(r"[A-Za-z0-9._%+\-]+@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)")
_WORTH_SCANNING = re.compile(r"[0-9@]")
_HIDDEN = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SKIP_KEYS = frozenset({"credit_code"})  # an all-digit 统一社会信用代码 is not personal data


def id_card_valid(number: str) -> bool:
    """GB 11643-1999 check digit."""
    total = sum(int(ch) * weight for ch, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def strings(value: Any, path: tuple = (), skip: frozenset[str] = frozenset()) -> Iterator[tuple[tuple, str]]:
    """Every text value in a record with its path, leaving out the keys in `skip`."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from strings(item, path + (key,), skip)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, path + (i,), skip)
    elif isinstance(value, str):
        yield path, value


def _mask(text: str) -> str:
    return text[:3] + "*" * (len(text) - 7) + text[-4:] if len(text) > 8 else "***"


@record_check()
def personal_information(record: Record, regulation, tree, findings: Findings) -> None:
    for path, text in strings(record.data, skip=_SKIP_KEYS):
        if not _WORTH_SCANNING.search(text):
            continue
        text = _HIDDEN.sub("", text)  # an RTL override must not hide a number from the scan
        cards = set()
        for match in _ID_CARD.finditer(text):
            if id_card_valid(match.group(1)):
                cards.add(match.group(1))
                findings.add(PII, record, path, f"含有居民身份证号码（{_mask(match.group(1))}）：公开记录中不得出现，请删除。")
        for match in _CARD.finditer(text):
            digits = re.sub(r"\D", "", match.group(1))
            if 16 <= len(digits) <= 19 and digits[0] in "3456" and luhn_valid(digits) and digits not in cards:
                findings.add(PII, record, path, f"含有银行卡号（{_mask(digits)}）：公开记录中不得出现，请删除。")
        for match in _MOBILE.finditer(text):
            digits = re.sub(r"\D", "", match.group(1))
            findings.add(PERSONAL_CONTACT, record, path,
                         f"含有手机号码（{_mask(digits)}）：公开个人手机号须经本人同意；"
                         "请改用办公电话，或确认已取得本人同意。")
        for match in _MAILBOX.finditer(text):
            if match.group(1).lower() in PERSONAL_MAIL_DOMAINS:
                findings.add(PERSONAL_CONTACT, record, path,
                             f"含有个人邮箱（@{match.group(1)}）：公开个人邮箱须经本人同意；请改用单位邮箱，或确认已取得本人同意。")
