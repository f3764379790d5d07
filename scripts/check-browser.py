#!/usr/bin/env python3
"""Drives the portal in a real browser (Debian's Chromium through Selenium) as a user would:
every main page at 1366x900 and at 390x844 must fit the screen's width at 390 px
(document.documentElement.scrollWidth) and pass axe-core with no violation; the new-app form with
the template engine must lead to a ready request, with JavaScript and without it. The portal serves
the example homelab with live status from fake upstreams (check-pages.py's), so the live tables are
at their widest. Screenshots of every page at both sizes go to .build/screenshots/ for developers.
Prints 'N passed, N failed' and the time taken; exits 1 on failure."""
import importlib.util, os, pathlib, re, subprocess, sys, time

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / ".build/check-venv"
SHOTS = ROOT / ".build/screenshots"
PACKAGES = ("selenium==4.51.0", "axe-core-python==0.1.0")
SIZES = ((1366, 900), (390, 844))
# The pages a user reaches from the navigation, plus one of each kind of detail page.
PAGES = ["/", "/catalog", "/catalog/component/default/ai-gateway", "/catalog/group/default/platform-team", "/adr",
         "/adr/007-observability", "/inventory", "/observability", "/diagnostics", "/search?q=argo", "/apps/new",
         "/requests", "/docs", "/-/errors",
         # Docs, an API definition, a system's whole graph and a record kept beside its component.
         "/catalog/component/default/ai-gateway/docs", "/catalog/api/default/ai-gateway-api/definition",
         "/catalog/system/default/ai", "/catalog/component/default/ai-gateway/adr/0002-validate-before-pull-request"]


def in_venv():
    """Re-runs this script with the private venv's Python once Selenium and axe-core are in it."""
    python = VENV / "bin/python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        return
    if subprocess.run([str(python), "-c", "import selenium, axe_core_python"], capture_output=True).returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES], check=True)
    os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


def load_check_pages():
    """check-pages.py's portal runner and fake upstreams, so both checks start the portal the same way."""
    spec = importlib.util.spec_from_file_location("check_pages", ROOT / "scripts/check-pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def browser(javascript=True):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1366,900"):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(20)
    # A page's own script tells whether it ran: a "without JavaScript" run that ran it would prove nothing.
    driver.get("data:text/html,<p id=ran>no</p><script>document.getElementById('ran').textContent='yes'</script>")
    if driver.find_element("id", "ran").text != ("yes" if javascript else "no"):
        raise SystemExit(f"Chromium did not {'run' if javascript else 'refuse'} the page's JavaScript")
    return driver


def resize(driver, width, height):
    """The viewport (not the window) at width x height, as a phone's screen would be."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def screenshot(driver, name):
    """The whole page, cut at 6000 px, as a PNG under .build/screenshots/."""
    import base64
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": metrics["width"], "height": min(metrics["height"], 6000), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
    (SHOTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def shot_name(path):
    return re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "overview"


def check_page(driver, axe, base, path, failures, name=None):
    """One page at both sizes: no wider than the screen, no axe violation, a screenshot each
    (named `name`, or after the path)."""
    before = len(failures)
    for width, height in SIZES:
        resize(driver, width, height)
        driver.get(base + path)
        scroll_width = driver.execute_script("return document.documentElement.scrollWidth")
        if scroll_width > width:
            failures.append(f"{path} at {width} px is {scroll_width} px wide")
        for violation in axe.run(driver)["violations"]:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            failures.append(f"{path} at {width} px: axe {violation['impact']} {violation['id']} ({violation['help']}) on {targets}")
        screenshot(driver, f"{name or shot_name(path)}-{width}")
    return len(failures) == before


def new_app(driver, base, name, failures, label, javascript, open_pr=False):
    """Fills the form with the template engine and submits it (with JavaScript, the prompt's hint
    counts what was typed); the request page must reach `ready` and offer to open the pull request,
    and with `open_pr` show it opened after the button is pressed. Answers the request page's path,
    or None."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
    # Without JavaScript the page reloads itself while the request runs: an element found may be gone.
    reloading = (NoSuchElementException, StaleElementReferenceException)
    driver.get(base + "/apps/new")
    fields = {"app_name": name, "image": "nginx:1.27", "port": "80", "replicas": "1", "prompt": "A demo site"}
    for field, value in fields.items():
        element = driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)
    hint = driver.find_element(By.ID, "prompt-hint").text
    expected = f"{len(fields['prompt'])} of at most 4,000 characters." if javascript else "At most 4,000 characters."
    if hint != expected:
        failures.append(f"new app {label}: the prompt's hint says {hint!r}, not {expected!r}")
    Select(driver.find_element(By.ID, "owner")).select_by_value("group:default/platform-team")
    driver.find_element(By.CSS_SELECTOR, "input[name=engine][value=template]").click()
    driver.find_element(By.CSS_SELECTOR, "form.app-form button[type=submit]").click()
    try:
        WebDriverWait(driver, 10).until(lambda d: re.search(r"/requests/[0-9a-f-]+$", d.current_url))
        # Without JavaScript the page refreshes itself; with it, the live events reload it when done.
        WebDriverWait(driver, 30, poll_frequency=0.2, ignored_exceptions=reloading).until(
            lambda d: d.find_elements(By.XPATH, "//form[contains(@action, '/pull-request')]//button"))
    except Exception:
        failures.append(f"new app {label}: the request page never offered to open the pull request ({driver.current_url})")
        return None
    badge = driver.find_element(By.CSS_SELECTOR, "h1 .badge").text
    if badge != "ready":
        failures.append(f"new app {label}: the badge says {badge!r} while the pull request button shows")
    if open_pr:
        driver.find_element(By.XPATH, "//form[contains(@action, '/pull-request')]//button").click()
        try:
            WebDriverWait(driver, 30, poll_frequency=0.2, ignored_exceptions=reloading).until(
                lambda d: d.find_element(By.CSS_SELECTOR, "h1 .badge").text == "pr opened")
        except Exception:
            failures.append(f"new app {label}: the pull request never showed as opened ({driver.current_url})")
    return driver.current_url.removeprefix(base)


def main():
    in_venv()
    from axe_core_python.selenium import Axe
    started = time.time()
    check_pages = load_check_pages()
    SHOTS.mkdir(parents=True, exist_ok=True)
    apis = check_pages.FakeAPIs()
    live_root, live_env = check_pages.live_status_platform(apis)
    stderr = ROOT / ".build/check-browser-server.log"
    portal = check_pages.Portal(live_root, live_env, stderr=stderr)
    base = f"http://127.0.0.1:{portal.port}"
    passed, failed, failures = 0, 0, []
    drivers = []
    try:
        check_pages.wait_for_live_status(portal, failures)
        drivers.append(browser(javascript=True))
        drivers.append(browser(javascript=False))
        with_js, without_js = drivers
        axe = Axe()
        # The request pages are checked too: ready (a preview) and with its pull request opened (a diff).
        names = {}
        for label, driver, app, shot in (("with JavaScript", with_js, "browser-js", "request-ready"),
                                         ("without JavaScript", without_js, "browser-nojs", "request-pr-opened")):
            before = len(failures)
            request_path = new_app(driver, base, app, failures, label, javascript=driver is with_js, open_pr=driver is without_js)
            ok = len(failures) == before
            passed, failed = passed + ok, failed + (not ok)
            print(f"{'ok  ' if ok else 'FAIL'} new app {label}")
            if request_path:
                names[request_path] = shot
        for path in PAGES + list(names):
            ok = check_page(with_js, axe, base, path, failures, names.get(path))
            passed, failed = passed + ok, failed + (not ok)
            print(f"{'ok  ' if ok else 'FAIL'} {path}")
    finally:
        for driver in drivers:
            driver.quit()
        portal.stop()
        apis.shutdown()
    for failure in failures:
        print(f"  - {failure}")
    if failures:
        print(f"  (server log: {stderr})")
    print(f"{passed} passed, {failed} failed in {time.time() - started:.0f} s; screenshots in {SHOTS.relative_to(ROOT)}/")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
