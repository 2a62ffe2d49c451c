"""Benchmarks (run by hand, never as tests): `uv run python -m bench.read_api --help`."""
