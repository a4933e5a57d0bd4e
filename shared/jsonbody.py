"""One strict look at every JSON request body before any view or parser reads it.

``json.loads`` keeps the last of duplicate keys (so `{"price": …, "price": …}` means what the
last one says, while an RFC 8785 hash or a reviewer may read the first) and raises
RecursionError on absurd nesting (a 500 where webargs parses it). Both are refused here, for
every service and the gateway's own endpoints alike: duplicates are a 422 naming the key,
nesting a 400.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request

from shared.problems import Problem, problem_response, validation_problem


class DuplicateKey(ValueError):
    """A JSON object names the same key twice."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key)
        out[key] = value
    return out


def strict_loads(raw: bytes) -> Any:
    """Parse JSON, refusing duplicate keys (DuplicateKey) and deep nesting (RecursionError)."""
    return json.loads(raw, object_pairs_hook=_no_duplicates)


def install_json_guard(app: Flask) -> None:
    """Check each JSON body once, before the views (and before the rate limiter reads it)."""

    @app.before_request
    def _check_json_body():
        if not request.is_json or request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        raw = request.get_data(cache=True)  # the views and the proxy read the cached bytes
        if not raw:
            return None
        try:
            strict_loads(raw)
        except DuplicateKey as dup:
            return problem_response(validation_problem(
                {dup.key: ["Appears more than once in the same JSON object."]},
                detail="The JSON body names a key twice"))
        except RecursionError:
            return problem_response(Problem(400, "Bad request", "JSON nested too deeply"))
        except ValueError:
            return None  # not JSON at all: the parsers answer that with their own 400/422
        return None
