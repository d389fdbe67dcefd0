"""The privacy rule's details that a mutation run found untested (issue 11, item 7): hidden characters
stripped before the number scans, mail domains in capitals, bank cards of every scheme that starts
3, 4 or 5 as well as 6 — and none of other first digits; credit codes left out at every depth. Numbers
are computed by the standards' formulas here, not by the code under test."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import LOCAL_FIRM, good_list, lifecycle
from jiebang.rules.validate import validate

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_NUMBER = "36020319900101123"  # 珠山区, 1990-01-01, without its check digit
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def id_card(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def luhn(first: str) -> str:
    """`first` with the Luhn check digit appended (ISO/IEC 7812)."""
    total = 0
    for i, ch in enumerate(reversed(first)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return first + str((10 - total % 10) % 10)


def credit_code(first17: str) -> str:
    """`first17` with its GB 32100-2015 check character appended."""
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS))
    return first17 + CREDIT_ALPHABET[(31 - total % 31) % 31]


def card_shaped_credit_code(region: str) -> str:
    """An all-digit 统一社会信用代码 of a 民办非企业单位 (52) in `region` that is also a Luhn number
    starting 5: read as text, it would be taken for a Mastercard number."""
    for serial in range(10_000):
        code = credit_code(f"52{region}{serial:09d}")
        if code[-1].isdigit() and luhn(code[:-1]) == code:
            return code
    raise AssertionError(region)


def findings(root, **fields) -> list[tuple[str, str]]:
    root.write(good_list(**fields))
    return [(d.rule, d.message) for d in validate([root.path]).diagnostics]


# ----------------------------------------------------------------------------------------- hidden characters


@pytest.mark.parametrize(("hidden", "name"), [("\u200b", "零宽空格"), ("\u200d", "零宽连接符"), ("\u2060", "词连接符"),
                                              ("\ufeff", "BOM"), ("\u202e", "RTL 覆盖"), ("\u2066", "LTR 隔离"),
                                              ("\u00ad", "软连字符"), ("\u180e", "蒙古文元音分隔符"),
                                              ("\ufe0f", "变体选择符"), ("\U000e0031", "标签字符")])
def test_a_hidden_character_inside_an_id_number_does_not_hide_it(root, hidden, name):
    number = id_card(ID_NUMBER)
    hidden_in = number[:6] + hidden + number[6:14] + hidden * 2 + number[14:]
    assert findings(root, problem=f"联系人身份证号{hidden_in}。") == [
        ("privacy.pii", "含有居民身份证号码（360***********1231）：公开记录中不得出现，请删除。")], name


def test_a_hidden_character_inside_a_mobile_number_does_not_hide_it(root):
    assert [rule for rule, _ in findings(root, problem="详询王工 139\u200b1234\u200c5678。")] == ["privacy.personal_contact"]


# ----------------------------------------------------------------------------------------- mail domains


@pytest.mark.parametrize("address", ["WANGGONG@QQ.COM", "wanggong@Vip.163.Com", "li@Gmail.com"])
def test_a_personal_mail_domain_in_capitals_is_a_personal_contact(root, address):
    domain = address.split("@")[1]
    assert findings(root, problem=f"请发邮件至 {address}。") == [
        ("privacy.personal_contact",
         f"含有个人邮箱（@{domain}）：公开个人邮箱须经本人同意；请改用单位邮箱，或确认已取得本人同意。")]


def test_an_office_mail_domain_in_capitals_is_not(root):
    assert findings(root, problem="请发邮件至 JHK@KJJ.JDZ.GOV.CN。") == []


# ----------------------------------------------------------------------------------------- bank cards


@pytest.mark.parametrize(("first", "scheme"), [
    ("353011133330000", "JCB（3 开头，16 位）"),
    ("411111111111111", "Visa（4 开头，16 位）"),
    ("555555555555444", "Mastercard（5 开头，16 位）"),
    ("622202020011223344", "银联（6 开头，19 位）"),
])
def test_a_bank_card_of_each_scheme_is_reported(root, first, scheme):
    card = luhn(first)
    found = findings(root, benefits=f"资金请汇至 {card}。")
    assert found == [("privacy.pii", f"含有银行卡号（{card[:3]}{'*' * (len(card) - 7)}{card[-4:]}）：公开记录中不得出现，请删除。")], scheme


@pytest.mark.parametrize("first", ["111111111111111", "211111111111111", "711111111111111",
                                   "811111111111111", "911111111111111"])
def test_a_luhn_number_of_no_card_scheme_is_not_reported(root, first):
    assert findings(root, benefits=f"设备序列号 {luhn(first)}。") == []


def test_a_card_written_in_groups_is_reported(root):
    card = luhn("411111111111111")
    grouped = " ".join(card[i:i + 4] for i in range(0, 16, 4))
    assert [rule for rule, _ in findings(root, benefits=f"账号 {grouped}。")] == ["privacy.pii"]


# ----------------------------------------------------------------------------------------- credit codes


def test_a_credit_code_that_reads_as_a_card_number_is_left_out_at_every_depth(root):
    """`credit_code` is left out one level down (demander.credit_code) and two (solvers[0].credit_code):
    mutmut dropped strings()'s skip keys in its dict and its list recursion and nothing failed, because
    no test's credit code read as a personal number."""
    own, solver = card_shaped_credit_code("360203"), card_shaped_credit_code("110108")
    listing = good_list()
    listing["demander"].update(kind="科研院所", credit_code=own)
    notices = lifecycle()
    notices[0]["solvers"][0].update(kind="科研院所", credit_code=solver)
    notices[0]["host_enterprise"] = {"name": "景德镇市示例陶瓷有限公司", "credit_code": LOCAL_FIRM}
    root.write_all([listing, *notices])
    assert [d.as_text() for d in validate([root.path]).diagnostics] == []
    # The same numbers as text are reported: what the skip leaves out would be found.
    notices[0]["body"] = f"揭榜单位代码 {solver}。"
    root.write_all([good_list(benefits=f"需求单位代码 {own}。"), notices[0]])
    found = sorted((d.rule, Path(d.file).stem) for d in validate([root.path]).diagnostics)
    assert found == [("privacy.pii", "JDZ-2022-001"), ("privacy.pii", "JDZ-2022-001-R01")]


def test_an_id_card_number_typed_as_a_credit_code_is_reported(root):
    """Only a real 统一社会信用代码 is left out: a 身份证号 pasted into the credit-code field of a
    demander (one level down) or a solver (two) is personal data on a public page."""
    person = id_card(ID_NUMBER)
    listing = good_list()
    listing["demander"].update(kind="科研院所", credit_code=person)
    notices = lifecycle()
    notices[0]["solvers"][0].update(kind="科研院所", credit_code=person)
    root.write_all([listing, notices[0]])
    pii = sorted((Path(d.file).stem, d.line, d.message) for d in validate([root.path]).diagnostics
                 if d.rule == "privacy.pii")
    masked = f"{person[:3]}{'*' * 11}{person[-4:]}"
    said = f"含有居民身份证号码（{masked}）：公开记录中不得出现，请删除。"
    assert [(stem, message) for stem, _, message in pii] == [("JDZ-2022-001", said), ("JDZ-2022-001-R01", said)]
    assert all(line > 1 for _, line, _ in pii)
