"""Published contacts: a real Chinese telephone number and e-mail address (附件1)."""

from __future__ import annotations

from ..records.content import Record
from ..records.phones import is_email, is_phone
from ..records.placeholders import is_placeholder
from ..records.schema import field_name
from .registry import ERROR, Findings, declare, record_check

PHONE = declare("contact.phone", ERROR, "附件1", "电话号码格式不正确")
EMAIL = declare("contact.email", ERROR, "附件1", "电子邮箱格式不正确")

CONTACT_FIELDS = {"list": ("contact",), "result": ("objection_contact",)}


@record_check()
def contact_details(record: Record, regulation, tree, findings: Findings) -> None:
    for key in CONTACT_FIELDS[record.kind]:
        phone = record.get(key, "phone")
        if isinstance(phone, str) and phone.strip() and not is_phone(phone) and not is_placeholder(phone):
            findings.add(PHONE, record, (key, "phone"),
                         f"{field_name(record.kind, (key, 'phone'))}“{phone}”不是有效的电话号码：座机写作 区号-号码"
                         "（如 0798-8222222，分机用“转”），手机为 11 位。")
        email = record.get(key, "email")
        if isinstance(email, str) and email.strip() and not is_email(email) and not is_placeholder(email):
            findings.add(EMAIL, record, (key, "email"),
                         f"{field_name(record.kind, (key, 'email'))}“{email}”不是有效的电子邮箱地址（应形如 jhk@example.gov.cn）。")
