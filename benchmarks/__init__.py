"""Benchmarks of the product against the floor of its own stack, measured in the same run.

Run them with `python -m benchmarks` (see benchmarks/README.md). They are not tests: nothing here
asserts a speed; each run prints the numbers and the product/floor ratio.
"""
