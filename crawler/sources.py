"""The sources file: which sites to crawl, how, and how often.

A YAML file with a ``sources`` list (and optional ``defaults`` merged into every source); see
``examples/sources.yaml``. An invalid file raises :class:`SourcesError` naming the source and
the field.
"""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crawler.config import CrawlSettings, UnsetVariableError, expand_env

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class SourcesError(ValueError):
    """The sources file is missing or invalid; the message names the source and the field."""


def parse_duration(value: object) -> timedelta:
    """``90``, ``"90s"``, ``"30m"``, ``"6h"``, ``"1d"``, ``"2w"`` as a timedelta."""
    if isinstance(value, timedelta):
        return value
    m = _DURATION.match(str(value))
    if not m or isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration (e.g. 90, 30m, 6h, 1d)")
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])


CRON_FIELDS = "minute hour day-of-month month day-of-week"


def check_cron(expr: str) -> str:
    """A cron expression of 5 fields (``minute hour day-of-month month day-of-week``, UTC,
    e.g. ``*/30 * * * *``), or 6 with the seconds last (croniter's order), or ValueError
    saying what is wrong. A 6-field expression with the seconds first (Quartz's and Spring's
    order) would be read as something else and is refused with the expression to use.

    Example:
        >>> check_cron("*/30 * * * *")
        '*/30 * * * *'
    """
    fields = expr.split()
    if len(fields) == 6 and (fields[5] in ("*", "?") or not croniter.is_valid(expr)):
        rotated = " ".join(f.replace("?", "*") for f in [*fields[1:], fields[0]])
        raise ValueError(f"{expr!r} looks like seconds first; in a 6-field schedule the "
                         f"seconds go last ({CRON_FIELDS} second): {rotated!r}, or 5 fields")
    if len(fields) not in (5, 6) or not croniter.is_valid(expr):
        raise ValueError(f"{expr!r} is not a cron expression of 5 fields ({CRON_FIELDS}), "
                         "e.g. '*/30 * * * *'")
    return expr


def _http_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")
    return url


class Follow(BaseModel):
    """Link following from ``start_urls``: which links, how deep."""

    model_config = ConfigDict(extra="forbid")
    allow: list[str] = Field(default_factory=list)  # regexes; empty = every link of the site
    deny: list[str] = Field(default_factory=list)
    max_depth: int = Field(default=2, ge=0, le=20)

    @field_validator("allow", "deny")
    @classmethod
    def _regexes(cls, v: list[str]) -> list[str]:
        for pattern in v:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
        return v


class Source(BaseModel):
    """One site (or group of sites) to crawl."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    feeds: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    start_urls: list[str] = Field(default_factory=list)
    follow: Follow = Field(default_factory=Follow)
    allowed_domains: list[str] = Field(default_factory=list)
    schedule: str = "0 * * * *"
    refresh: timedelta = timedelta(days=1)
    allow_private_addresses: bool = False
    settings: dict[str, Any] = Field(default_factory=dict)

    @field_validator("feeds", "sitemaps", "start_urls")
    @classmethod
    def _urls(cls, v: list[str]) -> list[str]:
        return [_http_url(u) for u in v]

    @field_validator("schedule")
    @classmethod
    def _cron(cls, v: str) -> str:
        return check_cron(v)

    @field_validator("refresh", mode="before")
    @classmethod
    def _refresh(cls, v: Any) -> timedelta:
        return parse_duration(v)

    @field_validator("settings")
    @classmethod
    def _settings(cls, v: dict[str, Any]) -> dict[str, Any]:
        for key in v:
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", key):
                raise ValueError(f"{key!r} is not a Scrapy setting name (UPPER_CASE)")
        return v

    def domains(self) -> list[str]:
        """allowed_domains, or else the hosts of every configured URL."""
        if self.allowed_domains:
            return [d.lower().lstrip(".") for d in self.allowed_domains]
        hosts = {(urlsplit(u).hostname or "").lower()
                 for u in [*self.feeds, *self.sitemaps, *self.start_urls]}
        return sorted(h.removeprefix("www.") for h in hosts if h)


def _describe(exc: ValidationError, index: int, raw: Any) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    where = f"source {name!r}" if isinstance(name, str) else f"source #{index + 1}"
    problems = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "(the source itself)"
        msg = err["msg"].removeprefix("Value error, ")
        problems.append(f"field {field!r}: {msg}")
    return f"{where}: " + "; ".join(problems)


def _expanded(data: object) -> Any:
    """Every string of parsed YAML with its ``${VAR}`` expanded; every unset one named."""
    unset: list[str] = []

    def walk(node: object) -> object:
        if isinstance(node, str):
            try:
                return expand_env(node)
            except UnsetVariableError as exc:
                unset.extend(exc.names)
                return node
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        return node

    out = walk(data)
    if unset:
        raise UnsetVariableError(list(dict.fromkeys(unset)))
    return out


def load_sources(path: str | Path | None = None) -> dict[str, Source]:
    """The sources of a file (default: ``WIRETRACE_SOURCES``), by name. ``${VAR:-default}``
    is expanded from the environment."""
    p = Path(path) if path else CrawlSettings().sources
    try:
        # variables are expanded in values, after parsing: a comment may mention ${VAR}
        data = _expanded(yaml.safe_load(p.read_text(encoding="utf-8")))
    except (FileNotFoundError, IsADirectoryError):
        raise SourcesError(f"{p}: no such sources file (give --sources or set "
                           "WIRETRACE_SOURCES)") from None
    except UnsetVariableError as exc:
        raise SourcesError(f"{p}: {exc}") from None
    except yaml.YAMLError as exc:
        raise SourcesError(f"{p}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourcesError(f"{p}: expected a mapping with a `sources` list")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise SourcesError(f"{p}: `defaults` must be a mapping")
    out: dict[str, Source] = {}
    problems: list[str] = []  # every one at once: a file is fixed in one go
    for i, raw in enumerate(data["sources"]):
        if not isinstance(raw, dict):
            problems.append(f"source #{i + 1}: expected a mapping")
            continue
        try:
            source = Source.model_validate({**defaults, **raw})
        except ValidationError as exc:
            problems.append(_describe(exc, i, raw))
            continue
        if source.name in out:
            problems.append(f"source {source.name!r}: field 'name': used twice")
        elif not (source.feeds or source.sitemaps or source.start_urls):
            problems.append(f"source {source.name!r}: field 'feeds': a source needs feeds, "
                            "sitemaps or start_urls")
        else:
            out[source.name] = source
    if len(problems) == 1:
        raise SourcesError(f"{p}: {problems[0]}")
    if problems:
        raise SourcesError(f"{p}: {len(problems)} problems:\n  " + "\n  ".join(problems))
    return out


def source_of(spider: object) -> Source | None:
    """The source a spider crawls (``spider.source``), or None for a spider of another kind."""
    source = getattr(spider, "source", None)
    return source if isinstance(source, Source) else None
