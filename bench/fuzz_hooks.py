"""Strategies schemathesis needs for our custom scalars (SCHEMATHESIS_HOOKS=bench.fuzz_hooks), biased towards
the values a hostile client sends: non-finite and huge decimals, too many places, malformed times."""

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

HOSTILE_DECIMALS = [
    "NaN",
    "sNaN",
    "-Infinity",
    "Infinity",
    "1e30",
    "1e16",
    "1.23456789",
    "-0",
    "",
    "1_000",
    "0x10",
]

decimals = st.one_of(
    st.sampled_from(HOSTILE_DECIMALS),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**20), max_value=10**20).map(
        str
    ),
    st.text(max_size=20),
)
schemathesis.graphql.scalar("Decimal", decimals.map(nodes.String))
schemathesis.graphql.scalar(
    "DateTime",
    st.one_of(st.datetimes().map(lambda d: d.isoformat() + "Z"), st.text(max_size=30)).map(nodes.String),
)
schemathesis.graphql.scalar("JSON", st.text(max_size=50).map(nodes.String))
