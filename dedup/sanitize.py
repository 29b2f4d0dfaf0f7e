"""Text made safe to store, at the boundary where it enters: unpaired surrogates (which
cannot be encoded as UTF-8, so one of them used to fail the whole batch it travelled in),
NULs and other control characters.

Every path that turns outside input into an :class:`~dedup.models.ArticleInput` (JSONL
ingest, crawl and WARC extraction, the API) goes through :func:`clean_article`, via
:func:`dedup.prepare.draft_article`; the API cleans its request fields with :func:`clean_text`
before anything else reads them.
"""

import re
from dataclasses import fields, replace

from dedup.models import ArticleInput

# Surrogates (any left in a str are unpaired), C0 controls but tab, newline and carriage
# return, DEL, C1 controls and the two non-characters U+FFFE/U+FFFF.
_BAD = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` with unpaired surrogates replaced by U+FFFD and control characters removed.

    Example:
        >>> clean_text("Bad \\ud800 title\\x00\\x07")
        'Bad \\ufffd title'
    """
    if not _BAD.search(value):
        return value  # the common case: one scan, no copy
    return _BAD.sub("", _SURROGATE.sub("\ufffd", value))


def clean_article(item: ArticleInput) -> ArticleInput:
    """The input with every string field, and every string in its list fields, cleaned; the
    same object when nothing needed cleaning."""
    changes: dict[str, object] = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if isinstance(value, str):
            cleaned: object = clean_text(value)
        elif isinstance(value, list):
            cleaned = [clean_text(v) if isinstance(v, str) else v for v in value]
        else:
            continue
        if cleaned != value:
            changes[f.name] = cleaned
    return replace(item, **changes) if changes else item  # type: ignore[arg-type]
