"""A burst of concurrent GET requests from a process of its own, for load tests.

    python -m wiretrace_testing.burst URL N    # prints one JSON line: [[status, seconds], ...]

Every request is sent at once, each on a connection of its own, with plain asyncio streams:
an HTTP client library would spend more CPU on 400 requests than the server it measures. A
request that fails without an answer is reported with status 0.
"""

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


async def _one(host: str, port: int, target: str, start: asyncio.Event) -> tuple[int, float]:
    await start.wait()
    t = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                     "Connection: close\r\n\r\n".encode())
        line = await reader.readline()
        await reader.read()
        writer.close()
        status = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        status = 0
    return status, round(time.perf_counter() - t, 3)


async def burst(url: str, n: int) -> list[tuple[int, float]]:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    start = asyncio.Event()
    tasks = [asyncio.create_task(_one(parts.hostname or "127.0.0.1", parts.port or 80, target,
                                      start)) for _ in range(n)]
    await asyncio.sleep(0.05)
    start.set()
    return list(await asyncio.gather(*tasks))


def main() -> None:
    print(json.dumps(asyncio.run(burst(sys.argv[1], int(sys.argv[2])))))


if __name__ == "__main__":
    main()
