"""Opaque ids: a short type prefix and 128 random bits, e.g. ``tnd_3f2c…``."""

from __future__ import annotations

import uuid


def new_id(prefix: str) -> str:
    """A fresh id such as ``tnd_3f2c…`` (the prefix names the kind of object)."""
    return f"{prefix}_{uuid.uuid4().hex}"
