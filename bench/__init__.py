"""Benchmarks for xinbao. `python -m bench` (or `make bench`) runs them all.

Every public module in this package (a name not starting with "_") that defines `run()` is a
benchmark: `run()` returns a `bench._common.Result` with flat figures and a markdown section.
"""
