"""Authorization matrix with real objects, BOLA and mass assignment (needs the services' routes).

Written against docs/api.md.
"""

from __future__ import annotations

import uuid

import pytest

from tests.security.conftest import create_tender, make_bidder, submit_bid
from tests.support.builders import bid_body, tender_body

pytestmark = pytest.mark.security
ROLES = ("anonymous", "admin", "commissioner", "bidder", "evaluator", "moderator", "auditor")


def call(gw, actors, role, method, path, body=None):
    headers = {} if role == "anonymous" else actors[role].headers
    return gw.request(method, "/api/v1" + path, headers=headers, json=body)


@pytest.fixture(scope="module")
def world(gw, actors):
    """A draft and a published tender of the council, and the bidder's bid on the latter."""
    draft = create_tender(gw, actors["commissioner"], publish=False)
    published = create_tender(gw, actors["commissioner"])
    bid = submit_bid(gw, actors["bidder"], published["id"])
    return {"draft": draft, "published": published, "bid": bid}


# (method, path template, body, {role: expected status}); anonymous and unlisted roles get
# 401 / 403. Pre-deadline state: nobody but the bidder reads the bid. The same roles against
# every docs/api.md route after the deadline and award: test_matrix_after_award.py.
def matrix(world) -> list[tuple[str, str, dict | None, dict[str, int]]]:
    t, d, b = world["published"]["id"], world["draft"]["id"], world["bid"]["id"]
    everyone = dict.fromkeys(ROLES, 200)
    return [
        ("GET", "/tenders", None, everyone),
        ("GET", f"/tenders/{t}", None, everyone),
        ("GET", f"/tenders/{t}/questions", None, everyone),
        ("POST", "/tenders", tender_body(), {"commissioner": 201}),
        ("PATCH", f"/tenders/{d}", {"title": "Renamed"}, {"commissioner": 200}),
        ("POST", f"/tenders/{t}/questions", {"question": "Is TUPE expected?"}, {"bidder": 201}),
        ("GET", f"/bids/{b}", None, {"bidder": 200, "commissioner": 404, "evaluator": 404,
                                     "moderator": 404, "auditor": 404}),
        ("GET", f"/tenders/{t}/bids", None, {"bidder": 200, "commissioner": 403,
                                             "evaluator": 403, "moderator": 403,
                                             "auditor": 403}),
        ("GET", "/audit/tree-head", None, everyone),
        ("GET", "/audit/public-key", None, everyone),
        ("GET", "/audit/events", None, {"auditor": 200}),
    ]


def test_authorization_matrix(gw, actors, world):
    failures = []
    for method, path, body, allowed in matrix(world):
        for role in ROLES:
            expected = allowed.get(role, 401 if role == "anonymous" else 403)
            got = call(gw, actors, role, method, path, body).status_code
            if got != expected and not (expected == 403 and got == 404 and role in allowed):
                failures.append(f"{method} {path} as {role}: expected {expected}, got {got}")
    assert not failures, "\n".join(failures)


def test_bola_another_organisations_bid_is_404(gw, actors, world):
    intruder = make_bidder(gw)
    bid_id = world["bid"]["id"]
    assert gw.get(f"/api/v1/bids/{bid_id}", headers=intruder.headers).status_code == 404
    assert gw.put(f"/api/v1/bids/{bid_id}", headers=intruder.headers,
                  json=bid_body()).status_code == 404
    assert gw.post(f"/api/v1/bids/{bid_id}/withdraw",
                   headers=intruder.headers).status_code == 404
    assert gw.get(f"/api/v1/bids/{bid_id}", headers=actors["bidder"].headers).status_code == 200


def test_bola_walking_ids_is_404(gw, actors, world):
    bid_id = world["bid"]["id"]
    guesses = [bid_id[:-1] + c for c in "0123456789abcdef" if not bid_id.endswith(c)][:6]
    guesses += [f"bid_{uuid.uuid4().hex}", "1", "2", "0"]
    for guess in guesses:
        resp = gw.get(f"/api/v1/bids/{guess}", headers=actors["bidder"].headers)
        assert resp.status_code == 404, (guess, resp.status_code)


def test_bola_another_tenders_scores_are_404(gw, actors, world):
    other = create_tender(gw, actors["commissioner"])
    resp = gw.post(f"/api/v1/tenders/{other['id']}/bids/{world['bid']['id']}/scores",
                   headers=actors["evaluator"].headers,
                   json={"criterion_key": "Q1", "score": 3, "justification": "x"})
    assert resp.status_code in (403, 404), resp.status_code
    resp = gw.get(f"/api/v1/tenders/{other['id']}/bids/{world['bid']['id']}/scores",
                  headers=actors["auditor"].headers)
    assert resp.status_code in (403, 404), resp.status_code


@pytest.mark.parametrize("field", ["status", "owner", "submitted_at", "organisation_id", "id"])
def test_mass_assignment_on_tenders_is_422(gw, actors, field):
    body = tender_body(**{field: "awarded" if field == "status" else "x"})
    resp = gw.post("/api/v1/tenders", headers=actors["commissioner"].headers, json=body)
    assert resp.status_code == 422, resp.text
    assert field in resp.json()["errors"]


@pytest.mark.parametrize("field", ["status", "score", "owner", "submitted_at", "version",
                                   "receipt"])
def test_mass_assignment_on_bids_is_422(gw, actors, world, field):
    body = {**bid_body(), field: "x"}
    bidder = make_bidder(gw)
    resp = gw.post(f"/api/v1/tenders/{world['published']['id']}/bids", headers=bidder.headers,
                   json=body)
    assert resp.status_code == 422, resp.text
    assert field in resp.json()["errors"]


@pytest.mark.parametrize("field", ["roles", "active", "id", "organisation_id"])
def test_mass_assignment_on_registration_is_422(gw, field):
    resp = gw.post("/api/v1/auth/register", json={
        "email": f"m-{uuid.uuid4().hex[:8]}@example.org", "password": "long enough password",
        "organisation": {"name": f"Org {uuid.uuid4().hex[:8]}", "kind": "charity"},
        field: ["admin"] if field == "roles" else "x"})
    assert resp.status_code == 422 and field in resp.json()["errors"]


def test_a_bidder_lists_only_its_own_bids(gw, actors, world):
    tid, bid_id = world["published"]["id"], world["bid"]["id"]
    own = call(gw, actors, "bidder", "GET", f"/tenders/{tid}/bids")
    assert own.status_code == 200 and [b["id"] for b in own.json()["items"]] == [bid_id]
    stranger = make_bidder(gw)
    other = gw.get(f"/api/v1/tenders/{tid}/bids", headers=stranger.headers)
    assert other.status_code == 200 and other.json()["items"] == []
    assert bid_id not in other.text
