"""Clarification Q&A: asker hidden from all but the owner, refused after the deadline."""

from __future__ import annotations

from datetime import timedelta


def test_questions_and_answers(world):
    t = world.published()
    path = f"/tenders/{t['id']}/questions"
    resp = world.post(path, {"question": "Is TUPE expected to apply?"}, who="bidder")
    assert resp.status_code == 201
    q = resp.get_json()
    assert q["status"] == "open" and q["id"].startswith("q_") and q["asked_by_my_organisation"]
    assert "asker_organisation_id" not in q
    world.clock.advance(seconds=1)
    world.post(path, {"question": "Can we subcontract?"}, who="bidder2")
    # Open questions: the owner sees all (with the asker), a bidder its own, others none.
    owner_view = world.get(path).get_json()["items"]
    assert len(owner_view) == 2 and owner_view[0]["asker_organisation_id"] == "org_enterprise_1"
    assert [x["id"] for x in world.get(path, who="bidder").get_json()["items"]] == [q["id"]]
    assert world.get(path, who="auditor").get_json()["items"] == []
    resp = world.post(f"{path}/{q['id']}/answer", {"answer": "Yes, for 4 staff."})
    assert resp.status_code == 200 and resp.get_json()["status"] == "answered"
    for who in ("bidder2", "auditor", "evaluator", "other_commissioner"):
        items = world.get(path, who=who).get_json()["items"]
        answered = [x for x in items if x["id"] == q["id"]][0]
        assert answered["answer"] == "Yes, for 4 staff."
        assert "asker_organisation_id" not in answered
        assert "asker_organisation_name" not in answered
        assert answered["asked_by_my_organisation"] is False
    assert world.post(f"{path}/{q['id']}/answer", {"answer": "again"}).status_code == 409
    assert world.post(f"{path}/{q['id']}/answer", {"answer": "x"},
                      who="other_commissioner").status_code == 403
    assert world.post(f"{path}/q_missing/answer", {"answer": "x"}).status_code == 404


def test_questions_refused_after_the_clarification_deadline(world):
    t = world.published()
    path = f"/tenders/{t['id']}/questions"
    world.clock.now = world.clock.now + timedelta(days=10) - timedelta(microseconds=1)
    assert world.post(path, {"question": "Just in time?"}, who="bidder").status_code == 201
    world.clock.advance(microseconds=1)
    resp = world.post(path, {"question": "Too late?"}, who="bidder")
    assert resp.status_code == 409 and "clarification deadline" in resp.get_json()["detail"]


def test_question_rules(world):
    t = world.published()
    path = f"/tenders/{t['id']}/questions"
    assert world.post(path, {"question": "?"}, who="commissioner").status_code == 403
    assert world.post(path, {"question": ""}, who="bidder").status_code == 422
    assert world.post(path, {"question": "x" * 5001}, who="bidder").status_code == 422
    assert "asker" in world.post(path, {"question": "q", "asker": "me"},
                                 who="bidder").get_json()["errors"]
    draft = world.draft()
    assert world.post(f"/tenders/{draft['id']}/questions", {"question": "q"},
                      who="bidder").status_code == 404
    assert world.get(f"/tenders/{draft['id']}/questions", who="bidder").status_code == 404
