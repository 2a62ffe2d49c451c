"""The public API (Art. 21 「向社会公开，接受人大和社会各界监督」): published disclosures, for anyone.

Kept apart from the internal API on purpose: its own route (/public/graphql, /public/files), its own
strawberry types and its own selects over published snapshots only (never the internal visibility code or
types), no login (credentials are ignored), limits per client address (ratelimit.py), the internal
schema's depth, token, alias, cost and time limits. tests/schema/public/test_public_schema.py holds
the allow-list of every type and field it may show.
"""
