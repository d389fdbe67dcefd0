"""Identifiers checked by kept libraries (issue 11, item 3): python-stdnum and phonenumbers.

What a bureau clerk sees: a number that cannot be a person's 身份证号 (no such birth date, no such
region) is not reported as one; a telephone number no city or carrier has is refused; a 统一社会信用代码
with letters where GB 32100-2015 allows them passes. The expected numbers are computed here, by the
standards' own formulas, not by the code under test.
"""

from __future__ import annotations

import pytest

from conftest import LOCAL_FIRM, good_list
from jiebang.rules.validate import validate

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]  # GB 11643-1999
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015


def id_card(first17: str) -> str:
    """The 17 digits with their GB 11643-1999 check character."""
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def credit_code(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


def rules(root, record: dict) -> list[str]:
    root.write(record)
    return sorted(d.rule for d in validate([root.path]).diagnostics)


def messages(root, record: dict, rule: str) -> list[str]:
    root.write(record)
    return [d.message for d in validate([root.path]).diagnostics if d.rule == rule]


# ----------------------------------------------------------------------------------------- 身份证号


def test_id_card_of_a_real_region_and_date_is_reported(root):
    number = id_card("36020319900101123")  # 珠山区 (since 1983), 1990-01-01
    assert messages(root, good_list(problem=f"联系人身份证号{number}。"), "privacy.pii") == [
        "含有居民身份证号码（360***********1231）：公开记录中不得出现，请删除。"]


@pytest.mark.parametrize(("first17", "why"), [
    ("36020319900230123", "2 月 30 日不存在"),
    ("36020319890229123", "1989 年不是闰年"),
    ("36022119950101123", "乐平县（360221）1992 年撤县设市，1995 年出生的人不会有此码"),
    ("99020319900101123", "没有 99 开头的省份"),
    ("36029919900101123", "江西省没有 360299 这个县区（stdnum 2.2 的 ric.validate 在这里抛 KeyError）"),
])
def test_id_like_number_that_cannot_be_a_person_is_not_reported(root, first17, why):
    number = id_card(first17)  # the check digit fits: before stdnum, each of these was reported
    assert rules(root, good_list(problem=f"样品编号{number}。")) == [], why


def test_id_card_of_someone_born_before_their_region_code_existed_is_reported(root):
    # 珠山区 (360203) since 1983: a person born in 1975 there was registered, and numbered, after that.
    # stdnum.cn.ric.validate() refuses this number; the privacy scan must not miss it.
    number = id_card("36020319750101123")
    assert rules(root, good_list(problem=f"联系人身份证号{number}。")) == ["privacy.pii"]


def test_id_card_with_lower_case_x_is_reported(root):
    number = id_card("11010519491231002")
    assert number.endswith("X")
    found = messages(root, good_list(problem=f"身份证 {number.lower()}。"), "privacy.pii")
    assert found == ["含有居民身份证号码（110***********002x）：公开记录中不得出现，请删除。"]


def test_id_card_in_full_width_digits_is_reported(root):
    number = id_card("36020319900101123")
    wide = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert rules(root, good_list(problem=f"身份证号{wide}。")) == ["privacy.pii"]


# ----------------------------------------------------------------------------------------- telephones


@pytest.mark.parametrize(("phone", "why"), [
    ("0123-8222222", "没有 0123 这个区号"),
    ("0798-82222222", "景德镇的号码是 7 位，这里写了 8 位"),
    ("14012345678", "140 号段未分配给手机"),
    ("10012345678", "10 开头不是手机号"),
])
def test_telephone_outside_the_numbering_plan_is_refused(root, phone, why):
    record = good_list()
    record["contact"]["phone"] = phone
    found = messages(root, record, "contact.phone")
    assert found == [f"contact.phone（联系电话）“{phone}”不是有效的电话号码：座机写作 区号-号码（如 0798-8222222，分机用“转”），"
                     "手机为 11 位。"], why


@pytest.mark.parametrize("phone", ["0791-86123456", "0799-6822222", "021-62345678", "0798-8222222-12",
                                   "+86 139 1234 5678", "199 1234 5678", "800-820-8820"])
def test_telephone_in_the_numbering_plan_passes(root, phone):
    record = good_list()
    record["contact"]["phone"] = phone
    assert "contact.phone" not in rules(root, record)


def test_unallocated_mobile_prefix_in_text_is_no_personal_contact(root):
    assert rules(root, good_list(problem="设备编号 14012345678。")) == []


def test_allocated_mobile_in_text_is_a_personal_contact(root):
    assert rules(root, good_list(problem="详询王工 19912345678。")) == ["privacy.personal_contact"]


# ----------------------------------------------------------------------------------------- 统一社会信用代码


def test_credit_code_with_letters_in_the_first_two_places_passes(root):
    code = credit_code("N2360203MA35A0001")  # 农业部门登记的农村集体经济组织
    record = good_list()
    record["demander"]["credit_code"] = code
    assert rules(root, record) == []


def test_credit_code_with_a_wrong_check_character_names_the_right_one(root):
    right = LOCAL_FIRM[-1]
    wrong = next(c for c in USCC_ALPHABET if c != right)
    record = good_list()
    record["demander"]["credit_code"] = LOCAL_FIRM[:17] + wrong
    assert messages(root, record, "org.credit_code") == [
        f"统一社会信用代码 {LOCAL_FIRM[:17]}{wrong} 的校验位应为 {right}，现为 {wrong}：请对照营业执照核对，通常是某一位抄错了。"]
