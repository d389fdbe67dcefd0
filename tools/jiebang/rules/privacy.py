"""Personal information anywhere in a record (个人信息保护; 《政府信息公开条例》第十五条).

Everything under content/ is public, so an ID-card or bank-card number is an error, and a mobile
number or a personal mailbox is a warning that asks the editor to confirm the person's consent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..records.content import Record
from ..records.hidden import HIDDEN_CHARS
from ..records.orgs import credit_code_valid
from ..records.personal import id_card_shaped, is_bank_card, is_id_card
from ..records.phones import PERSONAL_MAIL_DOMAINS, is_mobile_number
from .registry import ERROR, WARNING, Findings, declare, record_check

PII = declare("privacy.pii", ERROR, "个人信息保护", "含身份证号或银行卡号")
PERSONAL_CONTACT = declare("privacy.personal_contact", WARNING, "《政府信息公开条例》第十五条", "含手机号或个人邮箱")

# Candidates only: whether a candidate is a real number is for records/personal.py and records/phones.py.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![0-9\-])((?:[0-9][ \-]?){15,18}[0-9])(?![0-9\-])")
_MOBILE = re.compile(r"(?<![0-9\-])(?:\+?86[- ]?)?(1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4})(?![0-9\-])")
_MAILBOX = re.compile(r"[A-Za-z0-9._%+\-]+@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)")
_NOT_DIGIT = re.compile(r"[^0-9]")
_HIDDEN = re.compile(f"[{HIDDEN_CHARS}]")
_FULL_WIDTH = re.compile("[０-９Ｘｘ]")
_TO_ASCII = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")  # what a Chinese IME may type
# The prefilter: eleven digits in a row (a mobile number, the shortest of the three), hidden characters
# and full-width digits included, or the scans below would not see a number they would find.
_ELEVEN_DIGITS = re.compile(f"[0-9０-９](?:[ \\-{HIDDEN_CHARS}]*[0-9０-９]){{10}}")


def strings(value: Any, path: tuple = (), skip: frozenset[str] = frozenset()) -> Iterator[tuple[tuple, str]]:
    """Every text value in a record with its path, leaving out a key in `skip` at any depth (texts.py
    leaves out the Markdown fields, which it reads as Markdown)."""
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
    for path, text in strings(record.data):
        if path and path[-1] == "credit_code" and credit_code_valid(text):
            continue  # an all-digit 统一社会信用代码 may read as a card number; a 身份证号 typed here may not
        numbers = _ELEVEN_DIGITS.search(text) is not None
        mail = "@" in text
        if not (numbers or mail):
            continue  # most texts: the scans below cost several times this look
        # An RTL override or a zero-width space must not hide a number from the scan, nor full-width digits.
        text = _HIDDEN.sub("", text)
        if _FULL_WIDTH.search(text):
            text = text.translate(_TO_ASCII)
        if numbers:
            _numbers(record, path, text, findings)
        if mail:
            _mailboxes(record, path, text, findings)


def _numbers(record: Record, path: tuple, text: str, findings: Findings) -> None:
    ids = set()  # made like a 身份证号, so not taken for a bank card even when no person can have it
    for match in _ID_CARD.finditer(text):
        if id_card_shaped(match.group(1)):
            ids.add(match.group(1))
        if is_id_card(match.group(1)):
            findings.add(PII, record, path, f"含有居民身份证号码（{_mask(match.group(1))}）：公开记录中不得出现，请删除。")
    for match in _CARD.finditer(text):
        digits = _NOT_DIGIT.sub("", match.group(1))
        if is_bank_card(digits) and digits not in ids:
            findings.add(PII, record, path, f"含有银行卡号（{_mask(digits)}）：公开记录中不得出现，请删除。")
    for match in _MOBILE.finditer(text):
        digits = _NOT_DIGIT.sub("", match.group(1))
        if is_mobile_number(digits):
            findings.add(PERSONAL_CONTACT, record, path,
                         f"含有手机号码（{_mask(digits)}）：公开个人手机号须经本人同意；"
                         "请改用办公电话，或确认已取得本人同意。")


def _mailboxes(record: Record, path: tuple, text: str, findings: Findings) -> None:
    for match in _MAILBOX.finditer(text):
        if match.group(1).lower() in PERSONAL_MAIL_DOMAINS:
            findings.add(PERSONAL_CONTACT, record, path,
                         f"含有个人邮箱（@{match.group(1)}）：公开个人邮箱须经本人同意；请改用单位邮箱，或确认已取得本人同意。")
