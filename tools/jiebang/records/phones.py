"""Chinese telephone numbers and e-mail addresses, as published on a bulletin (附件1 联系方式)."""

from __future__ import annotations

import re

MOBILE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}$")
# Landline with area code (010, 0798 …), optional extension; or a 400/800 service number.
LANDLINE = re.compile(r"^(?:\(?0\d{2,3}\)?[- ]?)[2-9]\d{6,7}(?:(?:-|转|ext\.?)\d{1,6})?$")
SERVICE = re.compile(r"^[48]00[- ]?\d{3}[- ]?\d{4}$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")

PERSONAL_MAIL_DOMAINS = {
    "qq.com", "vip.qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "vip.163.com", "sina.com", "sina.cn",
    "sohu.com", "139.com", "189.cn", "wo.cn", "aliyun.com", "gmail.com", "hotmail.com", "outlook.com", "live.com",
    "icloud.com", "yahoo.com",
}


def is_phone(text: str) -> bool:
    text = text.strip()
    return bool(MOBILE.match(text) or LANDLINE.match(text) or SERVICE.match(text))


def is_email(text: str) -> bool:
    return bool(EMAIL.match(text.strip()))
