"""The privacy rule's details that a mutation run found untested (issue 11, item 7): hidden characters
stripped before the number scans, mail domains in capitals, bank cards of every scheme that starts
3, 4 or 5 as well as 6 — and none of other first digits. Numbers are computed by the standards'
formulas here, not by the code under test."""

from __future__ import annotations

import pytest

from conftest import good_list
from jiebang.rules.validate import validate

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_NUMBER = "36020319900101123"  # 珠山区, 1990-01-01, without its check digit


def id_card(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def luhn(first: str) -> str:
    """`first` with the Luhn check digit appended (ISO/IEC 7812)."""
    total = 0
    for i, ch in enumerate(reversed(first)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return first + str((10 - total % 10) % 10)


def findings(root, **fields) -> list[tuple[str, str]]:
    root.write(good_list(**fields))
    return [(d.rule, d.message) for d in validate([root.path]).diagnostics]


# ----------------------------------------------------------------------------------------- hidden characters


@pytest.mark.parametrize(("hidden", "name"), [("\u200b", "零宽空格"), ("\u200d", "零宽连接符"), ("\u2060", "词连接符"),
                                              ("\ufeff", "BOM"), ("\u202e", "RTL 覆盖"), ("\u2066", "LTR 隔离")])
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
