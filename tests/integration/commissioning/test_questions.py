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


def test_a_document_attached_to_a_published_answer_is_public_with_it(world):
    from tests.support.builders import document_bytes

    t = world.published()
    path = f"/tenders/{t['id']}/questions"
    q = world.post(path, {"question": "Which wards are in scope?"}, who="bidder").get_json()
    attach = f"{path}/{q['id']}/attachments"
    data = document_bytes("pdf", 20_000)
    # Before the answer there is nothing to publish it with.
    early = world.upload(attach, data, who="commissioner", filename="wards.pdf")
    assert early.status_code == 409 and "Answer the question first" in early.get_json()["detail"]
    world.post(f"{path}/{q['id']}/answer", {"answer": "See the attached ward map."})
    for who in ("bidder", "other_commissioner"):  # the owner only
        assert world.upload(attach, data, who=who, filename="wards.pdf").status_code == 403
    bad = world.upload(attach, document_bytes("xlsx"), who="commissioner", filename="map.pdf")
    assert bad.status_code == 422 and "file" in bad.get_json()["errors"]
    assert world.upload(f"{path}/q_missing/attachments", data, who="commissioner",
                        filename="wards.pdf").status_code == 404
    made = world.upload(attach, data, who="commissioner", filename="wards.pdf",
                        title="Ward map")
    assert made.status_code == 201, made.get_json()
    doc = made.get_json()
    assert doc["question_id"] == q["id"] and doc["title"] == "Ward map"
    for who in ("bidder2", "auditor"):
        (listed,) = [x for x in world.get(path, who=who).get_json()["items"]
                     if x["id"] == q["id"]]
        assert [a["id"] for a in listed["attachments"]] == [doc["id"]]
        assert listed["attachments"][0]["sha256"] == doc["sha256"]
    # Listed with the tender's documents, and read like them.
    docs = {d["id"]: d for d in world.get(f"/tenders/{t['id']}/documents",
                                          who="bidder2").get_json()["items"]}
    assert docs[doc["id"]]["question_id"] == q["id"]
    got = world.get(f"/tenders/{t['id']}/documents/{doc['id']}/content", who="bidder2")
    assert got.data == data and got.headers["Content-Disposition"].startswith("attachment")
    # After the deadline nothing more is attached.
    world.pass_deadline(t)
    late = world.upload(attach, data, who="commissioner", filename="late.pdf")
    assert late.status_code == 409
