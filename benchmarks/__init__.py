"""Performance benchmarks (not run in CI; see benchmarks/README.md)."""
