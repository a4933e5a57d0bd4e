"""Schemas of the notification endpoints: notices, preferences, follows, deliveries."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from services.gateway.domain.notifications import KINDS, MUTABLE
from shared.fields import Text
from shared.schemas import StrictSchema


class Notification(StrictSchema):
    """A notice to the signed-in user."""

    id = fields.String()
    kind = fields.String()
    tender_id = fields.String(allow_none=True)
    subject = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    unread = fields.Boolean()


class NotificationList(StrictSchema):
    """The user's notices, newest first, with the unread count."""

    items = fields.List(fields.Nested(Notification))
    unread = fields.Integer()
    next_cursor = fields.String(allow_none=True)


class NotificationQuery(StrictSchema):
    """Filters of the notification list."""

    unread_only = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class UnreadCount(StrictSchema):
    """How many notices are unread."""

    unread = fields.Integer()


class KindPreference(StrictSchema):
    """One kind of notice and whether the user muted it."""

    kind = fields.String()
    label = fields.String()
    mutable = fields.Boolean()
    muted = fields.Boolean()


class Preferences(StrictSchema):
    """The kinds the user muted; award decisions, receipts, amendments and cancellations
    cannot be muted."""

    muted = fields.List(fields.String())
    kinds = fields.List(fields.Nested(KindPreference), dump_only=True)


class MutableKind(validate.OneOf):
    """One of the kinds that can be muted (the enum in the OpenAPI); the error says whether the
    kind is unknown or a legally required notice."""

    def __init__(self) -> None:
        super().__init__(MUTABLE)

    def __call__(self, value: Any) -> Any:
        if value in KINDS and value not in MUTABLE:
            raise ValidationError(f"{value} is a legally required notice and cannot be muted.")
        if value not in MUTABLE:
            raise ValidationError(f"Unknown kind: {value}.")
        return value


class PreferencesUpdate(StrictSchema):
    """The complete list of kinds to mute."""

    muted = fields.List(Text(validate=MutableKind()), required=True,
                        validate=validate.Length(max=20))


class Follow(StrictSchema):
    """A tender the caller's organisation follows."""

    tender_id = fields.String()
    tender_title = fields.String(allow_none=True)
    reason = fields.String()
    submission_deadline = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class FollowList(StrictSchema):
    """Followed tenders."""

    items = fields.List(fields.Nested(Follow))
    next_cursor = fields.String(allow_none=True)


class Delivery(StrictSchema):
    """One e-mail of a notice, as admins see it."""

    id = fields.String()
    notification_id = fields.String()
    kind = fields.String()
    tender_id = fields.String(allow_none=True)
    user_id = fields.String()
    address = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


class DeliveryList(StrictSchema):
    """Deliveries in one state."""

    items = fields.List(fields.Nested(Delivery))
    next_cursor = fields.String(allow_none=True)


class DeliveryQuery(StrictSchema):
    """Which deliveries to list."""

    status = fields.String(load_default="failed",
                           validate=validate.OneOf(["failed", "pending", "sent"]))
