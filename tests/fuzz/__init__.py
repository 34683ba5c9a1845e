"""The fuzzing harness: mutated scenarios, judged through the API and the command line.

Every test run includes a short fuzz run (test_fuzz.py: 40 cases from a fixed seed, about
10 seconds). Maintainers run the long one, for as long as they like:

    python tests/fuzz/run.py --minutes 30          # findings in fuzz-findings/, exit 1 if any
    python tests/fuzz/run.py --replay fuzz-findings/*/reduced.yaml

The parts, each usable alone:

* corpus.py: the seeds, every valid scenario the repository ships (generated scenarios from
  tests/strategies.py are drawn on top);
* tree.py: the YAML tree (plain data, paths into it) and its text, dumped with ruamel;
* mutate.py: hypothesis strategies that mutate a seed's tree structurally (entries deleted,
  repeated, swapped, renamed; values of other types; extreme numbers; odd strings; magnitudes
  scaled; deep nesting) and sometimes its text;
* oracle.py, oracle_cli.py: `check(bytes, plan)`, what must hold for any input (typed errors
  only, no warning, strict JSON, evaluate and explain agreeing, the brute-force reference
  matched on small scenarios, exit status 0 or 2 with located messages, no control
  characters), raising `Failure`; failures.py classes failures and sets the deadline;
* reduce.py: shrinks a failing file to a small one failing the same way;
* run.py: the long run (a supervised worker process, a memory limit, one folder per failure
  class, findings.md), and `--replay` / `--reduce` for saved files;
* atheris_fuzz.py: optional byte-level, coverage-guided fuzzing with atheris (`.[fuzz]`).

See docs/maintainers/fuzzing.md for how to use it and what to do with a finding.
"""
