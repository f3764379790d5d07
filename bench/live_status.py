#!/usr/bin/env python3
"""Does live status cost the pages anything? Serves / and /inventory of one platform with CHECKS
checked services under wrk twice: with every integration off, then with them all on (fake
Kubernetes, Prometheus, Alertmanager and Argo CD replaying Tests/Fixtures/status) and the checks
running, half of them against a port that never answers (their 60 s timeout runs through the
whole measurement). Prints req/s, p50 and p99 per page and run, and
homeport's resident memory; exits 1 if a page answered anything but 200 or never showed the
live status.

    bench/live_status.py [--binary .build/debug/homeport] [--seconds 10] [--checks 100]

Loopback only, bounded in time; stops what it started by process id. Needs wrk (Debian's package).
"""
import argparse, importlib.util, os, pathlib, re, shutil, socket, subprocess, sys, tempfile, threading, time

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_pages", ROOT / "scripts/check-pages.py")
check_pages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_pages)


class Unanswered:
    """A loopback port that accepts connections and never says a word."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(512)
        self.port = self.listener.getsockname()[1]
        self.held = []
        threading.Thread(target=self.hold, daemon=True).start()

    def hold(self):
        while True:
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                return


def rss_kib(pid):
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


def measure(portal, path, seconds):
    out = subprocess.run(["timeout", str(seconds + 30), "wrk", "-t2", "-c16", f"-d{seconds}s", "--latency",
                          f"http://127.0.0.1:{portal.port}{path}"], capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors", out)
    return rate, latency.get("50"), latency.get("99"), errors.group(0) if errors else ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / ".build/debug/homeport"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--checks", type=int, default=100)
    args = parser.parse_args()
    check_pages.BINARY = pathlib.Path(args.binary)

    apis = check_pages.FakeAPIs()
    hung = Unanswered()
    root, env = check_pages.live_status_platform(apis)
    services = "groups:\n  - name: Checked\n    services:\n"
    for n in range(args.checks):
        if n % 2:
            services += f'      - {{name: hung-{n}, url: "http://127.0.0.1:{hung.port}/", check: {{timeout_seconds: 60, interval_seconds: 60}}}}\n'
        else:
            services += f'      - {{name: ok-{n}, url: "{apis.url}/", check: {{url: "{apis.url}/healthz", interval_seconds: 5}}}}\n'
    (root / "platform/services.yaml").write_text(services)

    rows, failed = [], False
    for name, platform_root, extra in (("off", root, {}), ("on", root, env)):
        portal = check_pages.Portal(platform_root, extra)
        try:
            if extra:
                deadline = time.time() + 30
                while time.time() < deadline and "CPU 94%" not in portal.get("/inventory")[1]:
                    time.sleep(0.2)
                body = portal.get("/")[1]
                if "CPU 94%" not in portal.get("/inventory")[1] or "not checked yet" not in body or "dot-up" not in body:
                    print("live status never showed", file=sys.stderr)
                    failed = True
            for path in ("/", "/inventory"):
                rate, p50, p99, errors = measure(portal, path, args.seconds)
                failed |= bool(errors)
                rows.append(f"| {name} | `{path}` | {rate:.0f} | {p50} | {p99} | {errors or 'none'} |")
            rows.append(f"| {name} | RSS after | {rss_kib(portal.process.pid) / 1024:.1f} MiB | | | |")
        finally:
            portal.stop()
    apis.shutdown()
    shutil.rmtree(root.parent, ignore_errors=True)
    print(f"live status {args.checks} checks ({args.checks // 2} never answer), {args.seconds} s per run, wrk -t2 -c16, {args.binary}")
    print("| live status | page | req/s | p50 | p99 | errors |\n|---|---|---|---|---|---|")
    print("\n".join(rows))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
