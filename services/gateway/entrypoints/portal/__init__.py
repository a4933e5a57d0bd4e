"""The web portal: server-rendered pages over the gateway's own public API.

Register with ``app.register_blueprint(portal)``; it mounts at ``/portal`` and, when ``/`` is free,
redirects ``/`` there. Every page calls the public API over HTTP with the signed-in user's bearer
token, so the portal applies exactly the rules the API applies.
"""

from __future__ import annotations

from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.views import (  # noqa: F401  (routes register on import)
    account,
    audit,
    auth,
    awards,
    bids,
    contracts,
    documents,
    evaluation,
    home,
    library,
    notifications,
    runs,
    tender_form,
    tenders,
    users,
)

__all__ = ["portal"]
