//! A local implementation of the ClearSKY tasking API, for tests, `--sandbox` and benchmarks.
