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
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
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

    def screenshot(self, path: Path, max_height: int = 8000) -> None:
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], max_height), "scale": 1}
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
    return f"{base}/{rel.removesuffix('.md')}.html"


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
    browser.open(f"{server}/index.html")
    images = browser.evaluate(DIAGRAM_SIZES_JS)
    browser.screenshot(SCREENSHOTS / "index.png")
    assert images and all(i["naturalWidth"] > 0 and i["width"] > 0 for i in images)
    assert browser.errors() == []


def test_the_check_sees_a_broken_diagram(site: Path, server: str, browser: Page) -> None:
    """The browser check can fail: a page whose diagram is missing is caught (size 0 and a 404)."""
    broken = site / "broken-check.html"
    broken.write_text(
        # (a data: icon, so that no late favicon request is logged against the next page)
        "<!doctype html><html><head><link rel=icon href='data:,'></head><body>"
        "<article><img src='diagrams/no-such-diagram.svg'></article>"
        "<script>console.error('deliberate')</script></body></html>"
    )
    browser.open(f"{server}/broken-check.html")
    images = browser.evaluate(DIAGRAM_SIZES_JS)
    assert images[0]["naturalWidth"] == 0
    errors = browser.errors()
    assert any("deliberate" in e for e in errors)
    assert any("404" in e or "no-such-diagram" in e for e in errors)


# ----------------------------------------------------------------------------- offline: file://

NAV_LINKS_JS = """
Array.from(document.querySelectorAll('nav.md-nav--primary a.md-nav__link[href]'))
  .map(a => a.href).filter(h => !h.includes('#'))
"""


def test_site_works_from_file_urls(site: Path, browser: Page) -> None:
    """Opened as ``build/site/index.html`` (what ``make docs`` says to do), every navigation link
    opens a page, not a directory listing, and a machine page shows its diagram with no errors."""
    browser.open((site / "index.html").as_uri())
    links = browser.evaluate(NAV_LINKS_JS)
    assert len(links) >= 10, links
    for href in links:
        assert href.startswith("file://") and href.endswith(".html"), f"{href}: not a page file"
        target = Path(urllib.parse.unquote(urllib.parse.urlparse(href).path))
        assert target.is_file(), f"{href}: no such page in the built site"
    assert browser.errors() == [], "index.html from file:// logged errors"
    browser.open((site / "machines" / "pod-phase.html").as_uri())
    images = browser.evaluate(DIAGRAM_SIZES_JS)
    assert images and all(i["naturalWidth"] > 0 for i in images), images
    assert browser.errors() == [], "a machine page from file:// logged errors"


# ----------------------------------------------------------------------------- readable at two widths

WIDTHS = {"laptop": (1280, 800), "phone": (390, 844)}
MIN_TEXT_PX = 10.0  # the smallest diagram text a reader is asked to read, in CSS pixels
_FONT = re.compile(r'font-size="([0-9.]+)"')
_VIEWBOX = re.compile(r'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) [0-9.]+"')

PAGE_FACTS_JS = """
(async () => {
  const imgs = Array.from(document.querySelectorAll('article img'));
  await Promise.all(imgs.map(i => i.complete ? null
      : new Promise(done => { i.addEventListener('load', done); i.addEventListener('error', done); })));
  // a table's inline code may wrap only where the page allows it (<wbr> after a "/" of a path):
  // each run of text between those points must sit on one line
  const lines = node => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size;
  };
  const broken = [];
  for (const c of document.querySelectorAll('article table code')) {
    const walker = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (t.textContent.trim() && lines(t) > 1) broken.push(c.textContent);
    }
  }
  return {
    diagrams: imgs.map(i => ({src: i.getAttribute('src'), width: i.getBoundingClientRect().width})),
    brokenIdentifiers: broken,
  };
})()
"""


def diagram_text_px(svg: str, rendered_width: float) -> float:
    """The height in CSS pixels of the smallest text of an SVG drawn ``rendered_width`` pixels wide."""
    fonts = [float(f) for f in _FONT.findall(svg)]
    viewbox = _VIEWBOX.search(svg)
    if not fonts or viewbox is None:
        return float("inf")
    return min(fonts) * rendered_width / float(viewbox.group(1))


def site_pages(site: Path) -> list[str]:
    """Every page of the built site, relative to it (not the 404 page nor the checks' own pages)."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.name != "404.html"
        and not p.relative_to(site).as_posix().startswith(("assets/", "broken-check", "shrunk-check"))
    )


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_is_readable(width: str, site: Path, server: str, browser: Page) -> None:
    """Every page at a laptop and a phone width: each diagram's smallest text renders at least
    :data:`MIN_TEXT_PX` high, and no identifier in a table is broken across lines. A screenshot of
    each page is saved under ``build/screenshots/<width>/``."""
    w, h = WIDTHS[width]
    browser.send("Emulation.setDeviceMetricsOverride", width=w, height=h, deviceScaleFactor=1, mobile=w < 600)
    problems: list[str] = []
    try:
        for rel in site_pages(site):
            browser.open(f"{server}/{rel}")
            facts = browser.evaluate(PAGE_FACTS_JS)
            browser.screenshot(
                SCREENSHOTS / width / rel.replace("/", "-").replace(".html", ".png"), max_height=2 * h
            )
            for d in facts["diagrams"]:
                svg_path = (site / rel).parent / d["src"]
                if svg_path.suffix != ".svg" or not svg_path.is_file():
                    continue
                px = diagram_text_px(svg_path.read_text(encoding="utf-8"), d["width"])
                if px < MIN_TEXT_PX:
                    problems.append(f"{rel}: {d['src']} text is {px:.1f} px high at {width} width")
            problems += [f"{rel}: identifier {c!r} broken across lines" for c in facts["brokenIdentifiers"]]
    finally:
        browser.send("Emulation.clearDeviceMetricsOverride")
    assert not problems, "\n".join(problems)


def test_the_readability_check_sees_a_shrunken_diagram(site: Path, server: str, browser: Page) -> None:
    """The size check can fail: a diagram squeezed into 300 px has text far below the limit."""
    page = site / "shrunk-check.html"
    page.write_text(
        "<!doctype html><html><head><link rel=icon href='data:,'></head><body><article>"
        "<img src='diagrams/composed-init-Always.svg' style='width:300px'></article></body></html>"
    )
    browser.open(f"{server}/shrunk-check.html")
    facts = browser.evaluate(PAGE_FACTS_JS)
    svg = (site / "diagrams" / "composed-init-Always.svg").read_text(encoding="utf-8")
    assert facts["diagrams"][0]["width"] == 300
    assert diagram_text_px(svg, 300) < MIN_TEXT_PX
