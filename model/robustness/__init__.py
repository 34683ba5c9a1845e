"""Robustness: every answer of the exact engine, across the scenario's own uncertainty.

It owns the sampling of every uncertain value (option values, interaction terms, limit
bounds), the pass that evaluates every package under many draws at once, and what is
estimated from it: the chance of a deal, each package's chance of acceptance, who blocks and
how often, the most frequent smallest concessions, the drivers (Monte Carlo filtering) and
the rules under which a deal exists (PRIM).
"""
