"""The gateway-signed identity assertion: valid, expired, unsigned, tampered, wrong key."""

import base64
import json
import time

import jwt
import pytest

from shared.identity import AssertionInvalid, Identity, sign_assertion, verify_assertion

KEY = base64.b64encode(b"k" * 32).decode()
WHO = Identity(user_id="u1", organisation_id="o1", roles=("bidder",), lived_experience=True)


def test_round_trip():
    got = verify_assertion(KEY, sign_assertion(KEY, WHO))
    assert got.user_id == "u1" and got.roles == ("bidder",) and got.lived_experience


def test_expired():
    token = sign_assertion(KEY, WHO, ttl_seconds=1, now=time.time() - 120)
    with pytest.raises(AssertionInvalid, match="expired"):
        verify_assertion(KEY, token)


@pytest.mark.parametrize("token", [None, "", "not-a-jwt"])
def test_missing_or_garbage(token):
    with pytest.raises(AssertionInvalid):
        verify_assertion(KEY, token)


def test_alg_none_is_refused():
    claims = {"iss": "coprocure-gateway", "iat": int(time.time()), "exp": int(time.time()) + 60,
              "sub": "u1", "roles": ["admin"]}
    token = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(AssertionInvalid):
        verify_assertion(KEY, token)


def test_tampered_payload_is_refused():
    header, payload, sig = sign_assertion(KEY, WHO).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(AssertionInvalid):
        verify_assertion(KEY, f"{header}.{forged}.{sig}")


def test_other_key_is_refused():
    other = base64.b64encode(b"x" * 32).decode()
    with pytest.raises(AssertionInvalid):
        verify_assertion(KEY, sign_assertion(other, WHO))


def test_anonymous_assertion_round_trips():
    from shared.identity import Identity, sign_assertion, verify_assertion

    key = "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U="
    identity = verify_assertion(key, sign_assertion(key, Identity(request_id="r1")))
    assert identity.anonymous and identity.request_id == "r1"
