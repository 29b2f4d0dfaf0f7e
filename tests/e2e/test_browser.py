"""The web page in a real headless browser (Debian's chromium, driven by Selenium through
/usr/bin/chromedriver): a lookup, the copy list, the word diff, narrow and wide screens, /docs,
the uncertain mark. Saves screenshots to tests/out/; `make screenshots` copies them to
docs/screenshots/, which the README shows."""

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
OUT = Path(__file__).resolve().parents[1] / "out"
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
        assert "ORIGINAL" in d.find_element(By.CSS_SELECTOR, ".verdict").text.upper()  # type: ignore[attr-defined]
        assert d.find_element(By.TAG_NAME, "h1").text == "Harbour <b>vote</b>"  # type: ignore[attr-defined]
        assert d.find_element(By.ID, "url").get_attribute("value") == orig  # type: ignore[attr-defined]
        rows = d.find_elements(By.CSS_SELECTOR, "table.copies tbody tr")  # type: ignore[attr-defined]
        roles = sorted(r.find_element(By.CSS_SELECTOR, ".badge").text for r in rows)
        assert roles == sorted(["⇉ copy", "⇢ partial"])
        farm_row = next(r for r in rows if "farm.example" in r.text)
        farm_row.find_element(By.CSS_SELECTOR, "a.diff-link").click()
        wait_for(".columns")
        added = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".col.copy ins")]  # type: ignore[attr-defined]
        assert any("originally belongs to" in a for a in added), added
        OUT.mkdir(exist_ok=True)
        d.save_screenshot(str(OUT / "diff-view.png"))  # type: ignore[attr-defined]
        assert (OUT / "diff-view.png").stat().st_size > 10_000
    finally:
        served.stop()


def _seed(settings: Settings) -> tuple[str, str, str, str]:
    """An original, and a copy with one word changed and one paragraph moved (no dates, no
    credit: an uncertain answer)."""
    text = story(72, paragraphs=8)
    paras = text.split("\n")
    words = paras[2].split(" ")
    changed_from, words[5] = words[5], "Boeing's"
    edited = [*paras[:2], " ".join(words), *paras[3:]]
    moved = edited.pop(6)
    edited.insert(1, moved)
    orig, copy = "https://origin.example/news/harbour", "https://www.farm.example/c/harbour"
    Engine.from_settings(settings).ingest([ArticleInput(url=orig, text=text, title="Harbour"),
                                           ArticleInput(url=copy, text="\n".join(edited))])
    return orig, copy, changed_from, moved


def test_word_diff_marks_one_word_and_a_moved_paragraph(settings: Settings,
                                                        browser: object) -> None:
    from selenium.webdriver.common.by import By

    _, copy, changed_from, moved = _seed(settings)
    served = Served(create_app(settings, ApiSettings(api_key=None)))
    d = browser
    try:
        d.set_window_size(1000, 700)  # type: ignore[attr-defined]
        d.get(served.url + "/?url=" + copy)  # type: ignore[attr-defined]
        # no dates, no credit: the answer is marked uncertain, with why on hover
        mark = d.find_element(By.CSS_SELECTOR, ".verdict .badge.uncertain")  # type: ignore[attr-defined]
        assert mark.text == "? uncertain" and "below" in mark.get_attribute("title")
        OUT.mkdir(exist_ok=True)
        d.save_screenshot(str(OUT / "uncertain.png"))  # type: ignore[attr-defined]
        d.set_window_size(1400, 1000)  # type: ignore[attr-defined]
        d.find_element(By.CSS_SELECTOR, "a.diff-link").click()  # type: ignore[attr-defined]
        ins = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".col.copy ins")]  # type: ignore[attr-defined]
        dels = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".col.original del")]  # type: ignore[attr-defined]
        assert ins == ["Boeing's"] and dels == [changed_from], (ins, dels)
        for side in ("original", "copy"):
            marks = d.find_elements(By.CSS_SELECTOR, f".col.{side} mark.moved")  # type: ignore[attr-defined]
            assert " ".join(m.text for m in marks).replace("↕ ", "") == moved, side
        # a cue that is not colour alone: underline, strike-through, an outline
        style = d.execute_script(  # type: ignore[attr-defined]
            "const s = e => getComputedStyle(document.querySelector(e));"
            "return [s('ins').textDecorationLine, s('del').textDecorationLine,"
            " s('mark.moved').outlineStyle]")
        assert style == ["underline", "line-through", "dashed"], style
        heads = d.find_element(By.CSS_SELECTOR, ".heads").text  # type: ignore[attr-defined]
        assert "origin.example" in heads and "farm.example" in heads and "Harbour" in heads
        assert "uncertain" in d.find_element(By.CSS_SELECTOR, ".scores").text  # type: ignore[attr-defined]
        OUT.mkdir(exist_ok=True)
        d.save_screenshot(str(OUT / "word-diff.png"))  # type: ignore[attr-defined]
    finally:
        served.stop()


def assert_fits(driver: object, selectors: str) -> None:
    """No horizontal scroll, and none of these elements wider than its box."""
    page, clipped = driver.execute_script(  # type: ignore[attr-defined]
        "const r = document.documentElement;"
        f"const bad = [...document.querySelectorAll('{selectors}')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.outerHTML.slice(0, 80));"
        "return [[r.scrollWidth, r.clientWidth], bad]")
    assert page[0] <= page[1], page
    assert clipped == []


@pytest.mark.parametrize("width", [390, 1280])
def test_result_page_fits_the_screen(settings: Settings, browser: object, width: int) -> None:
    from selenium.webdriver.common.by import By

    text = story(73)
    urls = [f"https://www.{s}.example/news/2024/03/12/a-rather-long-article-address-{s}"
            for s in ("origin", "farm", "aggregator-with-a-long-name", "brief")]
    Engine.from_settings(settings).ingest(
        [ArticleInput(url=urls[0], text=text, title="Council votes on the harbour bridge",
                      published="2024-03-12T09:30:00Z"),
         ArticleInput(url=urls[1], text=wrapped_copy(text, "Source: origin.example")),
         ArticleInput(url=urls[2], text=wrapped_copy(text)),
         ArticleInput(url=urls[3], text=excerpt(text))])
    served = Served(create_app(settings, ApiSettings(api_key=None)))
    d = browser
    try:
        d.set_window_size(width, 900)  # type: ignore[attr-defined]
        d.get(served.url + "/?url=" + urls[0].replace("https://www.", "http://"))  # type: ignore[attr-defined]
        assert d.find_elements(By.CSS_SELECTOR, "table.copies tbody tr")  # type: ignore[attr-defined]
        assert_fits(d, "td, th, dd, h1, p")
        t = d.find_element(By.CSS_SELECTOR, "time")  # type: ignore[attr-defined]
        assert t.text == "12 Mar 2024, 09:30 UTC"
        assert t.get_attribute("title") == "2024-03-12T09:30:00Z"
        OUT.mkdir(exist_ok=True)
        d.save_screenshot(str(OUT / f"result-{width}.png"))  # type: ignore[attr-defined]
    finally:
        served.stop()


def test_docs_renders_its_operations_offline(settings: Settings, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    served = Served(create_app(settings, ApiSettings(api_key=None)))
    d = browser
    try:
        d.get(served.url + "/docs")  # type: ignore[attr-defined]
        WebDriverWait(d, 20).until(ec.presence_of_element_located(
            (By.CSS_SELECTOR, ".opblock-summary-path")))
        paths = {e.text for e in d.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}  # type: ignore[attr-defined]
        assert {"/v1/lookup", "/v1/check"} <= {p.replace("\u200b", "") for p in paths}, paths
        OUT.mkdir(exist_ok=True)
        d.save_screenshot(str(OUT / "docs.png"))  # type: ignore[attr-defined]
    finally:
        served.stop()
