"""Rate limits (flask-limiter over Redis): per IP, per token, and harder ones for sign-in."""

from __future__ import annotations

import hashlib
import time

from flask import Flask, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded

from shared.problems import Problem, problem_response

# Endpoints where passwords are tried or accounts created.
LOGIN_ENDPOINTS = frozenset({"identity.Token", "identity.Register"})


def client_ip() -> str:
    """The peer address (the gateway is the edge; put ProxyFix in front if it is not)."""
    return request.remote_addr or "unknown"


def token_key() -> str:
    """A key per presented bearer token (hashed; anonymous callers share one bucket per IP)."""
    header = request.headers.get("Authorization")
    if not header:
        return "anon:" + client_ip()
    return "tok:" + hashlib.sha256(header.encode()).hexdigest()


def _email_digest() -> str | None:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str):
        return None
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def email_key() -> str:
    """A key per email *and* address tried at sign-in or registration: failures from one
    address never lock the account's owner out at another (issue 14: anyone could lock a
    chosen bidder out before a deadline by failing 10 times a minute with its email)."""
    digest = _email_digest()
    if digest is None:
        return "noemail:" + client_ip()
    return f"email:{digest}:{client_ip()}"


def failure_delay(failures: int, base: float, cap: float) -> float:
    """Seconds to hold a failed sign-in's answer: nothing for the first three failures of an
    account from an address, then doubling from ``base`` up to ``cap``."""
    if failures <= FREE_FAILURES or base <= 0:
        return 0.0
    return min(cap, base * 2 ** (failures - FREE_FAILURES - 1))


FREE_FAILURES = 3
FAILURE_MEMORY_SECONDS = 900


def _slow_down_guessing(app: Flask):
    """After a failed sign-in, count it for the account and address, and hold the answer for a
    growing delay. Only failures wait: the owner's right password answers at once."""
    base = float(app.config.get("LOGIN_FAILURE_DELAY_SECONDS", 0.25))
    cap = float(app.config.get("LOGIN_FAILURE_DELAY_MAX_SECONDS", 5.0))

    def after(response):
        if request.endpoint != "identity.Token" or request.method != "POST" \
                or response.status_code != 401:
            return response
        digest = _email_digest()
        if digest is None:
            return response
        key = f"coprocure-gw:login-failures:{digest}:{client_ip()}"
        try:
            redis = app.extensions["coprocure"].redis
            failures = int(redis.incr(key))
            redis.expire(key, FAILURE_MEMORY_SECONDS)
        except Exception:  # Redis down: limits lapse rather than the API (as flask-limiter's)
            return response
        delay = failure_delay(failures, base, cap)
        if delay:
            time.sleep(delay)
        return response

    return after


def _not_login() -> bool:
    return request.method != "POST" or request.endpoint not in LOGIN_ENDPOINTS


def _failed(response) -> bool:
    return response.status_code >= 400


def _unlimited() -> bool:
    return request.path in ("/healthz", "/readyz", "/api/v1/healthz", "/api/v1/readyz")


# One counter per request (one Redis round trip): signed-in callers are limited per token,
# anonymous ones per IP. Sign-in and registration add their own, harder, limits.
def _signed_in_or_unlimited() -> bool:
    return _unlimited() or bool(request.headers.get("Authorization"))


def _anonymous_or_unlimited() -> bool:
    return _unlimited() or not request.headers.get("Authorization")


def _too_many_handler(limiter: Limiter):
    def too_many(exc: RateLimitExceeded):
        retry_after = 1
        try:
            current = limiter.current_limit
            if current is not None:
                retry_after = max(1, int(current.reset_at - time.time()))
        except Exception:  # storage hiccup: a conservative default beats a 500
            retry_after = 60
        return problem_response(Problem(
            429, "Too many requests", f"Rate limit exceeded ({exc.description}); retry later",
            headers={"Retry-After": str(retry_after)}))

    return too_many


def install_rate_limits(app: Flask) -> Limiter:
    """Attach the limiter; its before_request must run before authentication."""
    cfg = app.config
    sandbox = bool(cfg.get("SANDBOX"))
    general = cfg.get("RATE_LIMIT") or ("6000/minute" if sandbox else "600/minute")
    per_ip = cfg.get("IP_RATE_LIMIT") or ("12000/minute" if sandbox else "1200/minute")
    login_ip = cfg.get("LOGIN_IP_RATE_LIMIT") or ("300/minute" if sandbox else "10/minute")
    login_email = cfg.get("LOGIN_RATE_LIMIT") or "10/minute"
    limiter = Limiter(
        key_func=client_ip,
        app=None,
        storage_uri=cfg.get("RATELIMIT_STORAGE_URI") or cfg.get("REDIS_URL") or "memory://",
        storage_options={"socket_connect_timeout": 2, "socket_timeout": 2},
        # Moving window: no burst of 2x the limit across a window boundary.
        strategy="fixed-window" if cfg.get("RATELIMIT_FIXED_WINDOW") else "moving-window",
        # Off: flask-limiter would stamp (and override) Retry-After on every response.
        headers_enabled=False,
        # A Redis outage must not take the API down; limits resume when Redis is back.
        swallow_errors=True,
        key_prefix="coprocure-gw",
        application_limits=[
            ApplicationLimit(per_ip, key_function=client_ip, scope="ip",
                             exempt_when=_signed_in_or_unlimited),
            ApplicationLimit(general, key_function=token_key, scope="token",
                             exempt_when=_anonymous_or_unlimited),
            ApplicationLimit(login_ip, key_function=client_ip, scope="login-ip",
                             exempt_when=_not_login),
            # Per account and address, only failures count: guessing is stopped, signing in
            # often is not, and nobody elsewhere can spend the owner's allowance.
            ApplicationLimit(login_email, key_function=email_key, scope="login-email",
                             exempt_when=_not_login, deduct_when=_failed),
        ],
    )
    limiter.init_app(app)
    app.after_request(_slow_down_guessing(app))
    app.register_error_handler(RateLimitExceeded, _too_many_handler(limiter))
    return limiter
