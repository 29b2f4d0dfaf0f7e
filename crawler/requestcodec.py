"""How requests travel through the shared Redis queue (scrapy-redis ``SCHEDULER_SERIALIZER``).

MessagePack of Scrapy's own request dict (``Request.to_dict``: the URL, the callback's name,
headers, meta): bytes stay bytes, and nothing read back from Redis is unpickled.
"""

import msgpack

# Scrapy's Request.to_dict(): string keys, values of any kind MessagePack carries
RequestDict = dict[str, object]


def dumps(obj: RequestDict) -> bytes:
    return msgpack.packb(obj, use_bin_type=True)


def loads(data: bytes) -> RequestDict:
    obj = msgpack.unpackb(data, raw=False, strict_map_key=False)
    if not isinstance(obj, dict) or not isinstance(obj.get("url"), str):
        raise ValueError("not a request written by wiretrace")
    return obj
