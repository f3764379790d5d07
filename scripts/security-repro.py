#!/usr/bin/env python3
"""The security review's reproductions (issue 10) against any build of homeport, one line each:

    scripts/security-repro.py .build/debug/homeport

Run it on an old build to see the findings, on a new one to see them fixed (the Swift tests in
SecurityReviewTests hold the same cases; this drives a real process, as the reviewer did).
"""
import hashlib, json, os, socket, subprocess, sys, tempfile, time, urllib.request, urllib.error
BIN = sys.argv[1]
ROOT = str(__import__("pathlib").Path(__file__).resolve().parent.parent)

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def req(port, path, method="GET", body=None, headers=()):
    r = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
    for k, v in headers: r.add_header(k, v)
    try:
        with urllib.request.urlopen(r, timeout=10) as resp: return resp.status, resp.read().decode(), resp.headers
    except urllib.error.HTTPError as e: return e.code, e.read().decode(), e.headers
    except Exception as e: return None, str(e), {}

def serve(env):
    port = free_port(); data = tempfile.mkdtemp()
    e = {k: v for k, v in os.environ.items() if not k.startswith("HOMEPORT_")}
    e.update(HOMEPORT_SERVER_PORT=str(port), HOMEPORT_DATA_DIR=data, HOMEPORT_PLATFORM_ROOT=ROOT + "/examples/homelab", HOMEPORT_RESOURCES_DIR=ROOT, **env)
    p = subprocess.Popen([BIN, "serve"], env=e, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for _ in range(300):
        if p.poll() is not None: return p, port
        if req(port, "/healthz")[0] == 200: return p, port
        time.sleep(0.1)
    return p, port

def alive(p): return p.poll() is None
def h(t): return hashlib.sha256(t.encode()).hexdigest()
app = json.dumps({"app_name": "web", "image": "nginx:1.27", "engine": "template"}).encode()

p, port = serve({})
st=req(port, "/api/v1/requests?page=9223372036854775807")[0]; time.sleep(1); hz=req(port, "/healthz")[0]
print("1 api page=2^63-1: answered", st, "then /healthz", hz, "server alive =", alive(p)); p.kill()
p, port = serve({})
st=req(port, "/requests?page=200000000000000000")[0]; time.sleep(1); hz=req(port, "/healthz")[0]
print("1 /requests page=2e17: answered", st, "then /healthz", hz, "server alive =", alive(p))
if not alive(p): p, port = serve({})
s = req(port, "/-/reload", "POST", b"{}", [("Content-Type", "application/json")])[0]
print("4 JSON POST /-/reload without token:", s)
st, body, hd = req(port, "/static/%2e%2e/Package.swift")
print("7 path guard", st, "CSP present =", "Content-Security-Policy" in hd)
st, body, hd = req(port, "/search?q=csrf_token"); st2 = req(port, "/search?q=csrf_token")[0]; time.sleep(0.3)
time.sleep(1); print("8 /search?q=csrf_token twice:", st, st2, "server alive =", alive(p)); p.kill()

p, port = serve({"HOMEPORT_AUTH_MODE": "proxy"})
r = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/requests", data=app, method="POST")
r.add_header("Content-Type", "application/json"); r.add_header("X-Forwarded-User", "mallory"); r.add_header("X-Forwarded-User", "alice")
# urllib keeps one value per name: send raw
s = socket.create_connection(("127.0.0.1", port))
raw = (f"POST /api/v1/requests HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nX-Forwarded-User: mallory\r\nX-Forwarded-User: alice\r\nContent-Length: {len(app)}\r\nConnection: close\r\n\r\n").encode() + app
s.sendall(raw); out = b""
while True:
    chunk = s.recv(65536)
    if not chunk: break
    out += chunk
print("5 two X-Forwarded-User:", out.split(b"\r\n")[0].decode(), "| requested_by:", (json.loads(out.split(b"\r\n\r\n",1)[1] or b"{}").get("requested_by") if b"{" in out else None))
st, body, hd = req(port, "/api/v1/requests", "POST", json.dumps({"app_name": "rtl", "image": "nginx:1.27", "engine": "template"}).encode(), [("Content-Type", "application/json"), ("X-Forwarded-User", "al\u202eice".encode().decode('latin-1'))])
print("5 U+202E in user:", st)
p.kill()

p, port = serve({"HOMEPORT_AUTH_MODE": "token", "HOMEPORT_AUTH_TOKENS": f"alice:{h('alice-secret')},bob:{h('bob-secret')}"})
st, body, _ = req(port, "/api/v1/requests", "POST", app, [("Content-Type", "application/json"), ("Authorization", "Bearer alice-secret")])
rid = json.loads(body)["id"]
st, body, _ = req(port, f"/api/v1/requests/{rid}/cancel", "POST", b"{}", [("Content-Type", "application/json"), ("Authorization", "Bearer bob-secret")])
print("6 bob cancels alice's request:", st)
p.kill()

p, port = serve({"HOMEPORT_SERVER_PUBLIC_URL": "https://homeport.homelab.local"})
st, body, hd = req(port, "/apps/new")
print("7 cookie over https has Secure =", "Secure" in (hd.get("Set-Cookie") or ""))
p.kill()

e = {k: v for k, v in os.environ.items() if not k.startswith("HOMEPORT_")}
e.update(HOMEPORT_SERVER_HOST="127.example.com", HOMEPORT_SERVER_PORT=str(free_port()), HOMEPORT_DATA_DIR=tempfile.mkdtemp(), HOMEPORT_PLATFORM_ROOT=ROOT + "/examples/homelab", HOMEPORT_RESOURCES_DIR=ROOT)
out = subprocess.run([BIN, "serve"], env=e, capture_output=True, text=True, timeout=30)
print("7 server.host 127.example.com:", (out.stderr or out.stdout).strip().splitlines()[-1][:160] if (out.stderr or out.stdout).strip() else out.returncode)
