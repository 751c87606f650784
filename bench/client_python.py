#!/usr/bin/python3
"""The Python half of bench/client.sh: what bench/client_fetch.cpp does, with aiohttp or httpx.

One client (aiohttp's ClientSession with a TCPConnector limited to INFLIGHT connections, or
httpx's AsyncClient with Limits of INFLIGHT connections, all kept alive), INFLIGHT workers
gathered, each taking the next index until COUNT; every answer must be a 200 with a body. Prints
  client=aiohttp count=10000 wall_s=2.345 errors=0 connections=64
(connections: those left in the pool at the end, read from private attributes) and exits 1 if
any call failed.
Usage: client_python.py aiohttp|httpx URL COUNT INFLIGHT
"""
import asyncio
import contextlib
import sys
import time

FAILURES_SHOWN = 5


@contextlib.asynccontextmanager
async def aiohttp_client(inflight):
    import aiohttp

    connector = aiohttp.TCPConnector(limit=inflight)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def get(url):
            async with session.get(url) as res:
                return res.status, await res.read()

        def pooled():   # the idle connections per host
            return sum(len(conns) for conns in connector._conns.values())

        yield get, pooled


@contextlib.asynccontextmanager
async def httpx_client(inflight):
    import httpx

    limits = httpx.Limits(max_connections=inflight, max_keepalive_connections=inflight)
    async with httpx.AsyncClient(limits=limits) as client:
        async def get(url):
            res = await client.get(url)
            return res.status_code, res.content

        def pooled():   # the connection pool of the default transport
            return len(client._transport._pool.connections)

        yield get, pooled


CLIENTS = {"aiohttp": aiohttp_client, "httpx": httpx_client}


async def fetch_all(make_client, url, count, inflight):
    next_index = 0
    errors = 0

    def failed(index, what):
        nonlocal errors
        if errors < FAILURES_SHOWN:
            print(f"call {index}: {what}", file=sys.stderr)
        errors += 1

    async with make_client(inflight) as (get, pooled):
        async def worker():
            nonlocal next_index
            while next_index < count:
                index = next_index
                next_index += 1
                try:
                    status, body = await get(url)
                    if status != 200:
                        failed(index, f"status {status}")
                    elif not body:
                        failed(index, "an empty body")
                except Exception as e:  # noqa: BLE001 - every failure is counted, none ends the run
                    failed(index, repr(e))

        start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(inflight)))
        seconds = time.monotonic() - start
        try:
            connections = pooled()
        except AttributeError:
            connections = "-"
    return seconds, errors, connections


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in CLIENTS:
        sys.exit("usage: client_python.py aiohttp|httpx URL COUNT INFLIGHT")
    name, url, count, inflight = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    seconds, errors, connections = asyncio.run(fetch_all(CLIENTS[name], url, count, inflight))
    print(f"client={name} count={count} wall_s={seconds:.3f} errors={errors} connections={connections}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
