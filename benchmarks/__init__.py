"""Benchmarks: each script prints its figures and records them in RESULTS.md."""
