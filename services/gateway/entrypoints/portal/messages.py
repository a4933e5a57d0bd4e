"""API validation messages in plain English for the portal's forms.

The API's messages are written for developers (``Must be a decimal string such as "12345.00"``,
``Not a valid integer.``); a form shows what to do instead, in the GOV.UK style ("Enter the
amount in pounds, like 12345.00"). Messages not listed here are already plain and pass through.
"""

from __future__ import annotations

import re

AMOUNT = "Enter the amount in pounds, like 12345.00"

# (pattern on the API's message, the plain message); first match wins. {field} is the field's
# name in words, e.g. "criteria 1 weight".
_RULES = (
    (r"^must be (a decimal string|plain digits)", AMOUNT),
    (r"^at most 2 decimal places", "Enter the amount with no more than 2 decimal places, "
                                   "like 12345.50"),
    (r"^amount too large", "Enter a smaller amount, under £1,000,000,000,000,000"),
    (r"^must be an iso 4217 code", "Enter the currency as 3 capital letters, like GBP"),
    (r"^not a valid integer", "Enter {field} as a whole number, like 5"),
    (r"^not a valid (number|decimal)", "Enter {field} as a number, like 2.5"),
    (r"^not a valid (datetime|date)", "Enter {field} as a real date and time"),
    (r"^not a valid email", "Enter an email address in the correct format, like "
                            "name@example.org"),
    (r"^not a valid (string|boolean|list|mapping)", "Enter {field} again"),
    (r"^(missing data for required field|field may not be null|"
     r"shorter than minimum length 1\b)", "Enter {field}"),
    (r"^must be one of", "Select {field} from the list"),
    (r"^unknown field", "Remove {field}: this form does not use it"),
    (r"^must be greater than or equal to (\S+?)\.?$", "Enter {field} of at least {0}"),
    (r"^must be less than or equal to (\S+?)\.?$", "Enter {field} of at most {0}"),
    (r"^must be greater than or equal to (\S+) and less than or equal to (\S+?)\.?$",
     "Enter {field} from {0} to {1}"),
    (r"^longer than maximum length (\d+)", "Enter {field} in {0} characters or fewer"),
    (r"^not your current password", "Your current password is not correct"),
    (r"^must differ from the current password", "Enter a new password that is different from "
                                                "your current one"),
    (r"^must be at least (\d+) characters", "Enter a {field} of at least {0} characters"),
    (r"^must be at most (\d+) characters", "Enter a {field} of {0} characters or fewer"),
)
RULES = tuple((re.compile(pattern, re.IGNORECASE), text) for pattern, text in _RULES)


def field_words(path: str) -> str:
    """'criteria.0.weight' → 'criteria 1 weight'; 'price.ceiling.amount' → 'price ceiling'."""
    words = []
    for part in path.split("."):
        if part == "amount" or part == "_" or part == "_schema":
            continue
        words.append(str(int(part) + 1) if part.isdigit() else part.replace("_", " "))
    return " ".join(words) or "a value"


def plain(path: str, message: str) -> str:
    """The plain-English form of an API message about field ``path``."""
    for pattern, text in RULES:
        match = pattern.search(message.strip())
        if match:
            return text.format(*match.groups(), field=field_words(path))
    return message
