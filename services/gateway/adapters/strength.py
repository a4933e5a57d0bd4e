"""Password strength: zxcvbn's estimate of how many guesses a password takes.

Length alone let "password1234" and twelve spaces through; zxcvbn (Dropbox's maintained
estimator) knows common passwords, keyboard runs, repeats and dates, and is told the account's
own e-mail and organisation name so a password built from them counts as weak.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" (~10^10 guesses) offline
MAX_CHECKED = 72  # zxcvbn refuses longer input (and is quadratic): judge the start


def weakness(password: str, user_inputs: list[str] | tuple[str, ...] = ()) -> str | None:
    """Why the password is too weak, or None when it is strong enough."""
    inputs = []
    for item in filter(None, user_inputs):
        words = item.lower().replace("@", " ").replace(".", " ").split()
        inputs += [*words, "".join(words), "".join(item.lower().split())]
    result = zxcvbn(password[:MAX_CHECKED], user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result.get("feedback") or {}
    hint = feedback.get("warning") or " ".join(feedback.get("suggestions") or [])
    return "Too easy to guess" + (f": {hint.rstrip('.')}." if hint else ".") + \
        " Try a few unrelated words."
