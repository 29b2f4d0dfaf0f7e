"""A burst of concurrent GET requests from a process of its own, for load tests.

    python -m wiretrace_testing.burst URL N    # prints one JSON line: [[status, seconds], ...]

Every request is sent at once (one connection each); a request that fails without an answer
is reported with status 0.
"""

import asyncio
import json
import sys
import time

import httpx


async def _one(client: httpx.AsyncClient, url: str, start: asyncio.Event) -> tuple[int, float]:
    await start.wait()
    t = time.perf_counter()
    try:
        status = (await client.get(url)).status_code
    except httpx.HTTPError:
        status = 0
    return status, round(time.perf_counter() - t, 3)


async def burst(url: str, n: int) -> list[tuple[int, float]]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=0)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        start = asyncio.Event()
        tasks = [asyncio.create_task(_one(client, url, start)) for _ in range(n)]
        await asyncio.sleep(0.05)
        start.set()
        return list(await asyncio.gather(*tasks))


def main() -> None:
    print(json.dumps(asyncio.run(burst(sys.argv[1], int(sys.argv[2])))))


if __name__ == "__main__":
    main()
