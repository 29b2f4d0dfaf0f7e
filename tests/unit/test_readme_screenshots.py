"""The README's screenshots exist, and docs/screenshots/ holds every one the browser tests
take (`make screenshots` copies them there)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_screenshot_is_committed_and_the_readme_links_resolve() -> None:
    readme = (ROOT / "README.md").read_text()
    shown = re.findall(r"\]\((docs/screenshots/[^)]+\.png)\)", readme)
    assert shown
    assert all((ROOT / p).is_file() for p in shown), shown
    taken = [t for f in ("test_browser.py", "test_site_page.py")
             for t in re.findall(r'OUT / f?"([^"]+\.png)"', (ROOT / "tests/e2e" / f).read_text())]
    names = {t.replace("{width}", w) for t in taken for w in ("390", "1280")}
    assert {"word-diff.png", "result-390.png", "result-1280.png", "docs.png",
            "uncertain.png", "site-390.png", "site-1280.png"} <= names
    assert names <= {p.name for p in (ROOT / "docs/screenshots").glob("*.png")}


def test_make_screenshots_runs_every_browser_test_that_takes_one() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nscreenshots:", 1)[1].split("\n\n", 1)[0]
    assert "tests/e2e/test_browser.py" in recipe and "tests/e2e/test_site_page.py" in recipe
