#!/usr/bin/env python3
"""Instant fakes of the two services the new-app flow calls, for bench/flow.

    fake_upstreams.py PORTS_FILE [--max-seconds S] [--repository OWNER/NAME]

Starts, on 127.0.0.1 and ports the kernel picks:

- a fake Ollama: GET /api/tags lists qwen2.5-coder:7b; POST /api/chat streams (NDJSON, chunked,
  no delay) a small Deployment + Service that passes Homeport's policy, named after the
  "App name:" line of the prompt, then the final {"done": true, ...} line;
- a fake GitHub REST v3 with the calls GitHubProvider makes (get the base ref, create the branch,
  get/put contents, list/create pull requests), in memory, with the shapes of
  Tests/Fixtures/github (only the fields Homeport decodes, plus a few for realism).

Both answer at once: what bench/flow measures is Homeport's own overhead. Except for an app
whose name starts with "hold-": its chat sends nothing until Homeport hangs up (or 60 s pass), so
that the request stays generating until the benchmark cancels it. GET /_bench/stats on
either port returns how many calls each endpoint received; GET /_bench/pulls on the GitHub port
when each pull request was created (time.monotonic(), which is CLOCK_MONOTONIC and so comparable
with another process's on Linux), by head branch. When both listen, it writes
"ollama PORT" and "github PORT" lines to PORTS_FILE (atomically). It exits on SIGTERM/SIGINT, when
its parent process goes away, or after --max-seconds (default 3600), whichever comes first.
Standard library only.
"""

import argparse
import base64
import hashlib
import json
import os
import re
import select
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

MODEL = "qwen2.5-coder:7b"
HOLD_SECONDS = 60
DEFAULT_IMAGE = "ghcr.io/homelab/bench:1.0.0"
BASE_SHA = "1000000000000000000000000000000000000001"

stats_lock = threading.Lock()
stats = {}


def count(key):
    with stats_lock:
        stats[key] = stats.get(key, 0) + 1


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


class Handler(BaseHTTPRequestHandler):
    # Keep-alive, as the real services (and libcurl's connection reuse) expect.
    protocol_version = "HTTP/1.1"
    server_version = "bench-fake"

    def log_message(self, *args):  # quiet
        pass

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_json(self, status, value, headers=()):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, val in headers:
            self.send_header(name, val)
        self.end_headers()
        self.wfile.write(data)

    def stats(self):
        with stats_lock:
            snapshot = dict(stats)
        self.send_json(200, snapshot)


# --- Ollama ---------------------------------------------------------------------------------------


def intent_for(messages):
    """The intent engine's JSON object for the app the prompt names: its image, one HTTP port."""
    text = "\n".join(str(m.get("content", "")) for m in messages if isinstance(m, dict))
    found = re.search(r"^Image: *(\S+)$", text, re.MULTILINE)
    image = found.group(1) if found else DEFAULT_IMAGE
    intent = {"image": image, "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}], "replicas": 1,
              "exposure": {"type": "internal", "hosts": []}, "health": {"type": "tcp", "path": ""},
              "volumes": [], "env": [], "config_files": [], "command": [], "args": [], "resources": "small",
              "autoscaling": {"enabled": False, "min": 1, "max": 1, "target_cpu": 80}, "not_expressible": []}
    return json.dumps(intent, indent=2)


def manifest_for(messages):
    """A Deployment + Service for the app the prompt names, written to pass Homeport's policy."""
    text = "\n".join(str(m.get("content", "")) for m in messages if isinstance(m, dict))
    def field(pattern, default):
        found = re.search(pattern, text, re.MULTILINE)
        return found.group(1).strip() if found else default
    app = field(r"^App name: *([a-z0-9-]+)", "bench")
    image = field(r"^Container image: *(\S+)$", DEFAULT_IMAGE)
    if not re.fullmatch(r"[a-z0-9./_-]+:[A-Za-z0-9._-]+", image) or image.endswith(":latest"):
        image = DEFAULT_IMAGE  # "choose a suitable public image ..." when the request gave none
    port = field(r"^Container port: *([0-9]+)", "8080")
    namespace = field(r"namespace ([a-z0-9-]+)\.", "ai-generated")
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: {app}
    app.kubernetes.io/managed-by: homeport
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {app}
        app.kubernetes.io/managed-by: homeport
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {app}
          image: {image}
          ports:
            - name: http
              containerPort: {port}
              protocol: TCP
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 500m
              memory: 256Mi
          readinessProbe:
            tcpSocket:
              port: http
          livenessProbe:
            tcpSocket:
              port: http
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop:
                - ALL
---
apiVersion: v1
kind: Service
metadata:
  name: {app}
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: {app}
    app.kubernetes.io/managed-by: homeport
spec:
  selector:
    app.kubernetes.io/name: {app}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
"""


class OllamaHandler(Handler):
    def do_GET(self):
        path = urlsplit(self.path).path
        if path == "/api/tags":
            count("ollama GET /api/tags")
            self.send_json(200, {"models": [{
                "name": MODEL, "model": MODEL, "modified_at": "2026-01-01T00:00:00Z", "size": 1, "digest": "x",
                "details": {"format": "gguf", "family": "qwen2", "parameter_size": "7.6B", "quantization_level": "Q4_K_M"},
            }]})
        elif path == "/_bench/stats":
            self.stats()
        else:
            count("ollama other")
            self.send_json(404, {"error": "not found"})

    def do_POST(self):
        path = urlsplit(self.path).path
        raw = self.body()
        if path != "/api/chat":
            count("ollama other")
            self.send_json(404, {"error": "not found"})
            return
        count("ollama POST /api/chat")
        try:
            request = json.loads(raw or b"{}")
        except ValueError:
            self.send_json(400, {"error": "invalid JSON"})
            return
        model = request.get("model") or MODEL
        if re.search(r"^App name: *hold-", "\n".join(str(m.get("content", "")) for m in request.get("messages") or []
                                                      if isinstance(m, dict)), re.MULTILINE):
            count("ollama POST /api/chat held")
            self.hold()
            return
        created = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
        messages = request.get("messages") or []
        # The intent engine sends a JSON schema as `format` and reads one JSON object; the free-YAML
        # engine reads YAML. One NDJSON line per line of the answer: a few dozen "tokens", sent as
        # fast as the socket takes them.
        answer = intent_for(messages) if isinstance(request.get("format"), dict) else manifest_for(messages)
        lines = [json.dumps({"model": model, "created_at": created,
                             "message": {"role": "assistant", "content": piece}, "done": False})
                 for piece in answer.splitlines(keepends=True)]
        lines.append(json.dumps({"model": model, "created_at": created, "message": {"role": "assistant", "content": ""},
                                 "done": True, "done_reason": "stop", "total_duration": 1000000, "load_duration": 1000,
                                 "prompt_eval_count": 10, "prompt_eval_duration": 1000, "eval_count": 20,
                                 "eval_duration": 1000000}))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for line in lines:
            data = (line + "\n").encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


    def hold(self):
        """Answers nothing until the client hangs up (a cancelled generation) or HOLD_SECONDS pass."""
        deadline = time.monotonic() + HOLD_SECONDS
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self.connection], [], [], 0.1)
            if readable:
                try:
                    if self.connection.recv(1, socket.MSG_PEEK) == b"":
                        break
                except OSError:
                    break
        self.close_connection = True


# --- GitHub ---------------------------------------------------------------------------------------


class Forge:
    """One repository: branches (name → sha), files written per branch, pull requests."""

    def __init__(self, owner, name):
        self.owner, self.name = owner, name
        self.lock = threading.Lock()
        self.refs = {"main": BASE_SHA}
        self.files = {}  # (branch, path) → (blob sha, bytes)
        self.pulls = []
        self.commits = 0
        self.opened_at = {}  # head branch → time.monotonic() when its pull request was answered

    def api(self, suffix):
        return f"https://api.github.com/repos/{self.owner}/{self.name}/{suffix}"

    def ref_body(self, branch, sha):
        return {"ref": f"refs/heads/{branch}", "node_id": "MDM6UmVm", "url": self.api(f"git/refs/heads/{branch}"),
                "object": {"type": "commit", "sha": sha, "url": self.api(f"git/commits/{sha}")}}

    def pull_body(self, pull):
        number = pull["number"]
        return {"url": self.api(f"pulls/{number}"), "id": number, "number": number, "state": pull["state"],
                "html_url": f"https://github.com/{self.owner}/{self.name}/pull/{number}",
                "title": pull["title"], "body": pull["body"],
                "head": {"label": f"{self.owner}:{pull['head']}", "ref": pull["head"], "sha": self.refs.get(pull["head"], "")},
                "base": {"label": f"{self.owner}:{pull['base']}", "ref": pull["base"], "sha": self.refs.get(pull["base"], "")}}


NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
INVALID = {"message": "Invalid request.", "documentation_url": "https://docs.github.com/rest"}


class GitHubHandler(Handler):
    forge = None  # set in main

    def route(self, method):
        parts = urlsplit(self.path)
        raw = self.body()
        if method == "GET" and parts.path == "/_bench/stats":
            self.stats()
            return
        forge = self.forge
        if method == "GET" and parts.path == "/_bench/pulls":
            with forge.lock:
                opened = dict(forge.opened_at)
            self.send_json(200, {"clock": "monotonic", "opened_at": opened})
            return
        prefix = f"/repos/{forge.owner}/{forge.name}/"
        if not parts.path.startswith(prefix):
            count(f"github {method} other")
            self.send_json(404, NOT_FOUND)
            return
        if not (self.headers.get("Authorization") or "").startswith("Bearer "):
            count(f"github {method} unauthorized")
            self.send_json(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
            return
        rest = unquote(parts.path[len(prefix):])
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        if method == "GET" and rest.startswith("git/ref/heads/"):
            count("github GET git/ref")
            branch = rest[len("git/ref/heads/"):]
            with forge.lock:
                sha = forge.refs.get(branch)
            if sha is None:
                self.send_json(404, NOT_FOUND)
            else:
                self.send_json(200, forge.ref_body(branch, sha))
        elif method == "POST" and rest == "git/refs":
            count("github POST git/refs")
            ref, sha = (body or {}).get("ref", ""), (body or {}).get("sha")
            if not ref.startswith("refs/heads/") or not sha:
                self.send_json(422, INVALID)
                return
            branch = ref[len("refs/heads/"):]
            with forge.lock:
                exists = branch in forge.refs
                if not exists:
                    forge.refs[branch] = sha
            if exists:
                self.send_json(422, {"message": "Reference already exists", "documentation_url": "https://docs.github.com/rest"})
            else:
                self.send_json(201, forge.ref_body(branch, sha), [("Location", forge.api(f"git/refs/heads/{branch}"))])
        elif method == "GET" and rest.startswith("contents/"):
            count("github GET contents")
            path, branch = rest[len("contents/"):], query.get("ref", "main")
            with forge.lock:
                found = forge.files.get((branch, path))
            if found is None:
                self.send_json(404, NOT_FOUND)
            else:
                sha, data = found
                self.send_json(200, {"type": "file", "encoding": "base64", "size": len(data), "name": path.rsplit("/", 1)[-1],
                                     "path": path, "sha": sha, "content": base64.encodebytes(data).decode()})
        elif method == "PUT" and rest.startswith("contents/"):
            count("github PUT contents")
            path = rest[len("contents/"):]
            if not body or not body.get("branch") or not body.get("message") or "content" not in body:
                self.send_json(422, INVALID)
                return
            data = base64.b64decode(body["content"])
            blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
            with forge.lock:
                if body["branch"] not in forge.refs:
                    status, answer = 404, NOT_FOUND
                else:
                    existed = (body["branch"], path) in forge.files
                    forge.commits += 1
                    commit = "c%039x" % forge.commits
                    forge.files[(body["branch"], path)] = (blob, data)
                    forge.refs[body["branch"]] = commit
                    status = 200 if existed else 201
                    answer = {"content": {"name": path.rsplit("/", 1)[-1], "path": path, "sha": blob, "size": len(data),
                                          "type": "file", "url": forge.api(f"contents/{path}")},
                              "commit": {"sha": commit, "message": body["message"], "url": forge.api(f"git/commits/{commit}")}}
            self.send_json(status, answer)
        elif method == "GET" and rest == "pulls":
            count("github GET pulls")
            head, state = query.get("head"), query.get("state", "open")
            with forge.lock:
                matching = [forge.pull_body(p) for p in forge.pulls
                            if (state == "all" or p["state"] == state) and (head is None or head == f"{forge.owner}:{p['head']}")]
            self.send_json(200, matching)
        elif method == "POST" and rest == "pulls":
            count("github POST pulls")
            b = body or {}
            if not b.get("title") or not b.get("head") or not b.get("base"):
                self.send_json(422, {"message": "Validation Failed", "documentation_url": "https://docs.github.com/rest"})
                return
            with forge.lock:
                duplicate = any(p["head"] == b["head"] and p["base"] == b["base"] and p["state"] == "open" for p in forge.pulls)
                known = b["head"] in forge.refs and b["base"] in forge.refs
                pull = None
                if not duplicate and known:
                    pull = {"number": 1347 + len(forge.pulls), "title": b["title"], "body": b.get("body", ""),
                            "head": b["head"], "base": b["base"], "state": "open"}
                    forge.pulls.append(pull)
                    answer = forge.pull_body(pull)
            if duplicate:
                self.send_json(422, {"message": "Validation Failed", "errors": [{"resource": "PullRequest", "code": "custom",
                                     "message": "A pull request already exists for " + b["head"] + "."}],
                                     "documentation_url": "https://docs.github.com/rest"})
            elif pull is None:
                self.send_json(422, {"message": "Validation Failed", "errors": [{"resource": "PullRequest", "field": "head",
                                     "code": "invalid"}], "documentation_url": "https://docs.github.com/rest"})
            else:
                self.send_json(201, answer)
                self.wfile.flush()
                with forge.lock:
                    forge.opened_at[b["head"]] = time.monotonic()
        else:
            count(f"github {method} other")
            self.send_json(404, NOT_FOUND)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PUT(self):
        self.route("PUT")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ports_file")
    parser.add_argument("--max-seconds", type=float, default=3600)
    parser.add_argument("--repository", default="bench/gitops")
    args = parser.parse_args()
    owner, _, name = args.repository.partition("/")
    GitHubHandler.forge = Forge(owner, name)

    ollama = Server(("127.0.0.1", 0), OllamaHandler)
    github = Server(("127.0.0.1", 0), GitHubHandler)
    for server in (ollama, github):
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()

    temporary = args.ports_file + ".tmp"
    with open(temporary, "w") as out:
        out.write(f"ollama {ollama.server_address[1]}\ngithub {github.server_address[1]}\n")
    os.replace(temporary, args.ports_file)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    parent = os.getppid()
    deadline = time.monotonic() + args.max_seconds
    while not stop.is_set() and time.monotonic() < deadline and os.getppid() == parent:
        stop.wait(0.5)
    for server in (ollama, github):
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
