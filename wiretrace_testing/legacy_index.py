"""A schema v1 index, as the code before v2 wrote it, for the migration test: the articles
are ingested by today's engine into a scratch namespace, then every key is rewritten under
v1's names (``a:``, ``s:``, ``b:<bucket>``, ``c:{cid}``, ``u:``, single-letter fields and
verdict keys). Kept here, for tests only; nothing in the engine writes v1."""

import json
import zlib

import redis

from dedup import codec
from dedup.keys import Keys
from dedup.texts import unpack_text

_VERDICT = {"role": "r", "original": "o", "similarity": "j", "containment": "k",
            "confidence": "f", "evidence": "e", "attributed_to": "a"}
_ARTICLE = {"url": "u", "meta": "m", "text": "t", "cluster": "c"}


def write_v1(client: redis.Redis, scratch: Keys, ns: str) -> int:
    """Rewrite the index of namespace ``scratch`` as a v1 index of namespace ``ns`` (the
    scratch keys are deleted); returns the number of keys written."""
    v1 = f"{ns}:v1:"
    n = 0
    for key in list(client.scan_iter(match=scratch.index_pattern(), count=1000)):
        name = key.decode().split("}:", 1)[1]  # after the hash tag (one, or a family's)
        family, _, rest = name.partition(":")
        kind = client.type(key).decode()
        if family == "article":
            h = client.hgetall(key)
            h[b"text"] = zlib.compress(unpack_text(h[b"text"]).encode(), 6)  # v1's texts: zlib
            client.hset(v1 + "a:" + rest, mapping={_ARTICLE[f.decode()]: v for f, v in h.items()})
        elif family == "cluster":
            h = {f.decode(): v for f, v in client.hgetall(key).items()}
            out: dict[str, bytes | str] = {"v": h.get("version", b"1"),
                                           "o": h.get("original", b"")}
            for mid, v in codec.members(h).items():
                out[mid] = json.dumps({_VERDICT[k]: x for k, x in json.loads(v).items()})
            client.hset(v1 + "c:{" + rest + "}", mapping=out)
        elif family in ("sig", "alias", "band") or kind != "hash" or family in (
                "stats", "meta", "site", "tpl"):
            short = {"sig": "s:", "alias": "u:", "band": "b:"}.get(family, family + ":")
            target = v1 + short + rest if rest else v1 + family
            client.restore(target, 0, client.dump(key), replace=True)  # any slot
        else:
            continue
        client.delete(key)
        n += 1
    for key in list(client.scan_iter(match=scratch.prefix + "crawl:*", count=1000)):
        client.restore(v1 + key.decode()[len(scratch.prefix):], 0, client.dump(key))
        client.delete(key)
        n += 1
    return n
