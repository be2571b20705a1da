"""The documentation site in a real browser: every machine page's diagrams render, with no console errors.

The site is built with ``mkdocs build --strict`` into a temporary folder and served by
``http.server`` on 127.0.0.1 (a free port, in a thread). Debian's headless ``chromium`` is driven
over the Chrome DevTools Protocol (``--remote-debugging-port``, a websocket per page): each page is
loaded, every diagram ``<img>`` must have loaded with a non-zero natural and rendered size, and
no console error, uncaught exception or failed request may be logged. A screenshot of each page is
saved under ``build/screenshots/``.

The test is skipped only when no Chromium binary is installed (``make test`` installs Debian's
``chromium`` first when it can, through ``scripts/ensure-system-deps --browser``).
"""

from __future__ import annotations

import base64
import functools
import http.server
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from podfsm.docgen import MACHINE_PAGES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
TIMEOUT = 60.0  # seconds for any one browser operation; generous, never asserted on
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--window-size=1280,900",
)

DIAGRAM_SIZES_JS = """
(async () => {
  const imgs = Array.from(document.querySelectorAll('article img'));
  await Promise.all(imgs.map(i => i.complete ? null
      : new Promise(done => { i.addEventListener('load', done); i.addEventListener('error', done); })));
  return imgs.map(i => {
    const r = i.getBoundingClientRect();
    return {src: i.getAttribute('src'), complete: i.complete, naturalWidth: i.naturalWidth,
            naturalHeight: i.naturalHeight, width: r.width, height: r.height};
  });
})()
"""


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Page:
    """One browser tab, driven over the DevTools protocol; collects console errors as they come."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.monotonic() + TIMEOUT
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                result: dict[str, Any] = msg.get("result", {})
                return result
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, method: str) -> dict[str, Any]:
        for i, event in enumerate(self.events):
            if event["method"] == method:
                return self.events.pop(i)
        deadline = time.monotonic() + TIMEOUT
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if msg.get("method") == method:
                return dict(msg)
            if "method" in msg:
                self.events.append(msg)

    def open(self, url: str) -> None:
        self.events.clear()
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads logged since the page was opened."""
        out = []
        for event in self.events:
            p = event.get("params", {})
            if event["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(
                    "console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])
                )
            elif event["method"] == "Runtime.exceptionThrown":
                details = p.get("exceptionDetails", {})
                out.append(
                    "exception: "
                    + str(details.get("exception", {}).get("description") or details.get("text"))
                )
            elif event["method"] == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                entry = p["entry"]
                out.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip())
        return out

    def screenshot(self, path: Path) -> None:
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 8000), "scale": 1}
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)[
            "data"
        ]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stdout}\n{build.stderr}"
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    binary = chromium_binary()
    if binary is None:
        pytest.skip(
            "no Chromium here and it could not be installed: run `scripts/ensure-system-deps --browser` "
            "as root (Debian's chromium package) to check the docs in a browser"
        )
    profile = tmp_path_factory.mktemp("chromium-profile")
    log = (profile.parent / "chromium.log").open("wb")
    proc = subprocess.Popen(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    f"chromium did not start: {(profile.parent / 'chromium.log').read_text()[-2000:]}"
                )
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=TIMEOUT) as resp:
            targets = json.load(resp)
        page_url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
        with connect(page_url, max_size=None, open_timeout=TIMEOUT) as ws:
            yield Page(ws)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the process group of the chromium started above
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def _url(base: str, rel: str) -> str:
    return f"{base}/{rel.removesuffix('.md')}/"


@pytest.mark.parametrize("rel", list(MACHINE_PAGES))
def test_machine_page_diagrams_render(rel: str, server: str, browser: Page) -> None:
    browser.open(_url(server, rel))
    images = browser.evaluate(DIAGRAM_SIZES_JS)
    name = rel.removesuffix(".md").replace("/", "-")
    browser.screenshot(SCREENSHOTS / f"{name}.png")
    diagrams = [i for i in images if "/diagrams/" in i["src"] or i["src"].startswith("diagrams/")]
    assert diagrams, f"{rel}: no diagram on the page"
    assert any(i["src"].endswith(f"/{MACHINE_PAGES[rel]}.svg") for i in diagrams), (
        f"{rel}: its diagram is missing"
    )
    for img in diagrams:
        assert img["complete"] and img["naturalWidth"] > 0 and img["naturalHeight"] > 0, (
            f"{rel}: {img} did not load"
        )
        assert img["width"] > 0 and img["height"] > 0, f"{rel}: {img} renders with no size"
    assert browser.errors() == [], f"{rel}: errors in the browser"
    assert (SCREENSHOTS / f"{name}.png").read_bytes().startswith(b"\x89PNG")


def test_home_page_renders_without_errors(server: str, browser: Page) -> None:
    browser.open(f"{server}/")
    images = browser.evaluate(DIAGRAM_SIZES_JS)
    browser.screenshot(SCREENSHOTS / "index.png")
    assert images and all(i["naturalWidth"] > 0 and i["width"] > 0 for i in images)
    assert browser.errors() == []


def test_the_check_sees_a_broken_diagram(site: Path, server: str, browser: Page) -> None:
    """The browser check can fail: a page whose diagram is missing is caught (size 0 and a 404)."""
    broken = site / "broken-check" / "index.html"
    broken.parent.mkdir(exist_ok=True)
    broken.write_text(
        "<!doctype html><html><body><article><img src='../diagrams/no-such-diagram.svg'></article>"
        "<script>console.error('deliberate')</script></body></html>"
    )
    browser.open(f"{server}/broken-check/")
    images = browser.evaluate(DIAGRAM_SIZES_JS)
    assert images[0]["naturalWidth"] == 0
    errors = browser.errors()
    assert any("deliberate" in e for e in errors)
    assert any("404" in e or "no-such-diagram" in e for e in errors)
