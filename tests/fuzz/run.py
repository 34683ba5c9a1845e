"""The long fuzz run, for maintainers: mutate scenarios for minutes or hours, keep what fails.

    python tests/fuzz/run.py --minutes 30                  # findings in fuzz-findings/
    python tests/fuzz/run.py --examples 5000 --out DIR     # a fixed number of cases
    python tests/fuzz/run.py --replay DIR/*/reduced.yaml   # judge saved files again
    python tests/fuzz/run.py --reduce case.yaml            # shrink a failing file

Cases come from tests/fuzz/mutate.py and are judged by tests/fuzz/oracle.py (see there for
what counts as a failure). A worker process runs them (one hypothesis run per seed, seeds
counting up from --seed) under a memory limit, and this process watches it: a worker that
stops making progress for longer than the deadline is killed and its case kept as a hang,
and one that dies is restarted, its case kept. Each failure class (the oracle's `kind`) gets
a folder in the output directory: `case.yaml` (the first file that showed it), `reduced.yaml`
(shrunk by tests/fuzz/reduce.py, failing the same way), `finding.json` (kind, detail,
count, the mutation steps and the plan to replay it); `findings.md` lists them all with the
run's numbers. The exit status is 1 when anything failed, else 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import random
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for `fuzz` and helpers

from fuzz.oracle import Failure, Plan, check

HERE = Path(__file__).resolve()
CURRENT = "current.json"
STATS = "stats-{}.json"


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of the long run (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10, help="stop after this long")
    parser.add_argument("--examples", type=int, default=None, help="stop after this many cases")
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"), help="findings here")
    parser.add_argument("--seed", type=int, default=None, help="first seed (default: random)")
    parser.add_argument("--deadline", type=float, default=60, help="seconds per case")
    parser.add_argument("--memory-mb", type=int, default=4096, help="worker memory (0: none)")
    parser.add_argument("--reduce-seconds", type=float, default=60, help="shrinking per class")
    parser.add_argument("--replay", type=Path, nargs="+", help="judge these files and stop")
    parser.add_argument("--reduce", type=Path, nargs="+", help="shrink these failing files")
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --------------------------------------------------------------------------- findings


def slug(kind: str) -> str:
    """A folder name for a failure class: readable, and unique by a short hash."""
    words = re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")[:70]
    return f"{words}-{hashlib.sha256(kind.encode()).hexdigest()[:8]}"


def plan_json(plan: Plan) -> dict[str, Any]:
    return dataclasses.asdict(plan)


def plan_from(data: dict[str, Any]) -> Plan:
    return Plan(tuple(data["picks"]), tuple(tuple(c) for c in data["commands"]))


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogatepass"))


def record(out: Path, failure: Failure, case: dict[str, Any], *, reduce_seconds: float) -> None:
    """Count a failure in its class's folder; the first of a class is saved and shrunk."""
    folder = out / slug(failure.kind)
    meta = folder / "finding.json"
    if meta.exists():
        saved = json.loads(meta.read_text(encoding="utf-8"))
        saved["count"] += 1
        meta.write_text(json.dumps(saved, indent=2), encoding="utf-8")
        return
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "case.yaml", case["text"])
    plan = plan_from(case["plan"])
    if failure.command is not None:
        plan = dataclasses.replace(plan, commands=(failure.command,))
    elif not failure.kind.startswith("hang"):  # an API failure: no command needed to see it
        plan = dataclasses.replace(plan, commands=())
    reduced = shrink(case, plan, failure.kind, seconds=reduce_seconds)
    _write(folder / "reduced.yaml", reduced)
    finding = {
        "kind": failure.kind,
        "detail": failure.detail,
        "reduced_detail": detail_of(reduced, plan, case["seed_text"]),
        "count": 1,
        "seed": case["seed"],
        "steps": case["steps"],
        "plan": plan_json(plan),
        "seed_text": case["seed_text"],
    }
    meta.write_text(json.dumps(finding, indent=2, ensure_ascii=False), encoding="utf-8")


def shrink(case: dict[str, Any], plan: Plan, kind: str, *, seconds: float) -> str:
    """The case's text reduced to a small one failing with the same kind."""
    from fuzz.reduce import reduce_text
    from guarantees.model.format.yamlio import parse_document

    def fails(text: str) -> bool:
        return judge(text, plan, case["seed_text"], deadline=10) == kind

    if seconds <= 0:
        return str(case["text"])
    try:
        tree = parse_document(case["text"], file="case.yaml").data
    except Exception:  # the reader may be what fails: reduce the lines only
        tree = None
    try:
        return reduce_text(case["text"], tree, fails, seconds=seconds)
    except Exception as error:  # a fault of the reducer must not stop the run
        print(f"could not reduce ({error!r}); keeping the case as it is", flush=True)
        return str(case["text"])


def detail_of(text: str, plan: Plan, seed_text: str) -> str:
    """What the oracle says of a text (its failure's detail), for the record."""
    try:
        check(text.encode("utf-8", "surrogatepass"), plan, seed_text=seed_text, deadline=10)
    except Failure as failure:
        return failure.detail
    return "passes"


def judge(text: str, plan: Plan, seed_text: str, *, deadline: float) -> str | None:
    """The failure kind of a text, or None when it passes."""
    try:
        check(text.encode("utf-8", "surrogatepass"), plan, seed_text=seed_text, deadline=deadline)
    except Failure as failure:
        return failure.kind
    return None


# ----------------------------------------------------------------------------- worker


class _Spent(BaseException):
    """The worker's time or examples are spent (a BaseException: hypothesis lets it through)."""


def worker(arguments: argparse.Namespace) -> None:
    """Run cases with seeds from --worker on, until the time or the example budget is spent."""
    from hypothesis import HealthCheck, Phase, given, seed, settings

    from fuzz.mutate import Case, cases, plans

    if arguments.memory_mb > 0:
        limit = arguments.memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    out, first = arguments.out, arguments.worker
    end = time.monotonic() + arguments.minutes * 60
    budget = arguments.examples if arguments.examples is not None else 2**62
    stats = {"examples": 0, "passes": 0, "failures": 0, "next_seed": first}

    def run_one(case: Case, plan: Plan) -> None:
        if time.monotonic() > end or stats["examples"] >= budget:
            raise _Spent  # stop hypothesis now, rather than after its remaining examples
        saved = {**dataclasses.asdict(case), "plan": plan_json(plan)}
        _write(out / CURRENT, json.dumps(saved, ensure_ascii=False))
        stats["examples"] += 1
        kind = None
        raw = case.text.encode("utf-8", "surrogatepass")
        try:
            check(raw, plan, seed_text=case.seed_text, deadline=arguments.deadline)
        except Failure as failure:
            kind = failure.kind
            record(out, failure, saved, reduce_seconds=arguments.reduce_seconds)
        stats["failures" if kind else "passes"] += 1
        (out / STATS.format(first)).write_text(json.dumps(stats), encoding="utf-8")

    for number in range(first, first + 2**31):
        if time.monotonic() > end or stats["examples"] >= budget:
            break
        stats["next_seed"] = number + 1
        explore = settings(
            max_examples=200,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(given(case=cases(), plan=plans())(run_one))
        try:
            seed(number)(explore)()
        except _Spent:
            break


# ----------------------------------------------------------------------------- parent


def totals(out: Path) -> dict[str, int]:
    """The workers' numbers added up (each worker writes its own stats file)."""
    sums: Counter[str] = Counter()
    for path in out.glob(STATS.format("*")):
        stats = json.loads(path.read_text(encoding="utf-8"))
        sums.update({k: v for k, v in stats.items() if k != "next_seed"})
    return dict(sums)


def next_seed(out: Path, first: int) -> int:
    """The seed after the last one a worker started from `first` used."""
    path = out / STATS.format(first)
    if not path.exists():
        return first + 1
    return int(json.loads(path.read_text(encoding="utf-8"))["next_seed"])


def spawn(arguments: argparse.Namespace, first: int, left: int | None) -> subprocess.Popen[bytes]:
    """Start a worker on seeds from `first` for the time left; its log in the output folder."""
    command = [sys.executable, str(HERE), "--worker", str(first), "--out", str(arguments.out)]
    for option in ("minutes", "deadline", "memory_mb", "reduce_seconds"):
        command += [f"--{option.replace('_', '-')}", str(getattr(arguments, option))]
    if left is not None:
        command += ["--examples", str(left)]
    with (arguments.out / f"worker-{first}.log").open("wb") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def stalled(out: Path, patience: float) -> bool:
    """Whether the worker has been on its current case for longer than `patience` seconds."""
    current = out / CURRENT
    return current.exists() and time.time() - current.stat().st_mtime > patience


def keep_lost_case(out: Path, why: str) -> None:
    """Record the case a killed or dead worker was on, as a failure class of its own."""
    current = out / CURRENT
    if current.exists():
        case = json.loads(current.read_bytes().decode("utf-8", "surrogatepass"))
        record(out, Failure(f"worker {why}", "the worker was on this case"), case, reduce_seconds=0)
        current.unlink()


def watch(child: subprocess.Popen[bytes], out: Path, patience: float) -> None:
    """Wait for a worker; kill it when it stalls; keep the case it stalled or died on."""
    while child.poll() is None:
        time.sleep(0.2)
        if stalled(out, patience):
            child.kill()
            child.wait()
            keep_lost_case(out, "stalled (killed)")
            return
    if child.returncode != 0:
        keep_lost_case(out, f"died (status {child.returncode})")


def supervise(arguments: argparse.Namespace) -> float:
    """Run workers one after another until the time or the examples are spent; minutes run."""
    start = time.monotonic()
    end = start + arguments.minutes * 60
    first = arguments.seed if arguments.seed is not None else random.randrange(2**30)
    print(f"fuzzing from seed {first} into {arguments.out}/", flush=True)
    patience = arguments.deadline + arguments.reduce_seconds + 60
    while time.monotonic() < end:
        done = totals(arguments.out).get("examples", 0)
        left = None if arguments.examples is None else arguments.examples - done
        if left is not None and left <= 0:
            break
        arguments.minutes = (end - time.monotonic()) / 60
        watch(spawn(arguments, first, left), arguments.out, patience)
        first = next_seed(arguments.out, first)
    return (time.monotonic() - start) / 60


def summary(out: Path, minutes: float) -> list[dict[str, Any]]:
    """Write findings.md (the run's numbers, one line per failure class); the findings."""
    findings = sorted(
        (
            json.loads(p.read_text(encoding="utf-8")) | {"folder": p.parent.name}
            for p in out.glob("*/finding.json")
        ),
        key=lambda f: -f["count"],
    )
    numbers = totals(out)
    lines = [
        "# Fuzz findings",
        "",
        f"{numbers.get('examples', 0)} cases in {minutes:.1f} minutes: "
        f"{numbers.get('passes', 0)} passed, {numbers.get('failures', 0)} failed, "
        f"{len(findings)} failure classes.",
        "",
        "| count | class | folder |",
        "|---|---|---|",
    ]
    lines += [f"| {f['count']} | {f['kind']} | {f['folder']}/ |" for f in findings]
    (out / "findings.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return findings


def saved_case(file: Path) -> tuple[str, Plan, str]:
    """(text, plan, seed text) of a file: the plan and seed saved beside it (in NAME.json,
    or finding.json in its folder), else every command on the empty package, diffed with the
    format example."""
    metas = [file.with_suffix(".json"), file.parent / "finding.json"]
    meta = next((m for m in metas if m.exists()), None)
    saved = json.loads(meta.read_text(encoding="utf-8")) if meta else {}
    plan = plan_from(saved["plan"]) if saved else Plan()
    text = file.read_bytes().decode("utf-8", "surrogatepass")
    return text, plan, saved.get("seed_text", "")


def replay(files: list[Path], deadline: float) -> int:
    """Judge saved files again; 1 if any still fails."""
    status = 0
    for file in files:
        text, plan, seed_text = saved_case(file)
        kind = judge(text, plan, seed_text, deadline=deadline)
        print(f"{file}: {kind or 'passes'}")
        status |= kind is not None
    return status


def reduce_files(files: list[Path], seconds: float) -> int:
    """Shrink each failing file into FILE.reduced.yaml, failing the same way; 1 if any fails."""
    status = 0
    for file in files:
        text, plan, seed_text = saved_case(file)
        kind = judge(text, plan, seed_text, deadline=60)
        if kind is None:
            print(f"{file}: passes, nothing to reduce")
            continue
        case = {"text": text, "seed_text": seed_text}
        target = file.with_suffix(".reduced.yaml")
        _write(target, shrink(case, plan, kind, seconds=seconds))
        print(f"{file}: {kind}\n  reduced: {target}")
        status = 1
    return status


def main(argv: list[str] | None = None) -> int:
    """Run the long fuzz (or a worker, or a replay); exit status 1 when anything failed."""
    arguments = parse_arguments(argv)
    if arguments.replay:
        return replay(arguments.replay, arguments.deadline)
    if arguments.reduce:
        return reduce_files(arguments.reduce, arguments.reduce_seconds)
    arguments.out.mkdir(parents=True, exist_ok=True)
    if arguments.worker is not None:
        worker(arguments)
        return 0
    findings = summary(arguments.out, supervise(arguments))
    print((arguments.out / "findings.md").read_text(encoding="utf-8"), end="")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
