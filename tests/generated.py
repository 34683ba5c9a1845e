"""Generated scenario texts of unusual size, shared by the unit and the end-to-end tests.

Each stresses one resource: ties (options with labels only), distinct failure sets (one
`demand` per option), minimal failure sets (an antichain), and validation (thousands of
mistakes in one file).
"""

from __future__ import annotations


def _options(n: int, *, values: bool) -> str:
    """n options `o00`, `o01`, ...: labels only, or with distinct small deterrence values."""
    value = (lambda i: f", deterrence: 0.0{i % 9 + 1}") if values else (lambda i: "")
    return "".join(f"  o{i:02d}: {{label: Option {i}{value(i)}}}\n" for i in range(n))


def _scenario(options: str, constraints: str, rules: str = "") -> str:
    head = "format: guarantees/1\nid: generated\ntitle: Generated\n"
    actor = f"actors:\n  a:\n    name: A\n    constraints:{constraints}\n"
    return f"{head}options:\n{options}{rules}{actor}"


def labels_only(n: int, constraints: str = "[]", *, at_most: int | None = None) -> str:
    """n options with a label and nothing else (every package ties), one actor; with
    `at_most`, a rule keeping packages of at most that many options (ties that do not
    factor into `with or without` groups)."""
    rules = ""
    if at_most is not None:
        names = ", ".join(f"o{i:02d}" for i in range(n))
        rules = f'rules:\n  - condition: "count({names}) <= {at_most}"\n'
    return _scenario(_options(n, values=False), f" {constraints}", rules)


def demands(n: int) -> str:
    """n options with values and one actor demanding each: 2^n distinct failure sets."""
    listed = "".join(f"\n      - demand: o{i:02d}" for i in range(n))
    return _scenario(_options(n, values=True), listed)


def antichain(n: int) -> str:
    """n options, a veto of each, and a rule keeping packages of n/2 options: every
    feasible package's failure set is minimal (n choose n/2 concessions)."""
    names = ", ".join(f"o{i:02d}" for i in range(n))
    rule = f'rules:\n  - condition: "count({names}) == {n // 2}"\n'
    listed = "".join(f"\n      - veto: o{i:02d}" for i in range(n))
    return _scenario(_options(n, values=True), listed, rule)


def misspelt(options: int, references: int) -> str:
    """`options` options `option_00000`, ... and one actor vetoing `references` misspelt ones."""
    listed = "".join(f"  option_{i:05d}: {{label: Option {i}}}\n" for i in range(options))
    vetoes = "".join(f"\n      - veto: optoin_{i % options:05d}" for i in range(references))
    return _scenario(listed, vetoes)


def bad_expressions(n: int) -> str:
    """Two options and n conditions that do not parse (`a and and b`), one per line."""
    conditions = "".join('\n      - condition: "a and and b"' for _ in range(n))
    return _scenario("  a: {label: A}\n  b: {label: B}\n", conditions)
