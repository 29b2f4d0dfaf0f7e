"""The web page in a real headless browser (Debian's chromium, driven by Selenium through
/usr/bin/chromedriver): a lookup, the copy list, the diff view. Saves a screenshot of the
diff view to tests/out/diff-view.png."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from tests.e2e.test_api import Served
from wiretrace.api.app import create_app
from wiretrace.api.config import ApiSettings
from wiretrace_testing.stories import excerpt, story, wrapped_copy

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
OUT = Path(__file__).resolve().parent / "out"
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="needs Debian's chromium "
                                "and chromium-driver (.ci/run installs them)")


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1400,1000"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=opts)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_lookup_copies_and_diff_in_a_browser(settings: Settings, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    def wait_for(css: str) -> None:  # navigation after a click is not waited for
        WebDriverWait(browser, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))

    text = story(71)
    orig, farm, brief = ("https://origin.example/a", "https://farm.example/c",
                         "https://brief.example/e")
    Engine.from_settings(settings).ingest([
        ArticleInput(url=orig, text=text, title="Harbour <b>vote</b>",
                     published="2024-01-01T00:00:00Z"),
        ArticleInput(url=farm, text=wrapped_copy(text, "Source: | This article originally "
                                                       "belongs to origin.example")),
        ArticleInput(url=brief, text=excerpt(text)),
    ])
    served = Served(create_app(settings, ApiSettings(api_key=None)))
    d = browser
    try:
        d.get(served.url + "/")  # type: ignore[attr-defined]
        box = d.find_element(By.ID, "url")  # type: ignore[attr-defined]
        box.send_keys(orig)
        d.find_element(By.CSS_SELECTOR, "form.lookup button").click()  # type: ignore[attr-defined]
        wait_for("table.copies")
        assert "ORIGINAL" in d.find_element(By.CSS_SELECTOR, ".role").text.upper()  # type: ignore[attr-defined]
        assert d.find_element(By.TAG_NAME, "h1").text == "Harbour <b>vote</b>"  # type: ignore[attr-defined]
        rows = d.find_elements(By.CSS_SELECTOR, "table.copies tbody tr")  # type: ignore[attr-defined]
        roles = sorted(r.find_element(By.TAG_NAME, "td").text for r in rows)
        assert roles == ["copy", "partial"]
        farm_row = next(r for r in rows if farm in r.text)
        farm_row.find_element(By.CSS_SELECTOR, "a.diff-link").click()
        wait_for(".columns")
        added = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".col p.added")]  # type: ignore[attr-defined]
        assert any("originally belongs to" in a for a in added), added
        assert d.find_elements(By.CSS_SELECTOR, ".col p.same")  # type: ignore[attr-defined]
        OUT.mkdir(exist_ok=True)
        d.save_screenshot(str(OUT / "diff-view.png"))  # type: ignore[attr-defined]
        assert (OUT / "diff-view.png").stat().st_size > 10_000
    finally:
        served.stop()
