"""Chinese telephone numbers and e-mail addresses, as published on a bulletin (附件1 联系方式).

The patterns say how a bulletin writes a number (区号-号码, 转 for an extension); Google's numbering
plan (the phonenumbers package, kept up to date) says whether the number can exist: an area code no
city has, a local number one digit too long for its area, a mobile prefix no carrier was given.
"""

from __future__ import annotations

import re

MOBILE = re.compile(r"^(?:\+?86[- ]?)?(?P<number>1[3-9]\d[- ]?\d{4}[- ]?\d{4})$")
# Landline with area code (010, 0798 …), optional extension; or a 400/800 service number.
LANDLINE = re.compile(r"^(?P<number>\(?0\d{2,3}\)?[- ]?[2-9]\d{6,7})(?:(?:-|转|ext\.?)\d{1,6})?$")
SERVICE = re.compile(r"^(?P<number>[48]00[- ]?\d{3}[- ]?\d{4})$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")

PERSONAL_MAIL_DOMAINS = {
    "qq.com", "vip.qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "vip.163.com", "sina.com", "sina.cn",
    "sohu.com", "139.com", "189.cn", "wo.cn", "aliyun.com", "gmail.com", "hotmail.com", "outlook.com", "live.com",
    "icloud.com", "yahoo.com",
}


def _in_plan(number: str, mobile: bool = False) -> bool:
    """Whether China's numbering plan has `number` (digits, maybe with separators), as a mobile's if `mobile`."""
    import phonenumbers  # here: `jiebang validate` of cached records checks no number

    try:
        parsed = phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(parsed):
        return False
    kinds = phonenumbers.PhoneNumberType
    return not mobile or phonenumbers.number_type(parsed) in (kinds.MOBILE, kinds.FIXED_LINE_OR_MOBILE)


def is_mobile_number(digits: str) -> bool:
    """11 digits starting with 1: a number China's plan gives to mobiles."""
    return _in_plan(digits, mobile=True)


def is_phone(text: str) -> bool:
    text = text.strip()
    match = MOBILE.match(text)
    if match:
        return is_mobile_number(match["number"])
    match = LANDLINE.match(text) or SERVICE.match(text)
    return bool(match) and _in_plan(match["number"])


def is_email(text: str) -> bool:
    return bool(EMAIL.match(text.strip()))
