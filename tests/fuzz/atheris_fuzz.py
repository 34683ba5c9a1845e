"""Byte-level, coverage-guided fuzzing of the YAML loader and the command line, with atheris.

Optional (atheris is not a test dependency):

    python -m pip install -e ".[fuzz]"
    python tests/fuzz/atheris_fuzz.py -max_total_time=600 fuzz-corpus/

libFuzzer's options pass through (`-runs=N`, `-max_total_time=S`, `-max_len=B`); the corpus
folder is created and seeded with every shipped scenario when it does not exist. Each input is
written to a file and judged by the same oracle as the structural fuzzer (oracle.py): loaded,
evaluated and explained through the API, validated and evaluated through the command line.
The first failure stops the run with the oracle's message, and libFuzzer saves the input as
`crash-<hash>` in the current folder; replay it with `python tests/fuzz/run.py --replay FILE`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for `fuzz` and helpers

import atheris

with atheris.instrument_imports(include=["guarantees"]):
    from fuzz.corpus import seeds
    from fuzz.oracle import Plan, check

#: Cheap enough for thousands of inputs a minute: the API checks, and two command runs.
PLAN = Plan((0, 5), (("validate", "table"), ("evaluate", "json")))


def one_input(data: bytes) -> None:
    """Judge one input (raises the oracle's Failure, which atheris reports as a crash)."""
    check(data, PLAN, deadline=20)


def seeded(argv: list[str]) -> list[str]:
    """The arguments, with every corpus folder named created and seeded if it is new."""
    for argument in argv[1:]:
        if argument.startswith("-"):
            continue
        folder = Path(argument)
        if not folder.exists():
            folder.mkdir(parents=True)
            for index, seed in enumerate(seeds()):
                (folder / f"seed-{index:02d}.yaml").write_text(seed.text, encoding="utf-8")
    return argv


def main() -> None:
    atheris.Setup(seeded(sys.argv), one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
