"""Comparison of two variants of a scenario: what changed in the inputs, and in the outcomes."""
