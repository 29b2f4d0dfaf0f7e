"""An article's title, author, site name and dates, read with trafilatura's metadata
functions and htmldate."""

import contextlib
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from htmldate import find_date
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
)


def timestamp(value: str | None) -> str | None:
    """An ISO 8601 timestamp as the page gives it, or None when it is not one."""
    if not value:
        return None
    v = value.strip()
    try:
        datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    return v


def page_metadata(tree: Any, url: str, need_date: bool,
              ) -> tuple[str | None, str | None, str | None, str | None]:
    """Title, author, site name and (when ``need_date``) htmldate's date (see
    :func:`found_date`), read with
    trafilatura's metadata functions, without the categories, tags and licence that its
    full metadata pass also reads (a third of its time, unused here)."""
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # a single word is a handle, not a name
    with contextlib.suppress(Exception):  # trafilatura's JSON-LD reader on broken data
        meta = extract_meta_json(tree, meta)
    title = meta.title or extract_title(tree)
    author = meta.author or extract_author(tree)
    site = meta.sitename or extract_sitename(tree)
    if site:
        site = site.lstrip("@")
        if site and "." not in site and not site[0].isupper():
            site = site.title()
    else:  # the host, as trafilatura names a site without a name
        host = (urlsplit(url).hostname or "").lower()
        site = host.removeprefix("www.") or None
    # Markup and the URL only: htmldate's extensive search guesses from any date in the
    # text (a comment, a related story), which made undated copies look older than their
    # originals; it found a date on 2 of the 91 real pages that markup does not give.
    date = found_date(find_date(tree, url=url, extensive_search=False, original_date=True)
                       ) if need_date else None

    def clean(v: str | None) -> str | None:
        return " ".join(v.split())[:1000] or None if v else None

    return clean(title), clean(author), clean(site), date


def found_date(value: str | None) -> str | None:
    """A date htmldate found in the page, less its guess from a copyright line: with nothing
    better it reads "Copyright 2019" as 2019-01-01, which would make a farm's undated copy
    look older than its original."""
    if not value or re.fullmatch(r"\d{4}-01-01", value.strip()):
        return None
    return value


