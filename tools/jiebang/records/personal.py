"""Whether a run of digits is a 居民身份证号 or a bank card number, by python-stdnum.

A 身份证号 (GB 11643-1999) has a check digit that fits, a birth date that exists and a region code in
stdnum's table of China's divisions that was still in use in the birth year. stdnum.cn.ric.validate()
also wants the code to have existed *by* the birth year, but a number is given where a person is first
registered, which for anyone born before 1984 was years later: someone born in 1975 in what became
珠山区 in 1983 holds 360203…. A privacy scan must not miss that person, so the end of a code's use is
checked here and its start is not. A bank card is 16–19 digits with a Luhn check digit (ISO/IEC 7812),
and its first digit names the scheme: 3 (JCB), 4 (Visa), 5 (Mastercard), 6 (银联).
"""

from __future__ import annotations

import re

CARD_SCHEMES = "3456"
_IN_USE = re.compile(r"\[(\d*)-(\d*)\]")  # stdnum's "[1983-1992]乐平县": the years a code was in use


def id_card_shaped(number: str) -> bool:
    """Its GB 11643-1999 check character fits: a 身份证号, or an 18-digit serial made like one."""
    from stdnum.cn import ric  # python-stdnum is imported when a record is checked, not by every run

    return ric.calc_check_digit(number) == number[-1].upper()


def is_id_card(number: str) -> bool:
    """`number`: 17 ASCII digits and a check character (0–9 or X)."""
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    if not id_card_shaped(number):
        return False
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        return False
    return region_in_use(number[:6], born.year)


def region_in_use(code: str, year: int) -> bool:
    """Whether stdnum's table has the six-digit division `code`, not yet retired in `year`."""
    from stdnum import numdb

    info = {key: value for _, part in numdb.get("cn/loc").info(code) for key, value in part.items()}
    for name in filter(None, info.get("county", "").split(",")):
        span = _IN_USE.match(name)
        if not span or not span[2] or year <= int(span[2]):
            return True
    return False


def is_bank_card(digits: str) -> bool:
    """`digits`: ASCII digits only, separators removed."""
    from stdnum import luhn

    return 16 <= len(digits) <= 19 and digits[0] in CARD_SCHEMES and luhn.is_valid(digits)
