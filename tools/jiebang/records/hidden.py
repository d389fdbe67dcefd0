"""Characters that show nothing: Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, 15.1).

An editor cannot see them in a record, so a rule that reads a number or a link's scheme removes them
first, or a zero-width space, a soft hyphen or a bidi control would hide what the rule looks for.
"""

from __future__ import annotations

# The body of a regex character class: ranges as Unicode lists them.
HIDDEN_CHARS = ("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
                "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
                "\U000e0000-\U000e0fff")
