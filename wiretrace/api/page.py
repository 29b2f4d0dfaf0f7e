"""The web page: server-rendered HTML, no script at all. Every title and text comes from
crawled pages and is hostile: everything is escaped, and the app sends a strict
Content-Security-Policy."""

import difflib
import re
from html import escape
from pathlib import Path
from urllib.parse import quote

from dedup.errors import InputError
from dedup.results import LookupResult
from dedup.urls import article_id, normalize_url

STATIC = Path(__file__).with_name("static")


def _layout(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · wiretrace</title><link rel="stylesheet" href="/static/style.css">
</head><body><header><a href="/" class="brand">wiretrace</a>
<span>where did this article first appear, and who else republished it?</span></header>
<main>{body}</main></body></html>"""


def _forms(message: str = "") -> str:
    note = f'<p class="note">{escape(message)}</p>' if message else ""
    return f"""{note}<form method="get" action="/" class="lookup">
<label for="url">Article URL</label>
<input id="url" name="url" type="url" required maxlength="2048" placeholder="https://…">
<button type="submit">Look up</button></form>
<form method="post" action="/check" class="check">
<label for="text">…or paste a text</label>
<textarea id="text" name="text" rows="6" required></textarea>
<button type="submit">Check</button></form>"""


def home(message: str = "") -> str:
    return _layout("Look up", _forms(message))


def _link(url: str | None) -> str:
    if not url:
        return "—"
    safe = escape(url) if url.startswith(("http://", "https://")) else ""
    return f'<a href="{safe}" rel="noopener noreferrer nofollow">{escape(url)}</a>'


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def result(res: LookupResult, evidence: dict[str, list[str]] | None = None) -> str:
    """The answer for one URL or text; ``evidence`` by copy URL for an original's list."""
    evidence = evidence or {}
    parts = [_forms(), f'<section class="answer"><h1>{escape(res.title or res.url)}</h1>',
             f'<p class="url">{_link(res.url)}</p>']
    if res.role is None:
        parts.append("<p class='role none'>Not indexed.</p></section>")
        return _layout("Not indexed", "".join(parts))
    parts.append(f"<p class='role {escape(res.role)}'>Role: <strong>{escape(res.role)}"
                 f"</strong>{'' if res.indexed else ' (not indexed)'}</p>")
    if res.original:
        o = res.original
        parts.append(
            f"<h2>Original</h2><dl class='original'><dt>Site</dt><dd>{escape(o['site'] or '')}"
            f"</dd><dt>Title</dt><dd>{escape(o['title'] or '—')}</dd><dt>Published</dt>"
            f"<dd>{escape(o['published'] or 'unknown')}</dd><dt>Link</dt>"
            f"<dd>{_link(o['url'])}</dd></dl>"
            f"<p>similarity {_num(res.similarity)} · containment {_num(res.containment)} · "
            f"confidence {_num(res.confidence)}</p>")
        if res.id and res.cluster:
            parts.append(f"<p><a class='diff-link' href='/diff?copy={quote(res.id)}&amp;"
                         f"original={quote(_id_of((res.original or {}).get('url')))}'>"
                         "Compare with the original</a>"
                         "</p>")
    elif res.attributed_to:
        parts.append(f"<p>Attributed to {escape(res.attributed_to)} (not indexed).</p>")
    if res.evidence:
        parts.append("<h2>Evidence</h2><ul class='evidence'>" + "".join(
            f"<li>{escape(e)}</li>" for e in res.evidence) + "</ul>")
    if res.copies:
        rows = "".join(
            f"<tr><td>{escape(c['role'])}</td><td>{escape(c['site'] or '')}</td>"
            f"<td>{escape(c.get('published') or '—')}</td><td>{_num(c['similarity'])}</td>"
            f"<td>{_num(c['containment'])}</td><td>{_link(c['url'])}</td>"
            f"<td class='evidence'>{'<br>'.join(escape(x) for x in evidence.get(c['url'], []))}"
            "</td>"
            f"<td><a class='diff-link' href='/diff?copy={quote(_id_of(c['url']))}&amp;"
            f"original={quote(res.id or '')}'>diff</a></td></tr>" for c in res.copies)
        parts.append(f"<h2>{len(res.copies)} copies and partials</h2><table class='copies'>"
                     "<thead><tr><th>role</th><th>site</th><th>published</th>"
                     "<th>similarity</th><th>containment</th><th>URL</th><th>evidence</th>"
                     "<th></th></tr>"
                     f"</thead><tbody>{rows}</tbody></table>")
    parts.append("</section>")
    return _layout(res.title or res.url, "".join(parts))


def _id_of(url: str | None) -> str:
    try:
        return article_id(normalize_url(url or ""))
    except InputError:  # a malformed stored URL: no diff link target
        return ""


_SENT = re.compile(r"(?<=[.!?])\s+|\n+")


def _units(text: str) -> list[str]:
    return [s.strip() for s in _SENT.split(text) if s.strip()]


def diff(copy: LookupResult, copy_text: str, original: LookupResult, original_text: str,
         ) -> str:
    """Side by side, sentence by sentence: what the copy added, what it left out."""
    a, b = _units(original_text), _units(copy_text)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left += [f"<p class='same'>{escape(s)}</p>" for s in a[i1:i2]]
            right += [f"<p class='same'>{escape(s)}</p>" for s in b[j1:j2]]
            continue
        left += [f"<p class='missing'><del>{escape(s)}</del></p>" for s in a[i1:i2]]
        right += [f"<p class='added'><ins>{escape(s)}</ins></p>" for s in b[j1:j2]]
    body = (f"<section class='diff'><h1>Copy and original, side by side</h1>"
            "<p class='legend'><span class='added'>added by the copy</span> "
            "<span class='missing'>left out by the copy</span></p>"
            "<div class='columns'><div class='col'><h2>Original</h2>"
            f"<p class='url'>{_link(original.url)}</p>{''.join(left)}</div>"
            "<div class='col'><h2>Copy</h2>"
            f"<p class='url'>{_link(copy.url)}</p>{''.join(right)}</div></div></section>")
    return _layout("Diff", body)
