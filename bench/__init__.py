"""Load benchmarks (`make bench`, see BENCHMARKS.md) and one-off timing scripts."""
