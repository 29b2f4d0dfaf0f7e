"""The web page: server-rendered Jinja2 templates (``templates/``), autoescaped, no script.
Every title and text comes from crawled pages and is hostile: the templates never mark text
safe, and the app sends a strict Content-Security-Policy."""

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from dedup.errors import InputError
from dedup.results import LookupResult
from dedup.urls import article_id, normalize_url
from wiretrace.api.diff import TooLong, word_diff

STATIC = Path(__file__).with_name("static")
# Below this confidence an answer is marked "uncertain" (README: "Reading a result").
UNCERTAIN_BELOW = 0.7
CHECK_URL = "https://check.invalid/input"  # what a pasted text is checked as

_env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   trim_blocks=True, lstrip_blocks=True)


def human_date(iso: str | None) -> str:
    """``2024-03-12T14:05:00+00:00`` as ``12 Mar 2024, 14:05 UTC``; a date alone as its day."""
    if not iso:
        return ""
    try:
        t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if len(iso) <= 10:
        return t.strftime("%-d %b %Y")
    offset = t.strftime("%z")
    zone = "UTC" if offset in ("", "+0000") else f"UTC{offset[:3]}:{offset[3:]}"
    return t.strftime("%-d %b %Y, %H:%M ") + zone


def _http(url: str | None) -> str:
    """``url`` if it is an http(s) link, else nothing: an ``href`` takes no other scheme."""
    return url if url and url.startswith(("http://", "https://")) and url != CHECK_URL else ""


def counted(n: int, noun: str) -> str:
    """``1 word``, ``2 words``: a count with its noun in the right number."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _id_of(url: str | None) -> str:
    try:
        return article_id(normalize_url(url or ""))
    except InputError:  # a malformed stored URL: no diff link target
        return ""


_env.filters.update(human_date=human_date, counted=counted, http=_http,
                    urlq=lambda s: quote(s or "", safe=""),
                    num=lambda x: "—" if x is None else f"{x:.2f}",
                    pct=lambda x: "—" if x is None else f"{x:.0%}",
                    epoch_iso=lambda t: datetime.fromtimestamp(t, UTC).isoformat()
                    .replace("+00:00", "Z"))
_env.globals.update(UNCERTAIN_BELOW=UNCERTAIN_BELOW, CHECK_URL=CHECK_URL, id_of=_id_of)


def render(template: str, **context: object) -> str:
    """Any template of the page, autoescaped."""
    return _env.get_template(template).render(**context)


def home(message: str = "", query: str = "") -> str:
    return _env.get_template("home.html").render(message=message, query=query)


def error(message: str, query: str = "") -> str:
    """The home page with a message: what went wrong, and what to do."""
    return _env.get_template("home.html").render(message=message, query=query, error=True)


def result(res: LookupResult, evidence: dict[str, list[str]] | None = None,
           query: str = "", pasted: str = "") -> str:
    """The answer for one URL or text; ``evidence`` by copy URL for an original's list."""
    return _env.get_template("result.html").render(
        res=res, evidence=evidence or {}, query=query or ("" if pasted else res.url),
        pasted=pasted)


def diff(copy: LookupResult, copy_text: str, original: LookupResult, original_text: str) -> str:
    """Side by side, word by word: what the copy added, left out and moved."""
    try:
        d, too_long = word_diff(original_text, copy_text), ""
    except TooLong as exc:
        d, too_long = None, str(exc)
    return _env.get_template("diff.html").render(copy=copy, original=original, d=d,
                                                 too_long=too_long)
