"""The publisher commands: `watch add|list|remove` and `notify` (issue W2)."""

import argparse
import json
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from dedup.config import Settings
from dedup.engine import Engine
from dedup.errors import InputError
from dedup.fetch import FetchPolicy


def webhook_policy(settings: Settings) -> FetchPolicy:
    """Where webhooks may go: the fetch guard's rules (loopback only when allowed)."""
    return FetchPolicy(allow_private=settings.notify_allow_private,
                       timeout=settings.notify_timeout)


def _secret_file(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--secret-file: cannot read {path}: {exc}") from None


def cmd_watch_add(args: argparse.Namespace, settings: Settings) -> int:
    secret = _secret_file(args.secret_file)
    engine = Engine.from_settings(settings)
    existed = engine.watches.get(args.site) is not None
    watch = engine.watches.add(args.site, args.webhook, secret, webhook_policy(settings))
    if args.json:
        shown = {**watch.public(), **({"secret": watch.secret} if not secret else {})}
        print(json.dumps(shown))
        return 0
    print(f"{'updated' if existed else 'watching'} {watch.site}"
          + (f": webhook {watch.webhook}" if watch.webhook else " (no webhook: site page only)"))
    if not secret and not existed:
        print(f"webhook secret (shown once; verify signatures with it): {watch.secret}")
    return 0


def cmd_watch_list(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine.from_settings(settings)
    watches = engine.watches.all()
    if not watches and not args.json:  # a blank answer looked like a command that did nothing
        print("no watches: `wiretrace watch add SITE` makes one", file=sys.stderr)
    for w in watches:
        log = engine.watches.log(w.site, args.log)
        if args.json:
            print(json.dumps({**w.public(), "deliveries": log}))
            continue
        print(f"{w.site}  webhook: {w.webhook or '—'}")
        for d in log:
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(float(d["at"])))
            n = len(d.get("copies") or [d["copy"]])
            print(f"  {when}  {d['state']:<9} {d.get('status') or '':<4} {d['kind']} "
                  f"{n} cop{'y' if n == 1 else 'ies'} ({d['copy']}{', ...' if n > 1 else ''})"
                  f"  {d['webhook_id']}  {d.get('error') or ''}".rstrip())
    return 0


def cmd_watch_remove(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine.from_settings(settings)
    gone = [s for s in args.sites if engine.watches.remove(s)]
    for s in args.sites:
        print(f"{'removed' if s in gone else 'not watched'}: {s}")
    return 0 if len(gone) == len(args.sites) else 1


def cmd_notify(args: argparse.Namespace, settings: Settings) -> int:
    from dedup.notifier import Notifier

    notifier = Notifier(Engine.from_settings(settings), settings)
    # SIGTERM (docker stop): finish the batch at hand, acknowledge it, exit
    signal.signal(signal.SIGTERM, lambda *_: notifier.stop.set())
    delivered = notifier.run(args.seconds, args.drain)
    print(f"delivered {delivered} events", file=sys.stderr)
    return 0


Sub = argparse._SubParsersAction  # a subparsers action of the `wiretrace` parser


def add_commands(sub: Sub, make: Callable[..., argparse.ArgumentParser]) -> None:
    """`watch` and `notify` on the `wiretrace` parser (``make``: its subcommand maker)."""
    w = make(sub, "watch", help="watch a site: be told (webhook) when its articles are "
             "republished")
    ws = w.add_subparsers(dest="watch_command", required=True, metavar="ACTION",
                          help="add, list or remove")
    s = make(ws, "add", help="watch a site, or change its webhook")
    s.add_argument("site", metavar="SITE", help="a domain, host or URL of the site")
    s.add_argument("--webhook", metavar="URL", help="POST each new copy here (Standard "
                   "Webhooks); public http(s) addresses only (default: none, the site page "
                   "and feed only)")
    s.add_argument("--secret-file", metavar="F", help="the signing secret (whsec_…) in a file "
                   "(default: one is generated and printed once)")
    s.add_argument("--json", action="store_true", help="one JSON object (default: text)")
    s.set_defaults(func=cmd_watch_add)
    s = make(ws, "list", help="the watches and their newest deliveries")
    s.add_argument("--log", type=int, default=5, metavar="N", help="deliveries shown per watch")
    s.add_argument("--json", action="store_true", help="one JSON object per watch "
                   "(default: text)")
    s.set_defaults(func=cmd_watch_list)
    s = make(ws, "remove", help="stop watching sites")
    s.add_argument("sites", nargs="+", metavar="SITE")
    s.set_defaults(func=cmd_watch_remove)
    s = make(sub, "notify", help="deliver the watches' webhooks (a long-running worker)")
    s.add_argument("--seconds", type=float, help="stop after this long (default: never)")
    s.add_argument("--drain", action="store_true",
                   help="exit once every queued event is delivered (default: run on)")
    s.set_defaults(func=cmd_notify)
