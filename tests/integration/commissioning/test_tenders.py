"""Tenders over HTTP: create, validate, edit, publish, amend, cancel, list, visibility."""

from __future__ import annotations

from datetime import timedelta

from tests.support.builders import bid_body, tender_body

from .conftest import rfc


def test_create_gives_a_draft_with_the_default_criteria(world):
    body = tender_body(world.clock())
    resp = world.post("/tenders", body)
    assert resp.status_code == 201
    t = resp.get_json()
    assert t["status"] == "draft" and t["version"] == 1 and t["id"].startswith("tnd_")
    assert t["organisation_id"] == "org_council_a"
    assert t["owner_user_id"] == world.actors["commissioner"].user_id
    assert [(c["key"], c["weight"]) for c in t["criteria"]] == [
        ("Q1", 20), ("Q2", 15), ("Q3", 10), ("Q4", 10), ("Q5", 5), ("SV", 10)]
    assert all(set(c["descriptors"]) >= {"0", "1", "3", "5"} for c in t["criteria"])
    assert t["price"]["weight"] == 30 and t["evaluation"]["standstill_working_days"] == 8
    assert t["tie_break"][0] == {"by": "criteria_points", "criteria": ["Q1", "Q2"],
                                 "order": "desc"}
    assert t["submission_deadline"] == body["submission_deadline"]
    assert t["amendments"] == [] and "bid_count" not in t


def test_only_commissioners_create(world):
    for who in ("bidder", "evaluator", "auditor", "admin"):
        assert world.post("/tenders", tender_body(world.clock()), who=who).status_code == 403


def test_custom_criteria_must_sum_to_100_with_price_to_publish(world):
    crit = [{"key": "Q1", "title": "Outcomes", "category": "outcomes", "weight": 50,
             "descriptors": {"0": "a", "1": "b", "3": "c", "5": "d"}}]
    resp = world.post("/tenders", tender_body(world.clock(), criteria=crit))
    assert resp.status_code == 201  # a draft may be incomplete
    draft = resp.get_json()
    resp = world.post(f"/tenders/{draft['id']}/publish")
    assert resp.status_code == 422
    assert "criteria" in resp.get_json()["errors"]
    assert "80" in resp.get_json()["errors"]["criteria"][0]  # says what the total is
    crit[0]["weight"] = 70
    assert world.patch(f"/tenders/{draft['id']}", {"criteria": crit}).status_code == 200
    assert world.post(f"/tenders/{draft['id']}/publish").status_code == 200


def test_drafts_with_deadlines_not_yet_right_publish_only_when_fixed(world):
    now = world.clock()
    for overrides, field in (
            ({"submission_deadline": rfc(now - timedelta(seconds=1))}, "submission_deadline"),
            ({"clarification_deadline": rfc(now + timedelta(days=30))},
             "clarification_deadline")):
        resp = world.post("/tenders", tender_body(now, **overrides))
        assert resp.status_code == 201, resp.get_json()
        draft = resp.get_json()
        resp = world.post(f"/tenders/{draft['id']}/publish")
        assert resp.status_code == 422
        assert resp.headers["Content-Type"].startswith("application/problem+json")
        assert field in resp.get_json()["errors"], resp.get_json()
        assert world.get(f"/tenders/{draft['id']}").get_json()["status"] == "draft"


def test_an_edit_without_a_body_is_refused_naming_body(world):
    """The OpenAPI says the body is required; webargs read a missing one as {} (a 200)."""
    t = world.draft()
    hdrs = world.h("commissioner")
    for extra in ({}, {"data": b"{}", "content_type": "text/plain"}):
        resp = world.client.patch(f"/api/v1/tenders/{t['id']}", headers=hdrs, **extra)
        assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
        assert list(resp.get_json()["errors"]) == ["body"]
    assert world.patch(f"/tenders/{t['id']}", {}).status_code == 200  # an empty change is one


def test_an_integer_with_a_zero_fraction_is_that_integer(world):
    t = world.draft()
    resp = world.patch(f"/tenders/{t['id']}", {"evaluation": {"min_evaluators": 2.0}})
    assert resp.status_code == 200 and resp.get_json()["evaluation"]["min_evaluators"] == 2
    half = world.patch(f"/tenders/{t['id']}", {"evaluation": {"min_evaluators": 2.5}})
    assert half.status_code == 422 and "evaluation.min_evaluators" in half.get_json()["errors"]


def test_validation_names_the_field(world):
    now = world.clock()
    cases = [
        ({"criteria": [{"key": "Q1", "title": "x", "category": "outcomes", "weight": 35},
                       {"key": "Q1", "title": "y", "category": "quality", "weight": 35}]},
         "criteria.1.key"),
        ({"criteria": [{"key": "Q1", "title": "x", "category": "nonsense", "weight": 70}]},
         "criteria.0.category"),
        ({"price": {"weight": 30, "formula": "guess"}}, "price.formula"),
        ({"price": {"weight": 30, "formula": "fixed_price"}}, "price.weight"),
        ({"price": {"weight": 30, "formula": "absolute_benchmark",
                    "ceiling": {"amount": "100.00", "currency": "GBP"},
                    "floor": {"amount": "200.00", "currency": "GBP"}}}, "price.floor"),
        ({"submission_deadline": "2030-04-01T12:00:00"}, "submission_deadline"),  # no offset
        ({"title": ""}, "title"),
        ({"title": 12}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"status": "published"}, "status"),
        ({"owner_user_id": "usr_me"}, "owner_user_id"),
        ({"submitted_at": rfc(now)}, "submitted_at"),
        ({"estimated_value": {"amount": 450000, "currency": "GBP"}}, "estimated_value.amount"),
        ({"estimated_value": {"amount": "1e400", "currency": "GBP"}}, "estimated_value.amount"),
        ({"evaluation": {"min_quality_share": 2}}, "evaluation.min_quality_share"),
        ({"evaluation": {"require_lived_experience": "yes"}},
         "evaluation.require_lived_experience"),
        ({"description": "a\x00b"}, "description"),
        ({"submission_deadline": "9999-12-31T23:59:59-05:00"}, "submission_deadline"),
    ]
    for overrides, field in cases:
        resp = world.post("/tenders", tender_body(now, **overrides))
        assert resp.status_code == 422, (overrides, resp.get_json())
        assert resp.headers["Content-Type"].startswith("application/problem+json")
        assert field in resp.get_json()["errors"], (overrides, resp.get_json())
    missing = {k: v for k, v in tender_body(now).items() if k != "title"}
    assert "title" in world.post("/tenders", missing).get_json()["errors"]
    assert world.post("/tenders", [1, 2]).status_code == 422


def test_patch_edits_drafts_of_the_owner_only(world):
    t = world.draft()
    resp = world.patch(f"/tenders/{t['id']}", {"title": "Renamed",
                                                "evaluation": {"mode": "automatic"}})
    assert resp.status_code == 200
    assert resp.get_json()["title"] == "Renamed"
    assert resp.get_json()["evaluation"]["mode"] == "automatic"
    assert resp.get_json()["evaluation"]["min_evaluators"] == 3  # merged, not replaced
    assert world.patch(f"/tenders/{t['id']}", {"title": "x"}, who="colleague").status_code == 200
    assert world.patch(f"/tenders/{t['id']}", {"title": "x"},
                       who="other_commissioner").status_code == 404
    assert world.patch(f"/tenders/{t['id']}", {"status": "published"}).status_code == 422
    assert world.patch("/tenders/tnd_nope", {"title": "x"}).status_code == 404


def test_drafts_are_invisible_outside_the_organisation(world):
    t = world.draft()
    assert world.get(f"/tenders/{t['id']}").status_code == 200
    assert world.get(f"/tenders/{t['id']}", who="colleague").status_code == 200
    for who in ("other_commissioner", "bidder", "auditor", "evaluator"):
        assert world.get(f"/tenders/{t['id']}", who=who).status_code == 404
        assert world.get("/tenders", who=who).get_json()["items"] == []
    world.post(f"/tenders/{t['id']}/publish")
    assert world.get(f"/tenders/{t['id']}", who="bidder").status_code == 200


def test_publish_checks_completeness(world):
    t = world.draft(price={"weight": 30, "formula": "absolute_benchmark"})
    resp = world.post(f"/tenders/{t['id']}/publish")
    assert resp.status_code == 422
    assert {"price.ceiling", "price.floor"} <= set(resp.get_json()["errors"])
    t = world.draft(submission_deadline=None, clarification_deadline=None)
    errors = world.post(f"/tenders/{t['id']}/publish").get_json()["errors"]
    assert {"submission_deadline", "clarification_deadline"} <= set(errors)
    t = world.draft(price={"weight": 40, "formula": "relative_to_lowest"})
    assert "criteria" in world.post(f"/tenders/{t['id']}/publish").get_json()["errors"]
    t = world.draft()
    world.clock.advance(days=15)  # the clarification deadline is now in the past
    resp = world.post(f"/tenders/{t['id']}/publish")
    assert "clarification_deadline" in resp.get_json()["errors"]
    assert world.get(f"/tenders/{t['id']}").get_json()["status"] == "draft"


def test_publish_by_others_is_refused(world):
    t = world.draft()
    assert world.post(f"/tenders/{t['id']}/publish", who="other_commissioner").status_code == 404
    assert world.post(f"/tenders/{t['id']}/publish", who="bidder").status_code == 403


def test_minimum_periods_apply_outside_the_sandbox(make_app):
    from .conftest import Clock, World, cast

    clock = Clock()
    app = make_app("commissioning", CLOCK=clock, SANDBOX=False)
    w = World(app=app, client=app.test_client(), clock=clock, actors=cast())
    now = clock()
    t = w.draft(clarification_deadline=rfc(now + timedelta(days=2)),
                submission_deadline=rfc(now + timedelta(days=5)))
    errors = w.post(f"/tenders/{t['id']}/publish").get_json()["errors"]
    assert "submission_deadline" in errors and "clarification_deadline" in errors
    t = w.published()  # 10 and 20 days: fine
    # An amendment 5 days before the deadline must extend it by at least 7 days from now.
    clock.now = now + timedelta(days=15)
    resp = w.post(f"/tenders/{t['id']}/amendments", {"changes": {"title": "New"},
                                                      "reason": "typo"})
    assert resp.status_code == 422
    assert "changes.submission_deadline" in resp.get_json()["errors"]
    resp = w.post(f"/tenders/{t['id']}/amendments", {
        "changes": {"submission_deadline": rfc(clock() + timedelta(days=8))},
        "reason": "more time"})
    assert resp.status_code == 201, resp.get_json()


def test_sandbox_allows_a_deadline_seconds_ahead(world):
    now = world.clock()
    t = world.published(clarification_deadline=rfc(now + timedelta(seconds=2)),
                        submission_deadline=rfc(now + timedelta(seconds=5)))
    assert t["status"] == "published"


def test_amendment_versions_the_tender_and_flags_older_bids(world):
    t = world.published()
    bid = world.bid(t["id"]).get_json()
    new_deadline = rfc(world.clock() + timedelta(days=25))
    resp = world.post(f"/tenders/{t['id']}/amendments", {
        "changes": {"submission_deadline": new_deadline, "description": "Now with more detail"},
        "reason": "Clarified scope after questions"})
    assert resp.status_code == 201
    amended = resp.get_json()
    assert amended["version"] == 2 and amended["submission_deadline"] == new_deadline
    assert amended["amendments"] == [{
        "version": 2, "reason": "Clarified scope after questions",
        "changes": {"submission_deadline": new_deadline, "description": "Now with more detail"},
        "amended_at": rfc(world.clock())}]
    mine = world.get(f"/bids/{bid['id']}", who="bidder").get_json()
    assert mine["needs_confirmation"] is True and mine["tender_version"] == 1
    resp = world.put(f"/bids/{bid['id']}", bid_body())  # the bidder confirms by amending
    assert resp.status_code == 200 and resp.get_json()["tender_version"] == 2
    mine = world.get(f"/bids/{bid['id']}", who="bidder").get_json()
    assert mine["needs_confirmation"] is False and mine["version"] == 2


def test_amendment_rules(world):
    t = world.draft()
    resp = world.post(f"/tenders/{t['id']}/amendments", {"changes": {"title": "x"},
                                                          "reason": "r"})
    assert resp.status_code == 409 and "draft" in resp.get_json()["detail"]
    world.post(f"/tenders/{t['id']}/publish")
    bad = [({"changes": {}, "reason": "r"}, "changes"),
           ({"changes": {"title": "x"}}, "reason"),
           ({"changes": {"status": "closed"}, "reason": "r"}, "changes.status"),
           ({"changes": {"price": {"weight": 50, "formula": "relative_to_lowest"}},
             "reason": "r"}, "changes.criteria")]
    for body, field in bad:
        resp = world.post(f"/tenders/{t['id']}/amendments", body)
        assert resp.status_code == 422 and field in resp.get_json()["errors"], resp.get_json()
    assert world.post(f"/tenders/{t['id']}/amendments", {"changes": {"title": "x"},
                                                          "reason": "r"},
                      who="other_commissioner").status_code == 403
    world.pass_deadline(t)
    resp = world.post(f"/tenders/{t['id']}/amendments", {"changes": {"title": "x"},
                                                          "reason": "r"})
    assert resp.status_code == 409 and "deadline" in resp.get_json()["detail"]


def test_list_filters_and_pagination(world):
    ids = []
    for i in range(5):
        t = world.published(title=f"Tender {i} loneliness" if i % 2 else f"Tender {i} housing",
                            service_area="housing" if i < 2 else "adult_social_care",
                            description="Plain.")
        ids.append(t["id"])
        world.clock.advance(microseconds=1)
    world.draft(title="secret draft")
    everyone = world.get("/tenders", who="bidder").get_json()
    assert len(everyone["items"]) == 5 and everyone["next_cursor"] is None
    mine = world.get("/tenders").get_json()["items"]
    assert len(mine) == 6
    page1 = world.get("/tenders?limit=2", who="bidder").get_json()
    page2 = world.get(f"/tenders?limit=2&cursor={page1['next_cursor']}", who="bidder").get_json()
    page3 = world.get(f"/tenders?limit=2&cursor={page2['next_cursor']}", who="bidder").get_json()
    seen = [t["id"] for p in (page1, page2, page3) for t in p["items"]]
    assert seen == list(reversed(ids)) and page3["next_cursor"] is None
    assert len(world.get("/tenders?q=LONELI", who="bidder").get_json()["items"]) == 2
    assert len(world.get("/tenders?q=100%25", who="bidder").get_json()["items"]) == 0
    assert len(world.get("/tenders?service_area=housing", who="bidder")
               .get_json()["items"]) == 2
    assert world.get("/tenders?status=draft", who="bidder").get_json()["items"] == []
    assert len(world.get("/tenders?status=draft").get_json()["items"]) == 1
    assert "limit" in world.get("/tenders?limit=201", who="bidder").get_json()["errors"]
    assert "status" in world.get("/tenders?status=bogus").get_json()["errors"]
    assert "cursor" in world.get("/tenders?cursor=!!!").get_json()["errors"]
    assert "cursor" in world.get("/tenders?cursor=e30").get_json()["errors"]  # "{}"


def test_requests_without_an_assertion_are_401(world):
    assert world.client.get("/api/v1/tenders").status_code == 401
