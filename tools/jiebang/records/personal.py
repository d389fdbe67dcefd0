"""Whether a run of digits is a 居民身份证号 or a bank card number, by python-stdnum.

stdnum.cn.ric checks what GB 11643-1999 fixes: the check digit, a birth date that exists and a region
code that existed in the birth year, so an 18-digit serial whose check digit happens to fit is not
taken for a person's number. A bank card is 16–19 digits with a Luhn check digit (ISO/IEC 7812), and
its first digit names the scheme: 3 (JCB, AmEx), 4 (Visa), 5 (Mastercard), 6 (银联).
"""

from __future__ import annotations

from stdnum import luhn
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

CARD_SCHEMES = "3456"


def id_card_shaped(number: str) -> bool:
    """Its GB 11643-1999 check character fits: a 身份证号, or an 18-digit serial made like one."""
    return ric.calc_check_digit(number) == number[-1].upper()


def is_id_card(number: str) -> bool:
    """`number`: 17 ASCII digits and a check character (0–9 or X)."""
    try:
        ric.validate(number)
    except ValidationError:
        return False
    except KeyError:  # stdnum 2.2: a province code whose county part is unknown (360299…) raises this
        return False
    return True


def is_bank_card(digits: str) -> bool:
    """`digits`: ASCII digits only, separators removed."""
    return 16 <= len(digits) <= 19 and digits[0] in CARD_SCHEMES and luhn.is_valid(digits)
