"""Published dates with their precision: how far apart two dates must be to say which came
first.

A full timestamp with a zone (structured markup, an ingest caller's ``published``) is precise
to minutes; a date without a time, a midnight that stands for a day, or a local time without
a zone is precise to a day only (the zone alone can move it by up to 14 hours).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# Two precise timestamps this close say nothing of which came first (clocks, rounding).
PRECISE_MARGIN = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Dated:
    """A published date and the uncertainty around it."""

    when: datetime  # UTC
    margin: timedelta  # how far the true instant may be from ``when``
    text: str

    @property
    def precise(self) -> bool:
        return self.margin <= PRECISE_MARGIN


def dated(value: str | None, day_margin: timedelta) -> Dated | None:
    """A stored ``published`` value with its precision, or None when there is none.

    Example:
        >>> dated("2024-03-01T10:15:00Z", timedelta(hours=36)).precise
        True
        >>> dated("2024-03-01", timedelta(hours=36)).precise
        False
    """
    if not value:
        return None
    v = value.strip()
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    has_time = "T" in v or " " in v
    midnight = (dt.hour, dt.minute, dt.second, dt.microsecond) == (0, 0, 0, 0)
    if dt.tzinfo is None:
        # no zone: read as UTC, give or take the widest zone offset (or a day without a time)
        return Dated(dt.replace(tzinfo=UTC), day_margin if not has_time or midnight
                     else timedelta(hours=14), v)
    dt = dt.astimezone(UTC)
    if not has_time or midnight:
        return Dated(dt, day_margin, v)
    return Dated(dt, PRECISE_MARGIN, v)


def leads(a: Dated, b: Dated) -> bool:
    """Whether ``a`` is surely earlier than ``b``, each date's uncertainty allowed for."""
    return b.when - a.when > max(a.margin, b.margin)
