"""Statistics (DESIGN.md §5): every figure computed by SQL aggregates, from one place."""
