"""What the routes depend on, as ``Annotated[..., Depends(...)]`` types: the engine, the
fetch limiter, the API key check, the fetch policy and the metrics of the app at hand.

Everything hangs off ``app.state.services`` (one :class:`Services` per app, made by
:func:`wiretrace.api.app.create_app`), so two apps in one process share nothing but Redis.
"""

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from dedup.config import Settings
from dedup.engine import Engine
from dedup.errors import InputError
from dedup.fetch import FetchPolicy
from dedup.sanitize import clean_text
from wiretrace.api.backend import Backend
from wiretrace.api.config import ApiSettings
from wiretrace.api.limiter import FetchLimiter
from wiretrace.api.metrics import Metrics

MAX_URL = 2048


@dataclass(frozen=True, slots=True)
class Services:
    """One app's settings and the objects built from them."""

    settings: Settings
    api: ApiSettings
    policy: FetchPolicy
    backend: Backend
    metrics: Metrics


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def _engine(request: Request) -> Engine:
    return services(request).backend.engine()


def _limiter(request: Request) -> FetchLimiter:
    return services(request).backend.limiter()


def _backend(request: Request) -> Backend:
    return services(request).backend


def _policy(request: Request) -> FetchPolicy:
    return services(request).policy


def _api(request: Request) -> ApiSettings:
    return services(request).api


def _settings(request: Request) -> Settings:
    return services(request).settings


def _metrics(request: Request) -> Metrics:
    return services(request).metrics


_api_key = APIKeyHeader(name="X-API-Key", auto_error=False,
                        description="Needed for fetch-by-URL when the service has a key "
                                    "(`WIRETRACE_API_KEY`)")


def _authorised(request: Request, given: Annotated[str | None, Security(_api_key)]) -> bool:
    """True when the service has no key, or the request carries it (constant-time compare)."""
    expected = services(request).api.api_key
    if expected is None:
        return True
    return given is not None and hmac.compare_digest(given.encode(),
                                                     expected.get_secret_value().encode())


EngineDep = Annotated[Engine, Depends(_engine)]
LimiterDep = Annotated[FetchLimiter, Depends(_limiter)]
BackendDep = Annotated[Backend, Depends(_backend)]
PolicyDep = Annotated[FetchPolicy, Depends(_policy)]
MetricsDep = Annotated[Metrics, Depends(_metrics)]
SettingsDep = Annotated[Settings, Depends(_settings)]
ApiDep = Annotated[ApiSettings, Depends(_api)]
Authorised = Annotated[bool, Depends(_authorised)]


def checked_url(url: str) -> str:
    """``url`` cleaned (:func:`dedup.sanitize.clean_text`), or 414 when it is longer than a
    lookup accepts."""
    if len(url) > MAX_URL:
        raise InputError(f"url longer than {MAX_URL} characters", "url_too_long")
    return clean_text(url)
