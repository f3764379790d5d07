#!/usr/bin/env python3
"""Attacks the running portal through its front door, as the security review did (issue 10).

1. schemathesis (PyPI) against /openapi.json, every operation, bounded in examples and time:
   no 5xx, every status documented, every response matching its schema. A fake Ollama
   (bench/fake_upstreams.py) answers, so generation succeeds and /generate/manifest settles.
2. A seeded fuzz pass over every page and API route's query parameters (numbers past any
   integer, negatives, control and format characters, long and odd text): no 5xx, no hang.
3. The server must still answer afterwards, and its log must show no trap or fatal error.

    check-api.py [--max-examples N] [--seed S]

Prints 'N passed, N failed'; exits 1 on failure. Needs the debug build (.build/debug/homeport).
"""
import argparse, os, pathlib, random, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.error, urllib.parse, urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build/debug/homeport"
VENV = ROOT / ".build/check-venv"
SCHEMATHESIS = "schemathesis==4.32.5"

# Every GET route that reads query parameters, with the parameters it reads.
QUERY_ROUTES = {
    "/catalog": ["kind", "type", "owner", "lifecycle", "tag", "q", "sort", "order", "page"],
    "/search": ["q", "kind"],
    "/requests": ["status", "q", "mine", "page"],
    "/api/v1/requests": ["status", "q", "mine", "page"],
    "/requests/{id}/events": ["after"],
    "/adr": ["q"],
    "/": ["q"],
}


def ensure_schemathesis():
    if not (VENV / "bin/python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    python = str(VENV / "bin/python")
    if subprocess.run([python, "-c", "import schemathesis"], capture_output=True).returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", SCHEMATHESIS], check=True)
    return str(VENV / "bin/schemathesis")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, timeout=15):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Fakes:
    """bench/fake_upstreams.py: an instant Ollama (and GitHub, unused here)."""

    def __init__(self, work):
        ports = work / "ports"
        self.process = subprocess.Popen([sys.executable, str(ROOT / "bench/fake_upstreams.py"), str(ports), "--max-seconds", "900"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if ports.exists():
                break
            time.sleep(0.1)
        else:
            raise SystemExit("the fake upstreams did not start")
        self.ports = dict(line.split() for line in ports.read_text().splitlines())

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Server:
    def __init__(self, work, ollama_port):
        self.port = free_port()
        self.log = work / "homeport.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEPORT_")}
        env.update(HOMEPORT_SERVER_PORT=str(self.port), HOMEPORT_DATA_DIR=str(work / "data"),
                   HOMEPORT_PLATFORM_ROOT=str(ROOT / "examples/homelab"), HOMEPORT_RESOURCES_DIR=str(ROOT),
                   HOMEPORT_OLLAMA_URL=f"http://127.0.0.1:{ollama_port}", HOMEPORT_OLLAMA_MODEL="qwen2.5-coder:7b",
                   HOMEPORT_JOBS_QUEUE_LIMIT="10000", HOMEPORT_LOG_LEVEL="info")
        self.log_file = open(self.log, "w")
        self.process = subprocess.Popen([str(BINARY), "serve"], cwd=ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT)
        for _ in range(300):
            if self.process.poll() is not None:
                raise SystemExit(f"homeport exited at start:\n{self.log.read_text()[-2000:]}")
            try:
                if get(self.port, "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("homeport did not start")

    def alive(self):
        return self.process.poll() is None

    def log_problems(self):
        text = self.log.read_text(errors="replace")
        markers = ("Fatal error", "fatal error", "trap", "Illegal instruction", "Segmentation fault", "Assertion failed", "Precondition failed")
        return [line for line in text.splitlines() if any(marker in line for marker in markers)]

    def stop(self):
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log_file.close()


def run_schemathesis(server, max_examples, seed, failures):
    binary = ensure_schemathesis()
    command = ["timeout", "480", binary, "run", f"http://127.0.0.1:{server.port}/openapi.json",
               "--checks", "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance",
               "--max-examples", str(max_examples), "--seed", str(seed), "--request-timeout", "60", "--no-color"]
    # Run in the scratch folder: schemathesis keeps its example cache in the working directory.
    result = subprocess.run(command, capture_output=True, text=True, cwd=server.log.parent, env=dict(os.environ, SCHEMATHESIS_TELEMETRY="false"))
    lines = (result.stdout + result.stderr).splitlines()
    if result.returncode != 0:
        # The failures section names each operation, the check, and the curl line to replay it.
        start = next((i for i, line in enumerate(lines) if "FAILURES" in line), max(0, len(lines) - 60))
        failures.append(f"schemathesis exited {result.returncode}")
        return "\n".join(lines[start:start + 150])
    return "\n".join(lines[-25:])


def hostile_values(rng):
    fixed = ["9223372036854775807", "9223372036854775808", "-9223372036854775808", "200000000000000000", "1e308", "-1", "0",
             "NaN", "%00", "%0d%0aX-Injected:%201", "%E2%80%AE", "%C0%AF", "..%2f..%2fetc%2fpasswd", "%FF%FE", "'%20OR%201=1--",
             "%25", "_", "e99999999999999999999-a99999999999999999999-o99999999999999999999", "e-1-a-1-o-1", "a" * 4000,
             "%3Cscript%3E", "csrf_token", "%20", ""]
    alphabet = "abcXYZ019-_.:/%~!*'()[]{}<>\"\\ \t"
    corpus = (ROOT / "Tests/Fixtures/hostile-input/query-numbers.txt").read_text().splitlines()
    values = fixed + [line for line in corpus if line and not line.startswith("#")]
    for _ in range(12):
        length = rng.choice([1, 2, 5, 20, 300])
        values.append(urllib.parse.quote("".join(rng.choice(alphabet) for _ in range(length)), safe=""))
        values.append(str(rng.choice([-1, 1]) * rng.getrandbits(rng.choice([8, 31, 32, 63, 64, 65, 128]))))
    return values


def fuzz_query_parameters(server, request_id, seed, failures):
    rng = random.Random(seed)
    values = hostile_values(rng)
    sent = 0
    for route, names in QUERY_ROUTES.items():
        path = route.replace("{id}", request_id)
        for name in names:
            for value in values:
                query = f"{name}={value}"
                if rng.random() < 0.3:  # a second parameter alongside, now and then
                    query += f"&{rng.choice(names)}={rng.choice(values)}"
                # The live feed ends when its request is settled (it is), so it answers at once.
                try:
                    status, _ = get(server.port, f"{path}?{query}", timeout=20)
                except Exception as error:  # a hang or a dropped connection is a finding too
                    failures.append(f"GET {path}?{query[:80]}: {error}")
                    continue
                sent += 1
                if status >= 500:
                    failures.append(f"GET {path}?{query[:80]} answered {status}")
                if not server.alive():
                    failures.append(f"the server died after GET {path}?{query[:80]}")
                    return sent
    return sent


def settled_request(server):
    """A request that has finished, for the routes that take an id."""
    body = b'{"app_name": "fuzz-target", "engine": "template", "image": "nginx:1.27"}'
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}/api/v1/requests", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        import json
        request_id = json.loads(response.read())["id"]
    for _ in range(200):
        status, text = get(server.port, f"/api/v1/requests/{request_id}")
        if b'"status":"ready"' in text or b'"status":"pr_opened"' in text:
            break
        time.sleep(0.1)
    return request_id


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("API_CHECK_EXAMPLES", "25")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("API_CHECK_SEED", "20261203")))
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="homeport-api-"))
    fakes = Fakes(work)
    server = Server(work, fakes.ports["ollama"])
    results = []
    try:
        failures = []
        tail = run_schemathesis(server, args.max_examples, args.seed, failures)
        results.append(("schemathesis on every operation of /openapi.json", failures))
        print(tail)

        failures = []
        sent = fuzz_query_parameters(server, settled_request(server), args.seed, failures) if server.alive() else 0
        results.append((f"query-parameter fuzz: {sent} requests over {sum(map(len, QUERY_ROUTES.values()))} parameters", failures))

        failures = []
        if not server.alive():
            failures.append("the server is not running")
        elif get(server.port, "/healthz")[0] != 200:
            failures.append("/healthz does not answer 200")
        failures += [f"server log: {line}" for line in server.log_problems()]
        results.append(("the server still answers and its log shows no trap", failures))
    finally:
        server.stop()
        fakes.stop()
    for name, failures in results:
        print(f"{'ok  ' if not failures else 'FAIL'} {name}")
        for failure in failures:
            print(f"  - {failure}")
    failed = sum(1 for _, failures in results if failures)
    if failed:
        print(f"(server log kept at {server.log})")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
