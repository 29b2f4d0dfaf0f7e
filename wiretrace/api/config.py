"""API settings, read once from the environment (``WIRETRACE_*``) when the service starts.

The engine's own settings (Redis, namespace, thresholds) are :class:`dedup.config.Settings`;
the README's settings table is generated from both (``python -m wiretrace.settings_table``).
"""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    """What `wiretrace serve` and :func:`wiretrace.api.app.create_app` need besides the engine.

    Example:
        >>> ApiSettings(api_key="k3y", fetch_per_minute=5).fetch_per_minute
        5
    """

    # an empty variable (compose passes `${WIRETRACE_API_KEY:-}`) means unset, as before
    model_config = SettingsConfigDict(env_prefix="WIRETRACE_", extra="ignore",
                                      env_ignore_empty=True, use_attribute_docstrings=True)

    api_key: SecretStr | None = None
    """Key that fetch-by-URL (`POST /v1/check` with `url`) and `/v1/watches` need in the header
    `X-API-Key`; unset: no key needed."""
    max_body: int = Field(default=5 << 20, ge=1)
    """Request bodies over this many bytes get 413 before they are read whole."""
    check_batch_max: int = Field(default=100, ge=1, le=10000)
    """Texts one `POST /v1/check/batch` may carry; more get 413."""
    fetch_per_minute: int = Field(default=30, ge=1)
    """Fetch-by-URL requests each client may make per minute (counted in Redis, so shared by
    every API process on it)."""
    redis_concurrency: int = Field(default=16, ge=1, le=32)
    """Requests that need Redis served at once (each holds a worker thread for at most the
    Redis timeout, 1 s); more wait."""
    redis_wait: float = Field(default=0.5, gt=0, le=5)
    """Seconds a request may wait for one of those places before it gets 503."""
    trusted_proxies: str = ""
    """Comma-separated addresses or networks of reverse proxies whose `X-Forwarded-For` names
    the client (the fetch limit then counts that client); empty: no proxy is trusted and every
    request counts against its peer address, loopback included."""
    fetch_allow_private: bool = False
    """Tests only: let fetch-by-URL reach loopback and private addresses."""
    host: str = "127.0.0.1"
    """Address `wiretrace serve` listens on (`--host`)."""
    port: int = Field(default=8000, ge=1, le=65535)
    """Port `wiretrace serve` listens on (`--port`)."""
