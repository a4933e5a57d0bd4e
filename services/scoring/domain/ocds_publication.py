"""What every OCDS package we publish shares: who publishes it, under which licence and
policy, where it lives, which extensions it declares, and how our values are written.

The publisher's details come from configuration (services/scoring/settings.py, docs/deploy.md,
"OCDS publication"); the defaults suit a sandbox, not a live publication (the ocid prefix in
particular must be one registered with the Open Contracting Partnership).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
    "d62ff4b0ba393d823ca8113a9039b12edf7acb8f/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/"
    "8d3b52eb26ce0f1a015c91b665c120b17ef619a0/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_awardCriteriaBreakdown_extension/9391240f353e8536992938fe9f7987cd89235331/"
    "extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/"
    "fad91df868907e339e5b3b4af5c334e02b80fa4f/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_otherRequirements_extension/143e56e3166073b5d317826a745e46b9889e379b/extension.json",
    "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/"
    "aa0e43b84dfad0cb9b839a8135e0bc4b285d32fc/extension.json",
    # The lots extension's Lot.submissionTerms refers to this extension's SubmissionTerms:
    # without it the extended schema does not dereference.
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_submissionTerms_extension/449ade63333a50f1e8cd2b0704c0a3c5e329a8a8/extension.json",
    # The UK extension's reservedParticipationLocation refers to this extension's Location.
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_location_extension/"
    "fcd56abaea4214d7f4d712087be32141badbe60c/extension.json",
]
SANDBOX_OCID_PREFIX = "ocds-coprocure"
# The UK public sector's default licence for the information it publishes.
OPEN_GOVERNMENT_LICENCE = ("https://www.nationalarchives.gov.uk/doc/open-government-licence/"
                           "version/3/")


@dataclass(frozen=True)
class Publication:
    """The publisher's side of a package. ``public_url``: the platform's public base (the
    gateway as the world sees it), under which the package and its sources live."""

    public_url: str
    ocid_prefix: str = SANDBOX_OCID_PREFIX
    publisher_name: str = "coprocure"
    publisher_scheme: str | None = None
    publisher_uid: str | None = None
    publisher_uri: str | None = None
    license: str = OPEN_GOVERNMENT_LICENCE
    publication_policy: str | None = None

    def api(self, path: str) -> str:
        """The public URL of an API path (``/tenders/x/ocds``)."""
        return f"{self.public_url.rstrip('/')}/api/v1{path}"

    def ocid(self, tender_id: str) -> str:
        return f"{self.ocid_prefix}-{tender_id}"

    def package(self, tender_id: str, published_date: str,
                releases: list[dict[str, Any]]) -> dict[str, Any]:
        """The release package around ``releases``."""
        publisher = {"name": self.publisher_name,
                     "scheme": self.publisher_scheme, "uid": self.publisher_uid,
                     "uri": self.publisher_uri or self.public_url}
        out = {"uri": self.api(f"/tenders/{tender_id}/ocds"), "version": "1.1",
               "extensions": EXTENSIONS, "publishedDate": published_date,
               "publisher": {k: v for k, v in publisher.items() if v},
               "license": self.license, "publicationPolicy": self.publication_policy,
               "releases": releases}
        return {k: v for k, v in out.items() if v is not None}


def value(money: dict[str, Any] | None) -> dict[str, Any] | None:
    """Our ``{amount: "1.00", currency}`` as an OCDS Value (amount is a JSON number)."""
    if not money or money.get("amount") in (None, ""):
        return None
    amount = Decimal(str(money["amount"]))
    return {"amount": int(amount) if amount == amount.to_integral() else float(amount),
            "currency": money.get("currency") or "GBP"}


def org(org_id: str, name: str | None) -> dict[str, Any]:
    """An OrganizationReference. We hold no registered identifier or address for any
    organisation (only our own id and its name), so parties carry neither."""
    return {"id": org_id, "name": name or org_id}
