"""Audit log core: RFC 8785 canonical entries, RFC 9162 Merkle proofs, signed checkpoints.

Pure code (stdlib, ``cryptography``, ``rfc8785``): shared by the scoring service and by the
auditor's offline verifier (``python -m shared.audit.verify``).
"""
