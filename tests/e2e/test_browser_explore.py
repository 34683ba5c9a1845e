"""The explorer page in a real browser: tick options, read the answers, compare with `explain`.

Playwright drives Debian's `chromium` (the executable found on the PATH, no browser
download), headless and offline. Each page is written by the installed `guarantees` script,
and each package's answers read from the page are compared with what
`guarantees explain --package ... --format json` prints for it. Without Chromium the tests
are skipped, unless GUARANTEES_REQUIRE_CHROMIUM is set (as .ci/run sets it), when they fail.
"""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cli_helpers import SCENARIOS, SCRIPT, chromium
from matplotlib.image import imread
from playwright.sync_api import Browser, Page, sync_playwright

from guarantees.cli.report import metric_number
from guarantees.model import load

BASELINE = SCENARIOS / "coalition-baseline.yaml"
WALK_AWAY = SCENARIOS / "walk-away.yaml"
VIEWPORT = {"width": 1280, "height": 900}
#: The Okabe-Ito colours of the picture's acceptable, held-back and blocked packages.
GREEN, ORANGE, VERMILION = (0.0, 0.620, 0.451), (0.902, 0.624, 0.0), (0.835, 0.369, 0.0)


def _guarantees(*args: str | Path) -> str:
    """Run the installed command; its standard output."""
    done = subprocess.run([SCRIPT, *map(str, args)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _explain(path: Path, options: list[str], samples: int = 0) -> dict[str, Any]:
    """`guarantees explain --format json` of one package."""
    text = _guarantees(
        "explain", path, "--package", ",".join(options), "--format", "json", "-n", samples
    )
    document: dict[str, Any] = json.loads(text)
    return document


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, driven by Playwright, with no network."""
    executable = chromium()
    with sync_playwright() as driver:
        found = driver.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield found
        found.close()


def _page_file(tmp_path_factory: pytest.TempPathFactory, scenario: Path) -> Path:
    out = tmp_path_factory.mktemp("explore") / f"{scenario.stem}.html"
    _guarantees("explore", scenario, "-o", out, "-q")
    return out


@pytest.fixture(scope="module")
def baseline_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _page_file(tmp_path_factory, BASELINE)


@pytest.fixture(scope="module")
def walk_away_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _page_file(tmp_path_factory, WALK_AWAY)


def _open(browser: Browser, path: Path) -> Page:
    """A fresh tab on the page, offline, failing on any script error."""
    context = browser.new_context(viewport=VIEWPORT, offline=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.resolve().as_uri())
    assert errors == []
    return page


def _tick(page: Page, options: list[str]) -> None:
    """Tick exactly these options, one click each, as a user would."""
    for box in page.locator("#options input[type=checkbox]").all():
        wanted = box.get_attribute("value") in options
        if box.is_checked() != wanted:
            box.click()


def _verdicts(page: Page) -> list[dict[str, Any]]:
    """Each actor's row: id, verdict word and failed constraints, read from the page."""
    rows = []
    for row in page.locator("#verdicts tbody tr").all():
        verdict = row.locator(".verdict").inner_text()
        rows.append(
            {
                "actor": row.get_attribute("data-actor"),
                "accepts": verdict.endswith("accepts"),
                "failures": row.locator("li").evaluate_all(
                    "items => items.map(i => i.getAttribute('data-constraint'))"
                ),
            }
        )
    return rows


def _expected_verdicts(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "actor": v["actor"],
            "accepts": v["accepts"],
            "failures": [f["label"] for f in v["failures"]],
        }
        for v in document["result"]["verdicts"]
    ]


def _sample(path: Path, count: int) -> list[list[str]]:
    """The empty package, every option, and a fixed sample of packages of the scenario."""
    options = _options(path)
    rng = np.random.default_rng(12)
    picks = [[], options]
    for _ in range(count):
        chosen = rng.random(len(options)) < 0.35
        picks.append([o for o, c in zip(options, chosen, strict=True) if c])
    return picks


def _options(path: Path) -> list[str]:
    """The scenario's option ids, in file order."""
    return list(load(path).options)


def test_ticked_packages_get_explains_verdicts(browser: Browser, baseline_file: Path) -> None:
    page = _open(browser, baseline_file)
    scenario = load(BASELINE)
    for options in _sample(BASELINE, 6):
        _tick(page, options)
        document = _explain(BASELINE, options)
        result = document["result"]
        assert _verdicts(page) == _expected_verdicts(document), options
        text = page.locator("#package-text").inner_text()
        assert text == "Package: " + (", ".join(result["package"]["options"]) or "(no options)")
        status = page.locator("#status-text").get_attribute("data-status")
        assert (status == "breaks a rule") == (not result["feasible"])
        assert (status == "acceptable") == result["acceptable"]
        broken = page.locator("#rules li").evaluate_all(
            "items => items.map(i => i.getAttribute('data-constraint'))"
        )
        assert broken == [f["label"] for f in result["broken_rules"]]
        for metric, value in result["package"]["metrics"].items():
            shown = page.locator(f'#metrics tr[data-metric="{metric}"] td.num').inner_text()
            assert shown == metric_number(scenario, metric, value), metric


def test_the_chance_and_the_stability_are_explains(browser: Browser, baseline_file: Path) -> None:
    page = _open(browser, baseline_file)
    options = ["training_and_intelligence", "arms_supply", "oil_sanctions", "us_backstop"]
    _tick(page, options)
    chance = _explain(BASELINE, options, samples=500)["robustness"]["acceptable"]
    shown = page.locator("#robustness .body").inner_text()
    assert shown.startswith("Across 500 draws of the uncertain values, this package is acceptable")
    assert f"in {round(100 * chance['share'])}% of them" in shown
    words = _guarantees("explain", BASELINE, "--package", ",".join(options), "-n", "0")
    assert page.locator("#stability .body").inner_text() in words


def test_the_keyboard_ticks_options(browser: Browser, walk_away_file: Path) -> None:
    page = _open(browser, walk_away_file)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "option-0"
    page.keyboard.press("Space")
    assert page.locator("body").get_attribute("data-package") == "1"
    first = _options(WALK_AWAY)[0]
    assert page.locator("#package-text").inner_text() == f"Package: {first}"


def test_the_nearest_acceptable_package_is_one_click_away(
    browser: Browser, walk_away_file: Path
) -> None:
    page = _open(browser, walk_away_file)
    _tick(page, [])
    nearest = page.locator("#nearest [data-nearest]").get_attribute("data-nearest")
    assert nearest is not None
    page.locator("#go-nearest").click()
    options = [o for o in _options(WALK_AWAY) if o in nearest.split(", ")]
    assert _explain(WALK_AWAY, options)["result"]["acceptable"] is True
    assert page.locator("#status-text").get_attribute("data-status") == "acceptable"
    assert page.locator("#go-nearest").is_disabled()


def test_a_screenshot_shows_the_page_and_the_marker_on_the_picture(
    browser: Browser, walk_away_file: Path
) -> None:
    page = _open(browser, walk_away_file)
    _tick(page, [])
    page.locator("#go-nearest").click()  # an acceptable package: a green point under the mark
    shot = imread(io.BytesIO(page.screenshot()), format="png")[..., :3]
    assert shot.shape[:2] == (VIEWPORT["height"], VIEWPORT["width"])
    assert shot.std() > 0.05  # not blank
    assert (shot.min(axis=-1) < 0.5).mean() > 0.01  # dark text
    picture = page.locator("#picture")
    picture.scroll_into_view_if_needed()
    whole = imread(io.BytesIO(picture.screenshot()), format="png")[..., :3]
    for colour in (GREEN, VERMILION):  # the static picture was drawn
        assert (np.abs(whole - colour).max(axis=-1) < 0.1).sum() > 30, colour
    box = page.locator("#mark-package circle").bounding_box()
    assert box is not None
    mark = imread(io.BytesIO(page.screenshot(clip=box)), format="png")[..., :3]
    assert (np.abs(mark - GREEN).max(axis=-1) < 0.15).sum() > 4  # the point under the mark
