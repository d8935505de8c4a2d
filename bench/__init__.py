"""Benchmarks of `brochure build`: `python -m bench.build` and `python -m bench.editions`."""
