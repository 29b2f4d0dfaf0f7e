"""A copy's extracted text against its original's, as the role rule reads them, without
Redis: what ``bench/copy_shapes.py`` and the tests of the copy/partial line share."""

from dedup.config import Settings
from dedup.errors import InputError
from dedup.extraction import extract
from dedup.models import ArticleInput
from dedup.passages import Shape, shape
from dedup.prepare import draft_article
from dedup.scoring import PairScore, in_shape_band, score
from dedup.signature import Signature, signature
from wiretrace_testing.webgen.dates import CopyDate

SETTINGS = Settings(redis_url="redis://unused.invalid:1")
UNDATED = CopyDate("undated", None, None, ("UTC", 0.0), "meta", "")  # a copy showing no date


def extracted(html: str | bytes, url: str) -> str | None:
    """The page's extracted text, None when it is no article or too short to index."""
    try:
        text = extract(html, url).text
        draft_article(ArticleInput(url=url, text=text), SETTINGS)
    except InputError:
        return None
    return text


def signed(url: str, text: str) -> Signature:
    """The signature the index gives ``text`` at ``url``."""
    return signature(draft_article(ArticleInput(url=url, text=text), SETTINGS).text)


def compare(reference: str, text: str) -> tuple[PairScore, Shape | None]:
    """How ``text`` (a page's) holds ``reference`` (its original's), and its shape where
    the role needs it (:func:`dedup.scoring.in_shape_band`)."""
    s = score(signed("https://copier.example/x", text),
              signed("https://origin.example/x", reference))
    return s, shape(reference, text) if in_shape_band(s.b_in_a) else None
