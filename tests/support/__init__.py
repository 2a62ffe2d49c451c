"""Helpers shared by the tests and the benchmarks (bench/): a live server, SQL statement counting."""
