#!/usr/bin/python3
"""aiohttp's half of bench/client.sh: what bench/client_fetch.cpp does, with aiohttp.

One ClientSession (a TCPConnector limited to INFLIGHT connections), INFLIGHT workers gathered,
each taking the next index until COUNT; every answer must be a 200 with a body. Prints
  client=aiohttp count=10000 wall_s=2.345 errors=0 connections=64
(connections: those idle in the pool at the end) and exits 1 if any call failed.
Usage: client_aiohttp.py URL COUNT INFLIGHT
"""
import asyncio
import sys
import time

import aiohttp

FAILURES_SHOWN = 5


async def fetch_all(url, count, inflight):
    next_index = 0
    errors = 0

    def failed(index, what):
        nonlocal errors
        if errors < FAILURES_SHOWN:
            print(f"call {index}: {what}", file=sys.stderr)
        errors += 1

    async def worker(session):
        nonlocal next_index
        while next_index < count:
            index = next_index
            next_index += 1
            try:
                async with session.get(url) as res:
                    body = await res.read()
                    if res.status != 200:
                        failed(index, f"status {res.status}")
                    elif not body:
                        failed(index, "an empty body")
            except Exception as e:  # noqa: BLE001 - every failure is counted, none ends the run
                failed(index, repr(e))

    connector = aiohttp.TCPConnector(limit=inflight)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.monotonic()
        await asyncio.gather(*(worker(session) for _ in range(inflight)))
        seconds = time.monotonic() - start
        try:   # a private attribute: the idle connections per host
            pooled = sum(len(conns) for conns in connector._conns.values())
        except AttributeError:
            pooled = "-"
    return seconds, errors, pooled


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: client_aiohttp.py URL COUNT INFLIGHT")
    url, count, inflight = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seconds, errors, pooled = asyncio.run(fetch_all(url, count, inflight))
    print(f"client=aiohttp count={count} wall_s={seconds:.3f} errors={errors} connections={pooled}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
