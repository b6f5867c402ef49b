"""A client of a running stack: what `make`, the tests and the benchmarks use to read and drive it."""
