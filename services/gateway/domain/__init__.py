"""The gateway's pure domain: identity rules and the route table (no framework imports)."""
