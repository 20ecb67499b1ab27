"""Render a local HTML file in headless Chromium and report console errors and network requests.

Talks to Chromium over the DevTools protocol on a pipe (``--remote-debugging-pipe``: requests on
fd 3, answers on fd 4, JSON messages ending in NUL), so nothing listens on a port. Used by
tests/test_report_browser.py and, as a script, to make docs/img/report-qingtian.png:

    python tests/chromium.py PAGE.html OUT.png
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


def find_chromium() -> str | None:
    """The Chromium binary (Debian's /usr/bin/chromium, or one on PATH)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class Render:
    """What happened when a page was opened."""

    errors: list[str] = field(default_factory=list)  # console errors, uncaught exceptions, failed loads
    requests: list[str] = field(default_factory=list)  # every non-local URL the page asked for
    charts: int = 0  # ECharts SVGs drawn
    height: int = 0
    width: int = 0  # the page's content width: more than the viewport means a horizontal scroll bar
    png: bytes = b""


class _Pipe:
    def __init__(self, proc: subprocess.Popen, write_fd: int, read_fd: int) -> None:
        self.proc, self.w, self.r = proc, write_fd, read_fd
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 60.0) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        deadline = time.monotonic() + timeout
        while True:
            for m in self._read(deadline):
                if m.get("id") == want:
                    if "error" in m:
                        raise RuntimeError(f"{method}: {m['error']}")
                    return m.get("result", {})
                self.events.append(m)

    def wait_event(self, name: str, timeout: float = 60.0, session: str | None = None) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == name and m.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.extend(self._read(deadline))

    def _read(self, deadline: float) -> list[dict]:
        import select

        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self.r], [], [], left)
            if ready:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self.buf += chunk
        out = []
        while b"\0" in self.buf:
            raw, self.buf = self.buf.split(b"\0", 1)
            out.append(json.loads(raw))
        return out


class Browser:
    """One headless Chromium for several pages: ``with Browser() as browser: render(page, browser=browser)``.

    Each page opens in a browser context of its own (an empty profile: no cookies, cache or storage from
    another page) in a new tab, and only that tab's events are read; a launch costs ≈ 1.4 CPU s.
    """

    def __init__(self, timeout: float = 90.0) -> None:
        self.timeout = timeout

    def __enter__(self) -> Browser:
        binary = find_chromium()
        if binary is None:
            raise FileNotFoundError("chromium not found")
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()

        def wire() -> None:  # in the child: DevTools reads fd 3 and writes fd 4
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self._profile = tempfile.TemporaryDirectory(prefix="chainlink-chromium-")
        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire, pass_fds=(3, 4), close_fds=True,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self.pipe = _Pipe(self.proc, to_child_w, from_child_r)
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            os.write(self.pipe.w, json.dumps({"id": 10**6, "method": "Browser.close"}).encode() + b"\0")
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.pipe.w)
        os.close(self.pipe.r)
        self._profile.cleanup()


def render(page: Path, png: Path | None = None, *, width: int = 760, timeout: float = 90.0,
           browser: Browser | None = None) -> Render:
    """Open ``page`` (a local file) in headless Chromium; collect errors and requests; screenshot it.

    In ``browser`` if given (in its own browser context and tab), else in a Chromium of its own."""
    if browser is None:
        with Browser(timeout) as own:
            return render(page, png, width=width, timeout=timeout, browser=own)
    pipe = browser.pipe
    result = Render()
    context = pipe.send("Target.createBrowserContext", {"disposeOnDetach": True}, timeout=timeout)[
        "browserContextId"
    ]
    target = pipe.send("Target.createTarget", {"url": "about:blank", "browserContextId": context})["targetId"]
    session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    try:
        for domain in ("Runtime", "Log", "Network", "Page"):
            pipe.send(f"{domain}.enable", session=session)
        pipe.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
        pipe.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        pipe.wait_event("Page.loadEventFired", timeout=timeout, session=session)
        value = pipe.send("Runtime.evaluate", {
            "expression": "document.querySelectorAll('.chart svg').length", "returnByValue": True,
        }, session=session)
        result.charts = int(value["result"].get("value") or 0)
        metrics = pipe.send("Page.getLayoutMetrics", session=session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        result.height = int(size["height"])
        result.width = int(size["width"])
        if png is not None:
            shot = pipe.send("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": result.height, "scale": 1},
            }, session=session, timeout=timeout)
            import base64

            result.png = base64.b64decode(shot["data"])
            png.write_bytes(result.png)
        # let late console messages arrive
        pipe.send("Runtime.evaluate", {"expression": "1"}, session=session)
    finally:
        events = [m for m in pipe.events if m.get("sessionId") == session]
        pipe.events = [m for m in pipe.events if m.get("sessionId") not in (session, None)]
        pipe.send("Target.closeTarget", {"targetId": target})
        pipe.send("Target.disposeBrowserContext", {"browserContextId": context})
    for m in events:
        method, params = m.get("method", ""), m.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            result.errors.append("console: " + " ".join(str(a.get("value", a.get("description", "")))
                                                        for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            result.errors.append("exception: " + str(details.get("exception", {}).get("description")
                                                     or details.get("text")))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            result.errors.append(f"log: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not url.startswith(LOCAL_SCHEMES):
                result.requests.append(url)
        elif method == "Network.loadingFailed":
            result.errors.append(f"load failed: {params.get('errorText')} ({params.get('type')})")
    return result


if __name__ == "__main__":
    res = render(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    print(json.dumps({"errors": res.errors, "requests": res.requests, "charts": res.charts,
                      "height": res.height}, ensure_ascii=False, indent=1))
    sys.exit(1 if res.errors or res.requests else 0)
