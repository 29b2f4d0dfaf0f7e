"""Settings, read once from the environment (``WIRETRACE_*``, and ``REDIS_URL``)."""

import os
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "wiretrace"


class Settings(BaseSettings):
    """Every tunable of the engine. Thresholds were chosen on the real-page quality test
    (tests/test_quality_real.py; see README)."""

    model_config = SettingsConfigDict(env_prefix="WIRETRACE_", extra="ignore")

    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "WIRETRACE_REDIS_URL")
    )
    namespace: str = "wt"
    data_dir: Path = Field(default_factory=_default_data_dir)
    # redis-py waits about a minute by default before it gives up; a lookup must not.
    redis_timeout: float = 2.0

    # Roles. containment = share of the original's shingles that the article reproduces.
    copy_containment: float = 0.75
    # ... or at least this share when the article adds (almost) nothing of its own: the
    # original's extracted text often carries more than its article (captions, related
    # stories), so a full copy of the article reproduces less than all of it
    copy_subset_containment: float = 0.65
    partial_containment: float = 0.2
    # Two texts are related only if they share at least this many shingles (estimated) ...
    min_shared_shingles: int = 12
    # ... and, on the same site, only if they are this similar (shared templates are not reuse).
    same_site_min_similarity: float = 0.5
    # Published dates closer than this are "unknown order" (dates are often wrong).
    date_margin_hours: float = 36.0
    # A site with at least this many copies (or partials, or articles that credit another
    # publication; wire stories do not count) that make at least this share of its articles
    # mostly republishes: when neither attribution nor dates decide, it is not taken for the
    # original of a story another site also carries. 0 = no such prior.
    republisher_min_copies: int = 5
    republisher_share: float = 0.3

    # A line that this many distinct articles of one site carry after its first sighting is
    # that site's template (a disclaimer, a newsletter plug) and is left out of its
    # signatures; 0 = do not learn.
    template_min_pages: int = 3
    # Repeated lines remembered per site (about 30 bytes each in Redis, plus a 4 KB bitmap).
    template_cap: int = 2048

    min_words: int = 25
    max_text_chars: int = 2_000_000
    batch_size: int = 64
    # Processes that prepare (extract, sign) a bulk ingest; 0 = one per CPU, 1 = in process.
    ingest_workers: int = 0
    write_retries: int = 30
