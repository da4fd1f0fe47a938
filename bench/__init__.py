"""Benchmarks, not tests: each measures a figure against a baseline measured in the same
run and prints both and their ratio. `python -m bench` (or `make bench`) runs them all;
docs/bench.md says what each measures and records the latest figures."""
