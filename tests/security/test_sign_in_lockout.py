"""Nobody can lock a bidder out of sign-in (issue 14, item 6).

An attacker floods wrong passwords for the victim's e-mail from one address (127.0.0.2, a real
second loopback address) while the owner signs in from another (127.0.0.1): the attacker is
limited and slowed down, the owner is not.
"""

from __future__ import annotations

import time

import httpx
import pytest

from tests.security.conftest import PASSWORD, make_bidder

pytestmark = pytest.mark.security
TOKEN = "/api/v1/auth/token"


def test_the_owner_signs_in_while_an_attacker_floods_wrong_passwords(platform, gw):
    victim = make_bidder(gw)
    email = victim.user["email"]
    attacker = httpx.Client(base_url=platform.url(), timeout=60,
                            transport=httpx.HTTPTransport(local_address="127.0.0.2"))
    try:
        codes, took = [], []
        for i in range(14):
            start = time.monotonic()
            codes.append(attacker.post(TOKEN, json={"email": email,
                                                    "password": f"guess number {i:04d}"})
                         .status_code)
            took.append(time.monotonic() - start)
            if i in (5, 13):  # mid-attack and once the attacker is locked out
                owner = gw.post(TOKEN, json={"email": email, "password": PASSWORD})
                assert owner.status_code == 200, (i, owner.status_code, owner.text)
        # The attacker's address is limited (10 failures a minute) and slowed down first.
        assert codes[:10] == [401] * 10 and codes[10:] == [429] * 4, codes
        assert max(took[6:10]) > 4 * max(min(took[:3]), 0.05), took
        # Its own right-password attempt is what stays blocked, not the owner's.
        blocked = attacker.post(TOKEN, json={"email": email, "password": PASSWORD})
        assert blocked.status_code == 429
    finally:
        attacker.close()
