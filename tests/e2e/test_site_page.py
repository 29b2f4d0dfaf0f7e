"""A site's page (issue W2) in headless Chromium at a phone's and a desktop's width: the
weekly chart drawn as SVG, the republishers and the newest copies, and no horizontal scroll.
Screenshots to tests/out/site-390.png and site-1280.png."""

import pytest

from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from tests.e2e.test_api import Served
from tests.e2e.test_browser import OUT, assert_fits, browser  # noqa: F401  (the fixture)
from tests.e2e.test_browser import pytestmark as needs_chromium
from wiretrace.api.app import create_app
from wiretrace.api.config import ApiSettings
from wiretrace_testing.stories import excerpt, story, wrapped_copy

pytestmark = needs_chromium


def _seed(settings: Settings) -> None:
    items = []
    for n in range(3):
        text = story(500 + n)
        items.append(ArticleInput(
            url=f"https://www.origin.example/news/2024/03/12/a-rather-long-article-address-{n}",
            text=text, title=f"Council votes on the harbour bridge, part {n} <i>",
            published="2024-03-12T09:30:00Z"))
        items += [ArticleInput(url=f"https://www.{s}.example/2024/03/12/copied-story-{n}",
                               text=wrapped_copy(text))
                  for s in ("farm", "aggregator-with-a-rather-long-name-indeed")[: 1 + n % 2]]
        items.append(ArticleInput(url=f"https://brief.example/{n}", text=excerpt(text)))
    Engine.from_settings(settings).ingest(items)


@pytest.mark.parametrize("width", [390, 1280])
def test_site_page_fits_the_screen(settings: Settings, browser: object, width: int) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    _seed(settings)
    served = Served(create_app(settings, ApiSettings(api_key=None)))
    d = browser
    try:
        d.set_window_size(width, 1000)  # type: ignore[attr-defined]
        d.get(served.url + "/sites/www.origin.example")  # type: ignore[attr-defined]
        assert d.find_element(By.TAG_NAME, "h1").text == "Who republishes origin.example"  # type: ignore[attr-defined]
        bars = d.find_elements(By.CSS_SELECTOR, "svg.weeks rect.bar")  # type: ignore[attr-defined]
        assert len(bars) == 26
        heights = [float(b.get_attribute("height")) for b in bars]
        assert heights[-1] > 0 and sum(h > 0 for h in heights) >= 1
        rows = d.find_elements(By.CSS_SELECTOR, "table.site-copies tbody tr")  # type: ignore[attr-defined]
        assert len(rows) == 7  # 1 + 2 + 1 copies and 3 partials
        ranked = [r.text for r in d.find_elements(  # type: ignore[attr-defined]
            By.CSS_SELECTOR, "table.republishers tbody tr")]
        counts = [int(r.split()[-1]) for r in ranked]
        assert counts == [3, 3, 1] and counts == sorted(counts, reverse=True), ranked
        assert d.find_element(By.CSS_SELECTOR, "a.feed").get_attribute("href").endswith(  # type: ignore[attr-defined]
            "/sites/origin.example/copies.atom")
        assert_fits(d, "td, th, h1, h2, p, figure")
        chart = d.find_element(By.CSS_SELECTOR, "svg.weeks").size  # type: ignore[attr-defined]
        assert 0 < chart["width"] <= width and chart["height"] > 50
        OUT.mkdir(exist_ok=True)
        d.save_screenshot(str(OUT / f"site-{width}.png"))  # type: ignore[attr-defined]
    finally:
        served.stop()
