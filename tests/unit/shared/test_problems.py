"""Errors are RFC 9457 problem documents; validation names the field paths."""

from flask import Flask
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from marshmallow import fields

from shared.problems import Problem, flatten_messages, register_problem_handlers
from shared.schemas import MoneySchema, PageQuerySchema, StrictSchema


class ItemSchema(StrictSchema):
    name = fields.String(required=True)
    price = fields.Nested(MoneySchema, required=True)
    tags = fields.List(fields.Nested(lambda: TagSchema()), load_default=list)


class TagSchema(StrictSchema):
    label = fields.String(required=True)


def make_app():
    app = Flask("t")
    app.config.update(API_TITLE="t", API_VERSION="v1", OPENAPI_VERSION="3.1.0")
    api = Api(app)
    bp = Blueprint("items", __name__)

    @bp.route("/items")
    class Items(MethodView):
        @bp.arguments(ItemSchema)
        def post(self, body):
            return {"ok": True}

        @bp.arguments(PageQuerySchema, location="query")
        def get(self, query):
            return {"limit": query["limit"]}

    @bp.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    @bp.route("/conflict")
    def conflict():
        raise Problem(409, "Conflict", "tender is closed")

    api.register_blueprint(bp)
    register_problem_handlers(app)
    return app


def test_validation_error_names_nested_fields():
    client = make_app().test_client()
    resp = client.post("/items", json={"name": 3, "price": {"amount": "x", "currency": "GBP"},
                                       "tags": [{"label": "a"}, {}]})
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    errors = resp.json["errors"]
    assert set(errors) == {"name", "price.amount", "tags.1.label"}
    assert resp.json["type"].endswith("validation-error")
    assert resp.json["title"] and resp.json["detail"]


def test_unknown_fields_are_rejected():
    resp = make_app().test_client().post(
        "/items", json={"name": "a", "price": {"amount": "1.00", "currency": "GBP"},
                        "status": "awarded"})
    assert resp.status_code == 422
    assert "status" in resp.json["errors"]


def test_malformed_json_and_wrong_top_level_type():
    client = make_app().test_client()
    resp = client.post("/items", data="{", content_type="application/json")
    assert resp.status_code in (400, 422)
    assert resp.mimetype == "application/problem+json"
    resp = client.post("/items", json=[1, 2])
    assert resp.status_code == 422


def test_page_size_outside_1_to_200_and_garbage_are_named():
    client = make_app().test_client()
    assert client.get("/items?limit=200").json["limit"] == 200
    for bad in ("201", "1000000", "0", "abc"):
        resp = client.get(f"/items?limit={bad}")
        assert resp.status_code == 422 and "limit" in resp.json["errors"], bad


def test_unexpected_errors_are_500_problems_without_internals():
    resp = make_app().test_client().get("/boom")
    assert resp.status_code == 500
    assert "secret" not in resp.get_data(as_text=True)


def test_problem_and_404():
    client = make_app().test_client()
    resp = client.get("/conflict")
    assert resp.status_code == 409 and resp.json["detail"] == "tender is closed"
    assert client.get("/nope").mimetype == "application/problem+json"


def test_flatten_messages():
    assert flatten_messages({"a": {"0": {"b": ["bad"]}}, "_schema": ["x"]}) == {
        "a.0.b": ["bad"], "_schema": ["x"]}


def test_database_down_is_a_503_problem():
    from sqlalchemy import text

    from shared.db import make_engine

    app = make_app()

    @app.get("/db")
    def db_route():
        with make_engine("postgresql://nobody@127.0.0.1:1/none",
                         connect_args={"connect_timeout": 1}).connect() as conn:
            conn.execute(text("SELECT 1"))
        return "unreachable"

    resp = app.test_client().get("/db")
    assert resp.status_code == 503 and resp.mimetype == "application/problem+json"
    assert resp.headers["Retry-After"] == "5"
