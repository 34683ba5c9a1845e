"""The explorer's tables: every package of a small scenario judged at once, for a page.

It owns `explore_table`: for each of the 2^n packages (indexed by its file-order mask) the
rules and constraints it fails (packed bits), its metrics on the grid, the bounds of limits it
misses, its status, the nearest acceptable package (`nearest.py`, a multi-source breadth-first
search over the hypercube of packages), and the smallest of `evaluate`'s concessions within
what it fails; and, where the scenario has them, each package's chance of acceptance across
draws and whether it is an equilibrium under each stability concept. It reads the exact
engine (compile, `Batch` verdicts, the evaluation's acceptable packages and concessions),
the robustness pass and the stability analysis; it computes no verdict of its own.
Everything is arrays over all packages, so it stops at MAX_OPTIONS options.
"""
