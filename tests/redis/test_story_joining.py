"""Which story a new article joins, on pages of the shared corpus (tuned seed 27)."""

from pathlib import Path

from dedup.engine import Engine
from dedup.models import ArticleInput
from wiretrace_testing.webgen.web import generate


def test_a_rewrite_relating_only_to_the_original_joins_its_story(
        engine: Engine, shared_pages: Path) -> None:
    """A rewrite (new headline and intro) of a story whose cluster already holds an excerpt
    shares LSH bands with the original alone and holds under 0.85 of it either way: related
    to the cluster's original, it is a partial of it, not a unique article."""
    web = generate(27, shared_pages)
    rewrite = next(p for p in web.pages
                   if p.kind == "rewrite" and "best-tech-gadgets" in p.path)
    original = web.originals[rewrite.stories[0]]
    excerpt = next(p for p in web.pages if p.kind == "excerpt" and p.stories == rewrite.stories)
    for page in (original, excerpt, rewrite):  # one at a time: the rewrite comes last
        engine.ingest([ArticleInput(url=page.url(None),
                                    html=page.html.decode("utf-8", "replace"))])
    orig, exc, rw = engine.lookup([p.url(None) for p in (original, excerpt, rewrite)])
    assert orig.role == "original" and exc.role == rw.role == "partial"
    assert exc.cluster == rw.cluster == orig.cluster
