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


def setting_error(exc: ValidationError) -> str:
    """One line naming the variable and what is wrong with it."""
    err = exc.errors()[0]
    name = "_".join(str(p) for p in err["loc"]).upper()
    name = name if name.startswith(("WIRETRACE_", "REDIS_URL")) else "WIRETRACE_" + name
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"invalid setting {name}={err.get('input')!r}: {msg}"


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
    try:
        return int(args.func(args, settings))
    except (StoreUnavailableError, ConflictError) as exc:
        hint = f"; {REDIS_HINT}" if str(exc).startswith("Redis is unavailable") else ""
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
        print(f"wiretrace: error: Redis is unavailable: {exc}; {REDIS_HINT}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `wiretrace export | head`
        sys.stderr.close()
        return 0
