"""Synthetic national data and benchmarks for CPIMS (``python -m bench``, ``make bench``)."""
