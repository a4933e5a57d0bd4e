"""Thin HTTP views of the commissioning service (flask-smorest Blueprint + MethodView)."""
