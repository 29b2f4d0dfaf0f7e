"""wiretrace's engine: near-duplicate detection and provenance of news articles.

The public API is :class:`dedup.engine.Engine`; the CLI (`wiretrace.cli`) and the HTTP API
(`wiretrace.api`) are thin faces over it, in the package `wiretrace`.
"""

from dedup.errors import IndexMismatchError, InputError, WiretraceError
from dedup.models import ArticleInput
from dedup.results import LookupResult

__all__ = [
    "ArticleInput",
    "IndexMismatchError",
    "InputError",
    "LookupResult",
    "WiretraceError",
]
