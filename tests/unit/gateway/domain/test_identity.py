"""The gateway's identity rules: roles, organisation kinds, emails, passwords, token lifetimes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from services.gateway.domain import identity as rules
from shared import identity as shared_identity

T0 = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


# --- roles and organisation kinds -------------------------------------------------------------

def test_roles_are_the_shared_ones_not_a_copy():
    assert rules.ROLES is shared_identity.ROLES


def test_staff_are_every_role_but_bidders_and_the_outside_assessors():
    # reviewers use the service, validators are independent: neither is the buyer's staff
    assert rules.STAFF_ROLES.issubset(rules.ROLES)
    assert set(rules.ROLES) - rules.STAFF_ROLES == {"bidder", "reviewer", "validator"}


@pytest.mark.parametrize(("roles", "unknown"), [
    (["bidder"], []),
    (list(shared_identity.ROLES), []),
    (["Admin"], ["Admin"]),  # case matters: roles are identifiers, not words
    (["admin", "root", "bidder", ""], ["root", ""]),
    (["admin "], ["admin "]),
    ([], []),
])
def test_unknown_roles_are_named(roles, unknown):
    assert rules.unknown_roles(roles) == unknown


@pytest.mark.parametrize(("roles", "kind"), [
    (["admin"], "commissioning_body"),
    (["auditor"], "commissioning_body"),
    (("evaluator",), "commissioning_body"),
    (["bidder", "moderator"], "commissioning_body"),  # any staff role makes it the council's
    (["bidder"], "other"),
    ([], "other"),
])
def test_the_cli_puts_staff_in_a_commissioning_body(roles, kind):
    assert rules.default_org_kind(roles) == kind
    assert kind in rules.ORG_KINDS


def test_bidders_cannot_register_as_a_commissioning_body():
    assert "commissioning_body" not in rules.BIDDER_KINDS
    assert set(rules.ORG_KINDS) == {*rules.BIDDER_KINDS, "commissioning_body"}


# --- organisation names -----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "key"), [
    ("Hope Trust", "hope trust"),
    ("  HOPE   trust ", "hope trust"),
    ("Hope\tTrust\n", "hope trust"),
    ("Hope\u00a0Trust", "hope trust"),  # a pasted non-breaking space is still a space
    ("", ""),
    (" \t\n ", ""),  # blank: the service refuses it
])
def test_organisation_names_compare_ignoring_case_and_spacing(name, key):
    assert rules.organisation_key(name) == key


def test_different_names_keep_different_keys():
    assert rules.organisation_key("Hope Trust") != rules.organisation_key("HopeTrust")


# --- emails -----------------------------------------------------------------------------------

def test_emails_are_normalised_before_comparison():
    assert rules.normalise_email("  Alice@Example.ORG \n") == "alice@example.org"


@pytest.mark.parametrize("email", [
    "a@b.co", "first.last+tag@sub.example.org", "x" * 64 + "@example.org",
    "a@" + "b" * 253 + ".org", "a@b." + "c" * 63,
])
def test_plausible_addresses_are_accepted(email):
    assert rules.email_is_valid(email)


@pytest.mark.parametrize("email", [
    "", "a", "a@b", "@b.co", "a@.co", "a@b.", "a@b.c.", "a@@b.co", "a@b@c.co", "a b@c.co",
    "a@b c.co", "a@b.co ", " a@b.co", "a\t@b.co", "a@b.c\u00a0",
    "x" * 65 + "@example.org",  # local part over 64
    "a@" + "b" * 254 + ".org",  # domain over 253 before the last dot
    "a@b." + "c" * 64,  # top-level label over 63
    "x" * 64 + "@" + "b" * 251 + ".cccc",  # 321 characters in all
])
def test_implausible_addresses_are_refused(email):
    assert not rules.email_is_valid(email)


# --- passwords --------------------------------------------------------------------------------

@pytest.mark.parametrize(("length", "problems"), [
    (0, ["Must be at least 12 characters."]),
    (11, ["Must be at least 12 characters."]),
    (12, []),
    (1024, []),
    (1025, ["Must be at most 1024 characters."]),
])
def test_password_length_bounds(length, problems):
    assert rules.password_problems("p" * length) == problems


def test_password_length_counts_characters_not_bytes():
    assert rules.password_problems("é" * 12) == []
    assert rules.password_problems("🔑" * 11) == ["Must be at least 12 characters."]


# --- tokens -----------------------------------------------------------------------------------

def test_tokens_are_stored_as_their_sha256():
    digest = rules.token_digest("abc")
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert digest == hashlib.sha256(b"abc").hexdigest()
    assert rules.token_digest("abd") != digest


def test_a_token_expires_after_its_lifetime():
    assert rules.token_expiry(T0, 60) == T0 + timedelta(seconds=60)
    assert rules.token_expiry(T0, rules.DEFAULT_TOKEN_TTL_SECONDS) == T0 + timedelta(hours=8)


def test_a_token_works_until_the_instant_it_expires():
    expires = rules.token_expiry(T0, 60)
    assert rules.token_usable(expires, None, T0)
    assert rules.token_usable(expires, None, expires - timedelta(microseconds=1))
    assert not rules.token_usable(expires, None, expires)
    assert not rules.token_usable(expires, None, expires + timedelta(days=1))


def test_a_revoked_token_never_works_again():
    expires = rules.token_expiry(T0, 3600)
    assert not rules.token_usable(expires, T0, T0)
    assert not rules.token_usable(expires, T0 + timedelta(seconds=5), T0)  # revoked is revoked
