"""The scoring service's tamper-evident audit log (DESIGN §6): entries, Merkle nodes, heads.

Database grants (docs/deploy.md): the service's runtime role needs only SELECT and INSERT on
``audit_entries``, ``audit_payloads``, ``audit_nodes`` and ``audit_tree_heads`` (plus USAGE on
their sequences); UPDATE, DELETE and TRUNCATE stay with the migration owner. On top of the
grants, migration ``0003_audit`` installs triggers that reject UPDATE and DELETE on those
tables on PostgreSQL and SQLite alike, so even the owner has to drop a trigger (DDL, visible in
the database's own logs) before it can rewrite history — and the Merkle root would still
expose it to anyone holding a signed tree head.
"""
