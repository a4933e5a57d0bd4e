"""Strict marshmallow fields: no type coercion, no NUL or lone surrogates, bounded values."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any

from marshmallow import ValidationError, fields, validate

from shared.time import rfc3339

MIN_YEAR, MAX_YEAR = 2000, 2999


class Text(fields.String):
    """A string that a database can store: no NUL characters, no lone surrogates."""

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        result = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in result:
            raise ValidationError("Must not contain NUL characters.")
        try:
            result.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValidationError("Must be valid Unicode text.") from exc
        return result


class Pattern(validate.Regexp):
    """A JSON Schema ``pattern`` (shown in the OpenAPI) matched as JSON Schema does: anywhere in
    the value unless anchored (``re.search``, not ``re.match``), and ``$`` is the end of the
    value, never before a trailing newline."""

    def __init__(self, pattern: str, error: str | None = None):
        super().__init__(pattern, error=error)
        self._whole = re.compile(pattern.removesuffix("$") + r"\Z" if pattern.endswith("$")
                                 else pattern)

    def __call__(self, value: str) -> str:
        if self._whole.search(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class UniqueItems(validate.Validator):
    """No item twice in a list (``uniqueItems`` in the OpenAPI)."""

    def __init__(self, error: str = "Each item may appear once."):
        self.error = error

    def __call__(self, value: list) -> list:
        if len(set(map(repr, value))) != len(value):
            raise ValidationError(self.error)
        return value


class StrictBoolean(fields.Boolean):
    """Only JSON ``true``/``false``."""

    def _deserialize(self, value: Any, attr, data, **kwargs) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean.")
        return value


class StrictNumber(fields.Float):
    """A finite JSON number (not a string, not a boolean), within ``±limit``."""

    def __init__(self, *, limit: float = 1e12, **kwargs: Any):
        super().__init__(allow_nan=False, **kwargs)
        self.limit = limit

    def _deserialize(self, value: Any, attr, data, **kwargs) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("Not a valid number.")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError("Must be a finite number.")
        if abs(value) > self.limit:
            raise ValidationError(f"Must be between -{self.limit:g} and {self.limit:g}.")
        return value


class StrictInteger(fields.Integer):
    """A JSON integer (not a string, a fraction or a boolean). ``7.0`` is the integer 7, as in
    JSON Schema's ``integer`` (the OpenAPI's type)."""

    def __init__(self, **kwargs: Any):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> int:
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


class UTCDateTime(fields.AwareDateTime):
    """An RFC 3339 timestamp with an offset, returned as aware UTC."""

    def __init__(self, **kwargs: Any):
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> datetime:
        if not isinstance(value, str):
            raise ValidationError("Not a valid datetime.")
        result = super()._deserialize(value, attr, data, **kwargs)
        try:
            result = result.astimezone(UTC)
        except (OverflowError, ValueError) as exc:
            raise ValidationError("Datetime out of range.") from exc
        if not MIN_YEAR <= result.year <= MAX_YEAR:
            raise ValidationError(f"Year must be between {MIN_YEAR} and {MAX_YEAR}.")
        return result

    def _serialize(self, value: Any, attr, obj, **kwargs) -> str | None:
        if isinstance(value, str) or value is None:
            return value
        return rfc3339(value)


class BoundedDate(fields.Date):
    """An ISO date (YYYY-MM-DD) in a sane range."""

    def _deserialize(self, value: Any, attr, data, **kwargs) -> date:
        if not isinstance(value, str):
            raise ValidationError("Not a valid date.")
        result = super()._deserialize(value, attr, data, **kwargs)
        if not 1900 <= result.year <= MAX_YEAR:
            raise ValidationError(f"Year must be between 1900 and {MAX_YEAR}.")
        return result
