"""Template text that sites wrap around articles, left out of signatures.

Comment forms, "You May Also Like" lists, share bars and menus are shared by thousands of
unrelated pages (every WordPress site asks to "Leave a Reply"); counted as text they make two
different stories look related. The stored text keeps them; only the signature skips them.

Besides the phrases every site uses, each site has lines of its own that leak through
extraction on every page (a disclaimer, a newsletter plug, the same "READ ALSO" links): the
engine learns them per site (dedup/lua/templates.lua) and hands them to :func:`signature_text`.
"""

import re
from collections.abc import Collection

import xxhash

_TEMPLATE = re.compile(
    r"^(?:leave a (?:reply|comment)|you may also like|related (?:posts|articles|stories)|"
    r"your email address will not be published|required fields are marked|"
    r"save my name, email,? and website|share this|click to share|subscribe to|sign up for|"
    r"follow us on|read more|advertisement|sponsored|trending now|recommended for you|"
    r"more from|popular posts|recent posts|previous (?:post|article)|next (?:post|article)|"
    r"cancel reply|post comment|notify me of|this site uses akismet|all rights reserved|"
    r"copyright \u00a9|\u00a9 \d{4})",
    re.IGNORECASE,
)
_MIN_WORDS = 5  # menus, headings of widgets, form labels
_MIN_OWN_WORDS = 25  # what must remain once a site's template lines are left out


def content_lines(text: str) -> list[str]:
    """The lines of a text that carry its content: template lines, very short lines (widget
    headings, form labels) and menus are dropped. Table rows (trafilatura writes them as
    ``| a | b |``) are content: results, prices, standings."""
    kept = []
    for line in text.splitlines():
        s = line.strip()
        if not s or _TEMPLATE.match(s) or \
                len(s.replace("|", " ").split(None, _MIN_WORDS)) < _MIN_WORDS:
            continue
        if s.count("|") >= 2 and not s.startswith("|"):
            continue  # "Home | World | Sport": a menu; "| 1 | Kyle Busch | 5040 |" is a table row
        kept.append(s)
    return kept


def line_key(line: str) -> bytes:
    """8 bytes naming a content line (as :func:`content_lines` gives it: stripped)."""
    return xxhash.xxh3_64_digest(line.encode())


def signature_text(text: str, site_template: Collection[bytes] = (),
                   lines: list[str] | None = None) -> str:
    """The text a signature is made of: :func:`content_lines`, less the lines learned as its
    site's template (``site_template``: their :func:`line_key`). When under 25 words are
    left: what is left (possibly nothing) if the template lines hold 25 words or more, else
    all content lines; with no content line, the whole text. ``lines``: the text's
    :func:`content_lines` when already computed."""
    kept = content_lines(text) if lines is None else lines
    if site_template and kept:
        own = [ln for ln in kept if line_key(ln) not in site_template]
        if len(" ".join(own).split()) >= _MIN_OWN_WORDS:
            kept = own
        elif sum(len(ln.split()) for ln in kept) - sum(len(ln.split()) for ln in own) \
                >= _MIN_OWN_WORDS:
            # Next to nothing of its own beside a template of some size: extraction returned
            # the site's template (sidebars, headline lists), not an article. Signed on it,
            # the page would match every other such page of its site; signed on what is its
            # own, it matches only what shares that.
            return "\n".join(own)
    return "\n".join(kept) if kept else text
