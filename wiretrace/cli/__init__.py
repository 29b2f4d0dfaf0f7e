"""`wiretrace`: the command line face of the engine. Only parsing and printing live here.

Every subcommand is a function ``(args, settings) -> exit status`` in ``index`` (the index
commands) or ``services`` (crawl, schedule, serve); errors wiretrace raises on purpose, an
invalid setting and Redis being unavailable end in one line on stderr and status 2.
"""

import logging
import sys

import redis
from pydantic import ValidationError

from dedup.config import Settings
from dedup.errors import WiretraceError


def setting_error(exc: ValidationError) -> str:
    """One line naming the variable and what is wrong with it."""
    err = exc.errors()[0]
    name = "WIRETRACE_" + "_".join(str(p) for p in err["loc"]).upper()
    return f"invalid setting {name}={err.get('input')!r}: {err['msg']}"


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
    except WiretraceError as exc:
        print(f"wiretrace: error: {exc}", file=sys.stderr)
        return 2
    except redis.RedisError as exc:
        print(f"wiretrace: error: Redis is unavailable: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `wiretrace export | head`
        sys.stderr.close()
        return 0
