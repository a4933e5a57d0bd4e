"""Marshmallow schemas of the commissioning API, one module per resource."""
