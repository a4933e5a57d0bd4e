"""Opaque ids: a short type prefix and 128 random bits, e.g. ``tnd_3f2c…``."""

from __future__ import annotations

import re
import uuid

_ID_SHAPE = re.compile(r"([a-z]{2,8})_[0-9a-f]{32}")


def new_id(prefix: str) -> str:
    """A fresh id such as ``tnd_3f2c…`` (the prefix names the kind of object)."""
    return f"{prefix}_{uuid.uuid4().hex}"


def has_id_shape(value: str, prefix: str) -> bool:
    """True if ``value`` has the shape ``new_id(prefix)`` gives (not that such an object exists):
    a caller may then be worth waiting for, a random string never is."""
    found = _ID_SHAPE.fullmatch(value)
    return found is not None and found.group(1) == prefix
