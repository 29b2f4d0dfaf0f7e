"""Watches: a publisher's site, the webhook told when its articles are republished, and the
newest deliveries to it (issue W2).

A watch is stored as JSON in one hash (``Keys.watches``), field = the site as
:func:`dedup.publishers.site_of` names it, so ``https://www.news.example/a``,
``news.example`` and ``m.news.example`` are one watch. The secret is a Standard Webhooks
secret (``whsec_`` and base64 of 24 to 64 random bytes); it is shown once, when generated.
"""

import base64
import binascii
import json
import os
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import redis

from dedup.errors import InputError
from dedup.fetch import FetchPolicy, check_url
from dedup.keys import Keys
from dedup.publishers import site_of

SECRET_PREFIX = "whsec_"


@dataclass(slots=True)
class Watch:
    """One watched site. ``secret`` never leaves the service but in ``watch add``'s answer."""

    site: str
    webhook: str | None = None
    secret: str = field(default="", repr=False)
    created: float = 0.0

    def public(self) -> dict[str, object]:
        """What listings show: everything but the secret."""
        return {"site": self.site, "webhook": self.webhook, "created": self.created}

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: bytes | str) -> "Watch":
        d = json.loads(raw)
        return cls(site=str(d["site"]), webhook=d.get("webhook"), secret=str(d.get("secret", "")),
                   created=float(d.get("created", 0)))


def normal_site(site: str) -> str:
    """The watch's name for a site, a host or a URL; InputError for what names no site."""
    value = (site or "").strip()
    if not value or len(value) > 2048 or any(c.isspace() for c in value):
        raise InputError(f"not a site: {site[:80]!r}", "bad_site")
    try:
        name = site_of(value if "//" in value else "https://" + value)
    except ValueError:
        name = ""
    if not name or "." not in name.strip("."):
        raise InputError(f"not a site: {site[:80]!r} (give a domain such as news.example)",
                         "bad_site")
    return name


def new_secret() -> str:
    """A fresh Standard Webhooks secret: ``whsec_`` and base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(os.urandom(32)).decode()


def checked_secret(secret: str) -> str:
    """A given secret, checked: ``whsec_`` and base64 of 24 to 64 bytes."""
    value = secret.strip()
    body = value.removeprefix(SECRET_PREFIX)
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not value.startswith(SECRET_PREFIX) or not 24 <= len(raw) <= 64:
        raise InputError("a webhook secret is 'whsec_' and the base64 of 24 to 64 random "
                         "bytes (leave it out to have one generated)", "bad_secret")
    return value


def checked_webhook(url: str, policy: FetchPolicy) -> str:
    """A webhook URL that may be posted to (the fetch guard: http(s), no credentials, no
    private or loopback address unless the policy allows it); InputError otherwise."""
    check_url(url.strip(), policy)
    return url.strip()


class Watches:
    """Add, list and remove watches; read a watch's delivery log."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.client = client
        self.keys = keys

    def add(self, site: str, webhook: str | None, secret: str | None,
            policy: FetchPolicy) -> Watch:
        """Create or replace the watch of a site; a secret is generated when none is given
        (replacing a watch keeps its secret unless a new one is given)."""
        name = normal_site(site)
        hook = checked_webhook(webhook, policy) if webhook else None
        old = self.get(name)
        given = checked_secret(secret) if secret else None
        watch = Watch(name, hook, given or (old.secret if old else new_secret()),
                      old.created if old else round(time.time(), 3))
        self.client.hset(self.keys.watches, name, watch.to_json())
        return watch

    def get(self, site: str) -> Watch | None:
        raw = self.client.hget(self.keys.watches, normal_site(site))
        return Watch.from_json(raw) if raw else None

    def all(self) -> list[Watch]:
        raw = self.client.hgetall(self.keys.watches)
        return sorted((Watch.from_json(v) for v in raw.values()), key=lambda w: w.site)

    def remove(self, site: str) -> bool:
        name = normal_site(site)
        pipe = self.client.pipeline(transaction=False)
        pipe.hdel(self.keys.watches, name)
        pipe.delete(self.keys.watch_log(name))
        return bool(pipe.execute()[0])

    def log(self, site: str, limit: int = 20) -> list[dict[str, Any]]:
        """The newest deliveries to a site's webhook, newest first."""
        rows = self.client.lrange(self.keys.watch_log(normal_site(site)), 0, max(0, limit - 1))
        return [json.loads(r) for r in rows]
