"""Gunicorn settings for every coprocure HTTP service (gateway, commissioning, scoring).

Everything is tunable from the environment, so one image serves all three services:
PORT / GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT,
GUNICORN_GRACEFUL_TIMEOUT, GUNICORN_KEEPALIVE, GUNICORN_MAX_REQUESTS, FORWARDED_ALLOW_IPS.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    """An integer from the environment, or the default when unset or empty."""
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _cpus() -> int:
    """CPUs this process may run on (affinity, not the host's count, where the OS tells us)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Containers often see the host's CPUs, not their quota: cap the default and let
# GUNICORN_WORKERS (set it to 2 x CPU limit + 1 in Kubernetes) say exactly.
MAX_DEFAULT_WORKERS = 8

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"
workers = _int("GUNICORN_WORKERS", min(2 * _cpus() + 1, MAX_DEFAULT_WORKERS))
# gthread: requests that wait on the database or an upstream service don't block a whole worker.
# (services/gunicorn_worker.py: gthread whose own error answers, e.g. 431, are problem+json.)
worker_class = "services.gunicorn_worker.ProblemThreadWorker"
threads = _int("GUNICORN_THREADS", 4)
# A worker silent this long is killed and replaced (the gateway's upstream timeout is shorter).
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM finish in-flight requests; keep this below the orchestrator's kill grace period
# (Kubernetes terminationGracePeriodSeconds defaults to 30, compose stop_grace_period to 10).
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
# Longer than the gateway's pooled client keeps idle connections, so the pool never
# reuses a socket gunicorn has just closed (seen as 502s in the deadline-rush bench).
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# Unlimited here: the gateway refuses over-long URIs itself, as a 414 problem+json.
limit_request_line = _int("GUNICORN_LIMIT_REQUEST_LINE", 0)
# Recycle workers now and then so a slow leak never becomes an outage.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# The app factory builds engines and pools; build them per worker, after the fork.
preload_app = False
# Heartbeat files on tmpfs: a container's overlay /tmp can stall and get workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Only the load balancer / ingress may set X-Forwarded-* (it is the only thing reaching the pods).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No runtime control socket in a container (gunicorn 27's `--no-control-socket`).
control_socket_disable = True

# Logs to stdout/stderr for the container runtime; the access log is one JSON object per line
# carrying the X-Request-ID the app stamps on every response (JSON-ish: gunicorn does not
# escape header values, so a hostile User-Agent could break a line; we log no free-text headers).
accesslog = "-"
errorlog = "-"
# gunicorn's own lines (booting, timeouts) as the same JSON lines as the app's.
logger_class = "services.gunicorn_worker.JsonLogger"
loglevel = os.environ.get("COPROCURE_LOG_LEVEL", "INFO").lower()
access_log_format = (
    '{"event": "http_access", "time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", '
    '"path": "%(U)s", "query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", '
    '"duration_us": %(D)s, "request_id": "%({x-request-id}o)s"}'
)
