#!/usr/bin/env python3
"""Load generator for bench/load: page readers and submitters against one homeport, at once.

    load.py BASE_URL OUT_JSON [--seconds 60] [--readers 200] [--submitters 20]

Each reader keeps one keep-alive connection and GETs pages in a loop (overview, catalog, an
entity, ADRs, inventory, requests, a request, the form, the API list); each submitter keeps one and
POSTs /api/v1/requests with a new app name in a loop (three in four with the ollama engine, the
rest template; auto_pr true); on 429 it checks Retry-After and tries again 200 ms later. After
--seconds it stops, then reads back every accepted request from the API ("nothing lost"), waits
up to 120 s for the queue to drain, and writes every figure to OUT_JSON. Standard library only
(asyncio, one thread), so the client side is cheap enough to run 220 connections on a small box.
"""

import argparse
import asyncio
import json
import random
import time
from urllib.parse import urlsplit

PAGES = ["/", "/catalog", "/catalog/component/default/grafana", "/adr", "/adr/001-monorepo", "/inventory",
         "/observability", "/requests", "/apps/new", "/api/v1/requests", "/healthz"]


class Connection:
    """One HTTP/1.1 keep-alive connection; reconnects when the server closes it."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, method, path, body=None):
        for attempt in (0, 1):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                if body is not None:
                    head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                self.writer.write(head.encode() + b"\r\n" + (body or b""))
                await self.writer.drain()
                return await self.response()
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                self.close()
                if attempt:
                    return 0, {}, b""
        return 0, {}, b""

    async def response(self):
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        headers = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readline()).strip() or b"0", 16)
                if size == 0:
                    await self.reader.readline()
                    break
                body += await self.reader.readexactly(size)
                await self.reader.readline()
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Tally:
    def __init__(self):
        self.statuses = {}
        self.latencies = []

    def add(self, status, seconds):
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(seconds)

    def summary(self, seconds):
        total = sum(self.statuses.values())
        return {
            "requests": total, "per_second": round(total / seconds, 1),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "p50_ms": round(percentile(self.latencies, 0.50) * 1000, 1) if self.latencies else None,
            "p99_ms": round(percentile(self.latencies, 0.99) * 1000, 1) if self.latencies else None,
            "max_ms": round(max(self.latencies) * 1000, 1) if self.latencies else None,
        }


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("out_json")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--submitters", type=int, default=20)
    args = parser.parse_args()
    url = urlsplit(args.base_url)
    host, port = url.hostname, url.port

    reads, submits = Tally(), Tally()
    accepted, missing_retry_after = [], [0]
    deadline = time.monotonic() + args.seconds
    counter = [0]

    async def reader(index):
        connection = Connection(host, port)
        rng = random.Random(index)
        while time.monotonic() < deadline:
            path = rng.choice(PAGES + ([f"/requests/{rng.choice(accepted)}"] if accepted else []))
            started = time.monotonic()
            status, _, _ = await connection.request("GET", path)
            reads.add(status, time.monotonic() - started)
        connection.close()

    async def submitter(index):
        connection = Connection(host, port)
        while time.monotonic() < deadline:
            counter[0] += 1
            number = counter[0]
            engine = "template" if number % 4 == 0 else "ollama"
            body = json.dumps({"app_name": f"load-{index}-{number}", "engine": engine, "image": "nginx:1.27",
                               "prompt": "a small web server on port 80", "auto_pr": True}).encode()
            started = time.monotonic()
            status, headers, payload = await connection.request("POST", "/api/v1/requests", body)
            submits.add(status, time.monotonic() - started)
            if status == 202:
                accepted.append(json.loads(payload)["id"])
            elif status == 429:
                if "retry-after" not in headers:
                    missing_retry_after[0] += 1
                await asyncio.sleep(0.2)
        connection.close()

    started = time.monotonic()
    await asyncio.gather(*[reader(i) for i in range(args.readers)], *[submitter(i) for i in range(args.submitters)])
    elapsed = time.monotonic() - started

    # Nothing lost: every accepted request is in the database, then the queue drains.
    check = Connection(host, port)
    lost = []
    for request_id in accepted:
        status, _, _ = await check.request("GET", f"/api/v1/requests/{request_id}")
        if status != 200:
            lost.append(request_id)
    final = {}
    drain_deadline = time.monotonic() + 120
    while True:
        final = {}
        for request_id in accepted:
            status, _, payload = await check.request("GET", f"/api/v1/requests/{request_id}")
            state = json.loads(payload)["status"] if status == 200 else f"http {status}"
            final[state] = final.get(state, 0) + 1
        if set(final) <= {"pr_opened", "failed", "rejected", "cancelled", "ready"} or time.monotonic() > drain_deadline:
            break
        await asyncio.sleep(2)
    check.close()

    every = dict(reads.statuses)
    for status, count in submits.statuses.items():
        every[status] = every.get(status, 0) + count
    report = {
        "seconds": round(elapsed, 1), "readers": args.readers, "submitters": args.submitters,
        "reads": reads.summary(elapsed), "submissions": submits.summary(elapsed),
        "accepted": len(accepted), "lost": len(lost), "lost_ids": lost[:20],
        "overflow_429": submits.statuses.get(429, 0), "429_without_retry_after": missing_retry_after[0],
        "server_errors_5xx": sum(count for status, count in every.items() if status >= 500),
        "connection_failures": every.get(0, 0),
        "final_statuses": final,
    }
    with open(args.out_json, "w") as out:
        json.dump(report, out, indent=2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
