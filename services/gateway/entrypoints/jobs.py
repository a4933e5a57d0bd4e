"""rq jobs of the gateway: notification events in, one letter per job out (real clock)."""

from __future__ import annotations

from typing import Any

from services.gateway import context as runtime
from services.gateway.service_layer import notifications
from shared.contracts import NotificationEvent, SendNotification, Tick, load_payload


def record_notification_event(payload: dict[str, Any]) -> str:
    """Turn a NotificationEvent into notices and their send jobs, once."""
    event = load_payload(NotificationEvent, payload)
    return notifications.record_event(runtime.process_context(), event)


def send_notification(payload: dict[str, Any]) -> str:
    """Send one letter; an SMTP failure raises so rq retries it with backoff."""
    data = load_payload(SendNotification, payload)
    return notifications.send_delivery(runtime.process_context(), data["delivery_id"],
                                       last_attempt=_last_attempt())


def send_reminders(payload: dict[str, Any]) -> int:
    """The scheduler's tick: deadline reminders now due."""
    load_payload(Tick, payload)
    return notifications.send_reminders(runtime.process_context())


def _last_attempt() -> bool:
    """True when rq will not retry this job again if it fails now."""
    from rq import get_current_job

    job = get_current_job()
    return job is None or not job.retries_left
