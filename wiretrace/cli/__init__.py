"""`wiretrace`: the command line face of the engine. Only parsing and printing live here.

Every subcommand is a function ``(args, settings) -> exit status`` in ``index`` (the index
commands) or ``services`` (crawl, schedule, serve). Every error a user can cause ends in one
line on stderr saying what to do, never a traceback: status 2 for a usage error (a flag, a
file, a setting), 1 for a failure (Redis unavailable, a crawl that failed).
"""

import logging
import sys

import redis
from pydantic import ValidationError
from redis.exceptions import AskError, RedisClusterException

from dedup.config import Settings
from dedup.errors import ConflictError, StoreUnavailableError, WiretraceError

REDIS_HINT = "start Redis or set REDIS_URL (unset: wiretrace runs a redis-server of its own)"
PASSWORD_HINT = ("give Redis's password in REDIS_URL (redis://:PASSWORD@host:6379/0, "
                 "redis+cluster://:PASSWORD@host:port), REDIS_PASSWORD or REDIS_PASSWORD_FILE")
# what Redis and redis-py say, also inside a cluster client's error, when the password is
# wrong or missing: "start Redis" would send the user the wrong way
_AUTH_ERRORS = ("invalid username-password", "wrongpass", "noauth", "authentication required",
                "called with the client already authenticated", "without any password")


def redis_hint(message: str) -> str:
    """What to do about a Redis that cannot be used: a password to give, or a server."""
    lowered = message.lower()
    return PASSWORD_HINT if any(w in lowered for w in _AUTH_ERRORS) else REDIS_HINT


def setting_error(exc: ValidationError) -> str:
    """One line naming the variable and what is wrong with it."""
    err = exc.errors()[0]
    name = "_".join(str(p) for p in err["loc"]).upper()
    name = name if name.startswith(("WIRETRACE_", "REDIS_URL")) else "WIRETRACE_" + name
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"invalid setting {name}={redacted(err.get('input'))!r}: {msg}"


def redacted(value: object) -> object:
    """A URL's user and password as ``***`` (``redis://:s3cret@h`` → ``redis://***@h``): an
    error line ends up in logs."""
    if not isinstance(value, str) or "://" not in value or "@" not in value:
        return value
    scheme, _, rest = value.partition("://")
    return f"{scheme}://***@{rest.rpartition('@')[2]}"


def main(argv: list[str] | None = None) -> int:
    from wiretrace.cli.parser import build_parser

    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"wiretrace: error: {setting_error(exc)}", file=sys.stderr)
        return 2
    logging.basicConfig(level="DEBUG" if args.verbose else settings.log_level,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:  # its ERRORs are about one input ("parsed tree length: 0"), which
        # wiretrace says itself in one line (a counted skip, a 400, `error: …`)
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        return int(args.func(args, settings))
    except (StoreUnavailableError, ConflictError) as exc:
        hint = f"; {redis_hint(str(exc))}" if str(exc).startswith("Redis is unavailable") else ""
        print(f"wiretrace: error: {exc}{hint}", file=sys.stderr)
        return 1
    except WiretraceError as exc:
        print(f"wiretrace: error: {exc}", file=sys.stderr)
        return 2
    except AskError:  # MOVED or ASK: a redis:// URL naming one node of a cluster
        print("wiretrace: error: REDIS_URL names a node of a Redis Cluster: give "
              "redis+cluster://host:port[,host:port]", file=sys.stderr)
        return 2
    except (redis.RedisError, RedisClusterException) as exc:
        print(f"wiretrace: error: Redis is unavailable: {exc}; {redis_hint(str(exc))}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `wiretrace export | head`
        sys.stderr.close()
        return 0
