"""Fuzzing harness (docstring written below)."""
