"""RFC 8785 (JSON Canonicalization Scheme) encoding and SHA-256: the project's one hash."""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec
import rfc8785

__all__ = ["CanonicalizationError", "canonical_json", "canonical_sha256", "sha256_hex"]

CanonicalizationError = rfc8785.CanonicalizationError

_SORTED = msgspec.json.Encoder(order="sorted")
_SAFE = 2**53 - 1  # rfc8785's integer domain
_SURROGATES = "\ud800"  # the first code point whose UTF-16 order may differ from its own


def canonical_json(obj: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 encoding of a JSON-compatible object.

    msgspec writes it when ``obj`` is made of strings, safe integers, floats, booleans, null,
    lists and objects whose keys sort the same by code point as by UTF-16 (no key reaches
    U+D800): for these it writes exactly RFC 8785's bytes (the same escapes, sorted keys,
    integers as digits), many times faster; each float is written by ``rfc8785`` itself. Any
    other value goes to ``rfc8785``, which also raises its errors.
    tests/unit/shared/test_canonical.py checks the two agree.
    """
    try:
        return _SORTED.encode(obj if _plain(obj) else _prepared(obj))
    except Exception:  # noqa: BLE001 - whatever it is, rfc8785 decides (and names the error)
        return rfc8785.dumps(obj)


def _plain(obj: Any) -> bool:
    """True when msgspec writes ``obj`` as it stands: its floats (if any) are ones msgspec and
    RFC 8785 both write as plain decimals with the same shortest digits (not whole, between
    1e-4 and 1e15); nothing is copied. False sends it to :func:`_prepared`."""
    stack = [obj]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is dict:
            for key, value in item.items():
                if type(key) is not str or (key and not key.isascii() and max(key) >= _SURROGATES):
                    return False
                push(value)
        elif kind is list or kind is tuple:
            extend(item)
        elif kind is int:
            if not -_SAFE <= item <= _SAFE:
                return False
        elif kind is float:
            if not (1e-4 <= abs(item) < 1e15) or item.is_integer():
                return False
        else:
            return False
    return True


class _Defer(Exception):
    """A value the msgspec path could write differently from RFC 8785."""


def _prepared(item: Any) -> Any:
    """``item`` with each float replaced by its RFC 8785 bytes; ``_Defer`` for anything else."""
    kind = type(item)
    if kind is str or kind is bool or item is None:
        return item
    if kind is int:
        if -_SAFE <= item <= _SAFE:
            return item
        raise _Defer
    if kind is float:
        return msgspec.Raw(rfc8785.dumps(item))
    if kind is dict:
        for key in item:
            if type(key) is not str or (key and not key.isascii() and max(key) >= _SURROGATES):
                raise _Defer
        return {key: _prepared(value) for key, value in item.items()}
    if kind is list or kind is tuple:
        return [_prepared(value) for value in item]
    raise _Defer


def sha256_hex(data: bytes) -> str:
    """The lowercase hex SHA-256 digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def canonical_sha256(obj: Any) -> str:
    """The lowercase hex SHA-256 of the RFC 8785 canonical JSON of ``obj``."""
    return sha256_hex(canonical_json(obj))
