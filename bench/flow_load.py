#!/usr/bin/env python3
"""Load for bench/flow: drives Homeport's new-app API and writes what it measured as JSON.

    flow_load.py burst    --base URL --engine E --requests N --concurrency C --prefix P [...]
    flow_load.py closed   --base URL --engine E --requests N --concurrency C --prefix P [...]
    flow_load.py manifest --base URL --requests N --prefix P [--forge URL] [...]
    flow_load.py feed     --base URL --requests N --prefix P [...]
    flow_load.py report   [--raw ALL.json] RESULT.json...   (Markdown tables on stdout; exit 1 on failures)

burst:    C threads send the N `POST /api/v1/requests` back to back without waiting for the
          flow: the API's intake rate. Then one thread counts, every 10 ms, the requests in
          pr_opened (`GET /api/v1/requests?status=pr_opened&page=1000000`: the count, no rows)
          until it has grown by N (or the failures make up the rest): how long the backlog took
          to drain (completed per second). Nothing else may submit requests meanwhile.
closed:   C threads each submit one request and poll `GET /api/v1/requests/{id}` every
          --poll-ms until it reaches pr_opened, then submit the next: the time from submit to
          pr_opened with C requests in flight and no backlog, measured on the client (the API's
          timestamps have whole seconds only).
manifest: N sequential `POST /generate/manifest` (synchronous, ollama engine, opens the PR).
          With --forge (the fake GitHub), also the time from the fake's answer to the pull
          request's creation (its /_bench/pulls) to Homeport's answer: what the call adds after the
          change that settles it.
feed:     N times, one after another: an ollama-engine request named hold-... (the fake Ollama
          holds its chat, so it stays generating), a live feed (`GET /requests/{id}/events`) read
          on its own thread, and, once the feed has shown `generating`, a cancel
          (`POST /api/v1/requests/{id}/cancel`): the time from sending the cancel (and from its
          answer) until the feed delivers the `cancelled` status event. The cancel commits the
          change before it answers, so "after the answer" is what the feed adds.

Every request uses app name P-<n> (unique; the API refuses a name an open request holds),
owner --owner, image --image, auto_pr true. Every wait is bounded by --timeout (per request)
and --phase-timeout (per phase). With --pid, the homeport process's CPU time (and that of
the children it reaped: git) over the phase is recorded too. Standard library only.
"""

import argparse
import http.client
import json
import math
import os
import sys
import threading
import time
from urllib.parse import urlsplit

FINAL = {"pr_opened", "rejected", "failed", "cancelled"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- HTTP ---------------------------------------------------------------------------------------


class Client:
    """One keep-alive connection (one per thread), reopened after an error."""

    def __init__(self, base, timeout):
        parts = urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.connection = None

    def call(self, method, path, body=None):
        """(status, headers dict with lower-case names, parsed JSON or raw text); status 0 on a socket error."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", "Accept": "application/json"} if data is not None else {"Accept": "application/json"}
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                raw = response.read()
                answer_headers = {k.lower(): v for k, v in response.getheaders()}
                if answer_headers.get("connection", "").lower() == "close":
                    self.close()
                try:
                    parsed = json.loads(raw) if raw else None
                except ValueError:
                    parsed = raw.decode(errors="replace")[:300]
                return response.status, answer_headers, parsed
            except (OSError, http.client.HTTPException) as error:
                self.close()
                # A kept-alive connection the server closed meanwhile: try once more on a new one,
                # but only for a GET (a POST may have been processed).
                if attempt == 2 or method != "GET":
                    return 0, {}, f"{type(error).__name__}: {error}"
        return 0, {}, "unreachable"

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except OSError:
                pass
            self.connection = None


def cpu_seconds(pid):
    """(own utime+stime, reaped children's cutime+cstime) of a process, in seconds; None when unreadable."""
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # After the ")": state is field 3, so utime (14) is index 11.
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        return (utime + stime) / CLOCK_TICKS, (cutime + cstime) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return None


def open_fds(pid):
    """How many file descriptors the process holds (None when unreadable)."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd")) if pid else None
    except OSError:
        return None


def alive(pid):
    """Whether the measured process still runs (always true without --pid)."""
    if not pid:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def percentile(values, q):
    """Nearest-rank percentile of a list (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(values):
    return {"count": len(values), "p50": percentile(values, 0.50), "p99": percentile(values, 0.99),
            "max": max(values) if values else None, "min": min(values) if values else None,
            "mean": sum(values) / len(values) if values else None}


def request_body(args, index):
    body = {"app_name": f"{args.prefix}-{index}", "owner": args.owner, "image": args.image, "engine": args.engine,
            "prompt": "A small web service for the flow benchmark.", "auto_pr": True}
    return body


# --- phases -------------------------------------------------------------------------------------


class Run:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.next_index = 0
        self.failures = []      # {name, id, status, reason}
        self.post_seconds = []  # latency of each accepted POST
        self.e2e_seconds = []   # submit → pr_opened
        self.non2xx = {}        # "METHOD path-kind status" → count
        self.polls = 0
        self.accepted = []      # (name, id)
        self.deadline = time.monotonic() + args.phase_timeout
        self.server_gone = False

    def gone(self):
        """True (and remembered) once the homeport process has exited: the phase stops at once."""
        if not self.server_gone and not alive(self.args.pid):
            self.server_gone = True
        return self.server_gone

    def take(self):
        with self.lock:
            if self.next_index >= self.args.requests or time.monotonic() > self.deadline or self.gone():
                return None
            self.next_index += 1
            return self.next_index

    def fail(self, name, request_id, status, reason):
        with self.lock:
            self.failures.append({"name": name, "id": request_id, "status": status, "reason": str(reason)[:300]})

    def bad_status(self, key):
        with self.lock:
            self.non2xx[key] = self.non2xx.get(key, 0) + 1

    def submit(self, client, index):
        """POSTs one request; (name, id, t_start) or None after recording the failure."""
        name = f"{self.args.prefix}-{index}"
        started = time.perf_counter()
        status, headers, body = client.call("POST", "/api/v1/requests", request_body(self.args, index))
        elapsed = time.perf_counter() - started
        if status != 202:
            self.bad_status(f"POST /api/v1/requests {status}")
            self.fail(name, None, f"HTTP {status}", body)
            return None
        location = headers.get("location", "")
        request_id = location.rsplit("/", 1)[-1] if location else (body or {}).get("id")
        if not request_id:
            self.fail(name, None, "HTTP 202", "no Location and no id in the answer")
            return None
        with self.lock:
            self.post_seconds.append(elapsed)
            self.accepted.append((name, request_id))
        return name, request_id, started


def closed_worker(run, args):
    client = Client(args.base, args.http_timeout)
    poll = args.poll_ms / 1000
    try:
        while (index := run.take()) is not None:
            submitted = run.submit(client, index)
            if submitted is None:
                continue
            name, request_id, started = submitted
            limit = min(started + args.timeout, time.perf_counter() + max(0.0, run.deadline - time.monotonic()))
            status = "?"
            while True:
                code, _, body = client.call("GET", f"/api/v1/requests/{request_id}")
                now = time.perf_counter()
                with run.lock:
                    run.polls += 1
                if code != 200:
                    run.bad_status(f"GET /api/v1/requests/{{id}} {code}")
                    if code != 0 or run.gone():
                        run.fail(name, request_id, f"HTTP {code}", body if code else "homeport exited")
                        break
                else:
                    status = body.get("status", "?")
                    if status == "pr_opened":
                        with run.lock:
                            run.e2e_seconds.append(now - started)
                        break
                    if status in FINAL:
                        run.fail(name, request_id, status, body.get("failure_reason", ""))
                        break
                if now >= limit:
                    run.fail(name, request_id, status, f"not pr_opened after {now - started:.1f} s")
                    break
                time.sleep(poll)
    finally:
        client.close()


def burst_worker(run, args):
    client = Client(args.base, args.http_timeout)
    try:
        while (index := run.take()) is not None:
            run.submit(client, index)
    finally:
        client.close()


BAD = ("rejected", "failed", "cancelled")


def count_status(client, run, status):
    """How many requests (all of them, not only this phase's) have this status. The page asked
    for is far past the end, so the answer is the count alone: an indexed count, no rows."""
    code, _, body = client.call("GET", f"/api/v1/requests?status={status}&page=1000000")
    with run.lock:
        run.polls += 1
    if code != 200 or not isinstance(body, dict):
        run.bad_status(f"GET /api/v1/requests?status= {code}")
        return None
    return int(body.get("total", 0))


def phase_submit(args):
    run = Run(args)
    if args.mode == "burst":
        # Counts before the phase: the drain is done when pr_opened has grown by what was accepted.
        client = Client(args.base, args.http_timeout)
        opened_before = count_status(client, run, "pr_opened")
        bad_before = [count_status(client, run, status) for status in BAD]
        client.close()
        if opened_before is None or None in bad_before:
            raise SystemExit("cannot count the requests by status before the burst")
        bad_before = sum(bad_before)
    cpu_before = cpu_seconds(args.pid)
    fds_before = open_fds(args.pid)
    worker = closed_worker if args.mode == "closed" else burst_worker
    threads = [threading.Thread(target=worker, args=(run, args), daemon=True) for _ in range(args.concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, run.deadline - time.monotonic() + args.http_timeout * 2))
    submitted_at = time.perf_counter()
    result = {"mode": args.mode, "engine": args.engine, "label": args.label, "requests": args.requests,
              "concurrency": args.concurrency, "poll_ms": args.poll_ms}

    if args.mode == "burst":
        # Drain: count pr_opened every 10 ms (and the failures every 0.5 s) until all are final.
        client = Client(args.base, args.http_timeout)
        accepted = len(run.accepted)
        finished_at = None
        limit = time.perf_counter() + max(0.0, run.deadline - time.monotonic()) + args.timeout
        next_bad_check = time.perf_counter() + 0.5
        while time.perf_counter() < limit and not run.gone():
            opened = count_status(client, run, "pr_opened")
            if opened is not None and opened - opened_before >= accepted:
                finished_at = time.perf_counter()
                break
            if opened is not None and time.perf_counter() >= next_bad_check:
                next_bad_check = time.perf_counter() + 0.5
                bad = sum(count_status(client, run, status) or 0 for status in BAD) - bad_before
                if opened - opened_before + bad >= accepted:
                    finished_at = time.perf_counter()
                    break
            time.sleep(0.01)
        # Which ones did not make it, and why.
        for name, request_id in list(run.accepted):
            if run.gone():
                run.fail(name, request_id, "?", "homeport exited")
                continue
            code, _, body = client.call("GET", f"/api/v1/requests/{request_id}")
            if code != 200:
                run.bad_status(f"GET /api/v1/requests/{{id}} {code}")
                run.fail(name, request_id, f"HTTP {code}", body)
            elif body.get("status") != "pr_opened":
                run.fail(name, request_id, body.get("status"), body.get("failure_reason", "not finished when the phase ended"))
        client.close()
        result["submit_seconds"] = submitted_at - started
        result["accepted_per_second"] = accepted / result["submit_seconds"] if result["submit_seconds"] > 0 else None
        result["drain_seconds"] = (finished_at - started) if finished_at else None
        result["completed"] = accepted - len([f for f in run.failures if f["id"]])
        result["completed_per_second"] = result["completed"] / result["drain_seconds"] if finished_at else None
    else:
        result["wall_seconds"] = submitted_at - started
        result["completed"] = len(run.e2e_seconds)
        result["completed_per_second"] = len(run.e2e_seconds) / result["wall_seconds"] if result["wall_seconds"] > 0 else None
        result["e2e"] = summary(run.e2e_seconds)
        result["polls_per_request"] = run.polls / max(1, len(run.accepted))

    cpu_after = cpu_seconds(args.pid)
    if cpu_before and cpu_after and result["completed"]:
        result["homeport_cpu_ms_per_request"] = 1000 * (cpu_after[0] - cpu_before[0]) / result["completed"]
        result["children_cpu_ms_per_request"] = 1000 * (cpu_after[1] - cpu_before[1]) / result["completed"]
    result["accepted"] = len(run.accepted)
    result["homeport_exited"] = run.gone()
    result["fds_before"], result["fds_after"] = fds_before, open_fds(args.pid)
    result["post"] = summary(run.post_seconds)
    result["polls"] = run.polls
    result["failures"] = run.failures
    result["non2xx"] = run.non2xx
    return result


def forge_pulls(forge, timeout):
    """{head branch: time.monotonic() of the creation} from the fake GitHub; {} when unreachable."""
    client = Client(forge, timeout)
    code, _, body = client.call("GET", "/_bench/pulls")
    client.close()
    return body.get("opened_at", {}) if code == 200 and isinstance(body, dict) else {}


def phase_manifest(args):
    run = Run(args)
    cpu_before = cpu_seconds(args.pid)
    fds_before = open_fds(args.pid)
    client = Client(args.base, max(args.http_timeout, args.timeout))
    latencies = []
    answered = []  # (branch, time.monotonic() when the answer was read)
    started = time.perf_counter()
    while (index := run.take()) is not None:
        name = f"{args.prefix}-{index}"
        t0 = time.perf_counter()
        code, _, body = client.call("POST", "/generate/manifest",
                                    {"app_name": name, "prompt": "A small web service for the flow benchmark.", "image": args.image})
        elapsed = time.perf_counter() - t0
        if code == 200 and isinstance(body, dict) and body.get("pr_url"):
            latencies.append(elapsed)
            answered.append((body.get("branch"), time.monotonic()))
        else:
            if code != 200:
                run.bad_status(f"POST /generate/manifest {code}")
            run.fail(name, (body or {}).get("request_id") if isinstance(body, dict) else None, f"HTTP {code}", body)
    wall = time.perf_counter() - started
    client.close()
    cpu_after = cpu_seconds(args.pid)
    result = {"mode": "manifest", "engine": "ollama", "label": args.label, "requests": args.requests, "concurrency": 1,
              "accepted": len(latencies) + len(run.failures), "completed": len(latencies), "wall_seconds": wall,
              "completed_per_second": len(latencies) / wall if wall > 0 else None, "e2e": summary(latencies),
              "failures": run.failures, "non2xx": run.non2xx, "homeport_exited": run.gone(),
              "fds_before": fds_before, "fds_after": open_fds(args.pid)}
    if args.forge:
        opened = forge_pulls(args.forge, args.http_timeout)
        result["after_pr"] = summary([at - opened[branch] for branch, at in answered if branch in opened])
    if cpu_before and cpu_after and latencies:
        result["homeport_cpu_ms_per_request"] = 1000 * (cpu_after[0] - cpu_before[0]) / len(latencies)
        result["children_cpu_ms_per_request"] = 1000 * (cpu_after[1] - cpu_before[1]) / len(latencies)
    return result


class FeedReader(threading.Thread):
    """Reads one live feed; remembers when each status first arrived (time.monotonic())."""

    def __init__(self, args, request_id):
        super().__init__(daemon=True)
        parts = urlsplit(args.base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=args.timeout)
        self.path = f"/requests/{request_id}/events"
        self.seen = {}
        self.error = None
        self.changed = threading.Condition()

    def run(self):
        try:
            self.connection.request("GET", self.path, headers={"Accept": "text/event-stream"})
            response = self.connection.getresponse()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
            event = None
            while True:
                line = response.readline()
                if not line:
                    break
                line = line.decode(errors="replace").rstrip("\n")
                if line.startswith("event: "):
                    event = line[len("event: "):]
                elif line.startswith("data: ") and event in ("status", "done"):
                    status = json.loads(line[len("data: "):]).get("status")
                    with self.changed:
                        self.seen.setdefault(status if event == "status" else "done", time.monotonic())
                        self.changed.notify_all()
                    if event == "done":
                        break
        # AttributeError: http.client's answer to a connection closed under it by `phase_feed`.
        except (OSError, http.client.HTTPException, ValueError, RuntimeError, AttributeError) as error:
            self.error = f"{type(error).__name__}: {error}"
        finally:
            with self.changed:
                self.changed.notify_all()
            self.connection.close()

    def wait_for(self, status, limit):
        """time.monotonic() when `status` arrived; None after `limit` seconds or when the feed ended."""
        deadline = time.monotonic() + limit
        with self.changed:
            while status not in self.seen and self.is_alive() and time.monotonic() < deadline:
                self.changed.wait(min(0.5, max(0.0, deadline - time.monotonic())))
            return self.seen.get(status)


def phase_feed(args):
    run = Run(args)
    cpu_before = cpu_seconds(args.pid)
    fds_before = open_fds(args.pid)
    client = Client(args.base, args.http_timeout)
    after_send, after_answer, answers = [], [], []
    started = time.perf_counter()
    while (index := run.take()) is not None:
        name = f"hold-{args.prefix}-{index}"
        body = {"app_name": name, "owner": args.owner, "image": args.image, "engine": "ollama",
                "prompt": "A small web service for the flow benchmark.", "auto_pr": False}
        code, headers, answer = client.call("POST", "/api/v1/requests", body)
        if code != 202:
            run.bad_status(f"POST /api/v1/requests {code}")
            run.fail(name, None, f"HTTP {code}", answer)
            continue
        request_id = (headers.get("location") or "").rsplit("/", 1)[-1] or (answer or {}).get("id")
        reader = FeedReader(args, request_id)
        reader.start()
        if reader.wait_for("generating", args.timeout) is None:
            run.fail(name, request_id, "?", reader.error or "the feed never showed generating")
            reader.connection.close()
            continue
        sent = time.monotonic()
        # An empty JSON object: API POSTs must say they carry JSON (the CSRF check answers 415 otherwise).
        code, _, answer = client.call("POST", f"/api/v1/requests/{request_id}/cancel", {})
        answered = time.monotonic()
        if code != 202:
            run.bad_status(f"POST /api/v1/requests/{{id}}/cancel {code}")
            run.fail(name, request_id, f"HTTP {code}", answer)
        arrived = reader.wait_for("cancelled", args.timeout)
        reader.join(timeout=args.timeout)
        if arrived is None:
            run.fail(name, request_id, "?", reader.error or "the feed never showed cancelled")
            continue
        answers.append(answered - sent)
        after_send.append(arrived - sent)
        after_answer.append(arrived - answered)
    wall = time.perf_counter() - started
    client.close()
    cpu_after = cpu_seconds(args.pid)
    result = {"mode": "feed", "engine": "ollama", "label": args.label, "requests": args.requests, "concurrency": 1,
              "accepted": len(after_send) + len(run.failures), "completed": len(after_send), "wall_seconds": wall,
              "cancel": summary(answers), "after_send": summary(after_send), "after_answer": summary(after_answer),
              "failures": run.failures, "non2xx": run.non2xx, "homeport_exited": run.gone(),
              "fds_before": fds_before, "fds_after": open_fds(args.pid)}
    if cpu_before and cpu_after and after_send:
        result["homeport_cpu_ms_per_request"] = 1000 * (cpu_after[0] - cpu_before[0]) / len(after_send)
        result["children_cpu_ms_per_request"] = 1000 * (cpu_after[1] - cpu_before[1]) / len(after_send)
    return result


# --- report -------------------------------------------------------------------------------------


def ms(seconds):
    return "—" if seconds is None else f"{seconds * 1000:.1f} ms"


def rate(value):
    return "—" if value is None else f"{value:.1f}"


def fds(result):
    before, after = result.get("fds_before"), result.get("fds_after")
    return "—" if before is None or after is None else f"{before} → {after}"


def cpu(result):
    own, children = result.get("homeport_cpu_ms_per_request"), result.get("children_cpu_ms_per_request")
    if own is None:
        return "—"
    return f"{own:.1f} + {children:.1f}"


def report(paths, raw=None):
    results = []
    for path in paths:
        with open(path) as f:
            results.append(json.load(f))
    if raw:
        with open(raw, "w") as f:
            json.dump({"phases": results}, f, indent=1)
    out = []
    burst = [r for r in results if r["mode"] == "burst"]
    closed = [r for r in results if r["mode"] == "closed"]
    manifest = [r for r in results if r["mode"] == "manifest"]
    feed = [r for r in results if r["mode"] == "feed"]
    if burst:
        out.append("### Intake: `POST /api/v1/requests` back to back, then the backlog drains\n")
        out.append("| provider | engine | requests × threads | accepted/s | POST p50 | POST p99 | POST max | all PRs open after | completed PR/s | homeport CPU ms/req (own + git) | homeport fds |")
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in burst:
            drain = "—" if r.get("drain_seconds") is None else f"{r['drain_seconds']:.2f} s"
            out.append(f"| {r['label']} | {r['engine']} | {r['accepted']}/{r['requests']} × {r['concurrency']} | {rate(r.get('accepted_per_second'))}"
                       f" | {ms(r['post']['p50'])} | {ms(r['post']['p99'])} | {ms(r['post']['max'])} | {drain} | {rate(r.get('completed_per_second'))} | {cpu(r)} | {fds(r)} |")
        out.append("")
    if closed:
        out.append("### Submit → pr_opened, each thread waiting for its PR before the next submit\n")
        out.append("| provider | engine | requests × threads | p50 | p99 | max | completed PR/s | POST p50 | polls/req | homeport CPU ms/req (own + git) | homeport fds |")
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in closed:
            out.append(f"| {r['label']} | {r['engine']} | {r['completed']}/{r['requests']} × {r['concurrency']} | {ms(r['e2e']['p50'])} | {ms(r['e2e']['p99'])}"
                       f" | {ms(r['e2e']['max'])} | {rate(r.get('completed_per_second'))} | {ms(r['post']['p50'])} | {r.get('polls_per_request', 0):.1f} | {cpu(r)} | {fds(r)} |")
        out.append("")
    if manifest:
        out.append("### `POST /generate/manifest`, one call at a time (synchronous: answers when the PR is open)\n")
        out.append("| provider | calls | p50 | p99 | max | min | calls/s | answer after the PR opened p50 | p99 | max | homeport CPU ms/req (own + git) | homeport fds |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in manifest:
            after = r.get("after_pr") or {}
            out.append(f"| {r['label']} | {r['completed']}/{r['requests']} | {ms(r['e2e']['p50'])} | {ms(r['e2e']['p99'])} | {ms(r['e2e']['max'])}"
                       f" | {ms(r['e2e']['min'])} | {rate(r.get('completed_per_second'))} | {ms(after.get('p50'))} | {ms(after.get('p99'))}"
                       f" | {ms(after.get('max'))} | {cpu(r)} | {fds(r)} |")
        out.append("")
    if feed:
        out.append("### Live feed: a cancel's way to an open `GET /requests/{id}/events`, one request at a time\n")
        out.append("| provider | cancels | cancel answered p50 | event after the cancel was sent p50 | p99 | max | event after the cancel's answer p50 | p99 | max |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in feed:
            out.append(f"| {r['label']} | {r['completed']}/{r['requests']} | {ms(r['cancel']['p50'])} | {ms(r['after_send']['p50'])}"
                       f" | {ms(r['after_send']['p99'])} | {ms(r['after_send']['max'])} | {ms(r['after_answer']['p50'])}"
                       f" | {ms(r['after_answer']['p99'])} | {ms(r['after_answer']['max'])} |")
        out.append("")
    problems = []
    for r in results:
        where = f"{r['label']} {r['engine']} {r['mode']}"
        if r.get("homeport_exited"):
            problems.append(f"- {where}: homeport exited during this phase")
        for key, value in sorted(r.get("non2xx", {}).items()):
            problems.append(f"- {where}: {value} × {key}")
        for failure in r.get("failures", [])[:10]:
            problems.append(f"- {where}: {failure['name']} ({failure['id'] or 'no id'}) ended {failure['status']}: {failure['reason']}")
        if len(r.get("failures", [])) > 10:
            problems.append(f"- {where}: ... {len(r['failures']) - 10} more failures")
    out.append("FAILURES:\n" + "\n".join(problems) if problems else "Failures: none (every request reached pr_opened, every answer was 2xx).")
    print("\n".join(out))
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("burst", "closed", "manifest", "feed"):
        p = sub.add_parser(name)
        p.add_argument("--base", required=True)
        p.add_argument("--requests", type=int, default=200)
        p.add_argument("--concurrency", type=int, default=8)
        p.add_argument("--engine", choices=("template", "ollama"), default="template")
        p.add_argument("--prefix", required=True)
        p.add_argument("--label", default="")
        p.add_argument("--owner", default="group:default/platform-team")
        p.add_argument("--image", default="ghcr.io/homelab/bench:1.0.0")
        p.add_argument("--poll-ms", type=float, default=10)
        p.add_argument("--timeout", type=float, default=120, help="longest wait for one request, seconds")
        p.add_argument("--phase-timeout", type=float, default=900, help="longest a phase may run, seconds")
        p.add_argument("--http-timeout", type=float, default=30)
        p.add_argument("--pid", type=int, default=0)
        p.add_argument("--forge", default="", help="the fake GitHub's URL (manifest: time after the PR opened)")
        p.add_argument("--out", required=True)
    p = sub.add_parser("report")
    p.add_argument("--raw", help="also write all results, as one JSON file, here")
    p.add_argument("results", nargs="+")
    args = parser.parse_args()

    if args.command == "report":
        return report(args.results, args.raw)
    args.mode = args.command
    if not (1 <= args.requests <= 100000 and 1 <= args.concurrency <= 256):
        parser.error("need 1 <= requests <= 100000 and 1 <= concurrency <= 256")
    phases = {"manifest": phase_manifest, "feed": phase_feed}
    result = phases.get(args.mode, phase_submit)(args)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
