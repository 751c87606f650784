#!/usr/bin/python3
"""httpx's half of bench/client.sh: what bench/client_fetch.cpp does, with httpx.

One AsyncClient (Limits of INFLIGHT connections, all kept alive), INFLIGHT workers gathered,
each taking the next index until COUNT; every answer must be a 200 with a body. Prints
  client=httpx count=10000 wall_s=4.567 errors=0 connections=64
(connections: those in the pool at the end) and exits 1 if any call failed.
Usage: client_httpx.py URL COUNT INFLIGHT
"""
import asyncio
import sys
import time

import httpx

FAILURES_SHOWN = 5


async def fetch_all(url, count, inflight):
    next_index = 0
    errors = 0

    def failed(index, what):
        nonlocal errors
        if errors < FAILURES_SHOWN:
            print(f"call {index}: {what}", file=sys.stderr)
        errors += 1

    async def worker(client):
        nonlocal next_index
        while next_index < count:
            index = next_index
            next_index += 1
            try:
                res = await client.get(url)
                if res.status_code != 200:
                    failed(index, f"status {res.status_code}")
                elif not res.content:
                    failed(index, "an empty body")
            except Exception as e:  # noqa: BLE001 - every failure is counted, none ends the run
                failed(index, repr(e))

    limits = httpx.Limits(max_connections=inflight, max_keepalive_connections=inflight)
    async with httpx.AsyncClient(limits=limits) as client:
        start = time.monotonic()
        await asyncio.gather(*(worker(client) for _ in range(inflight)))
        seconds = time.monotonic() - start
        try:   # private attributes: the connection pool of the default transport
            pooled = len(client._transport._pool.connections)
        except AttributeError:
            pooled = "-"
    return seconds, errors, pooled


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: client_httpx.py URL COUNT INFLIGHT")
    url, count, inflight = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seconds, errors, pooled = asyncio.run(fetch_all(url, count, inflight))
    print(f"client=httpx count={count} wall_s={seconds:.3f} errors={errors} connections={pooled}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
