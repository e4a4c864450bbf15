"""A headless Chromium driven over the DevTools protocol, for tests that render HTML reports.

No dependency: Chromium speaks the protocol over a pipe (``--remote-debugging-pipe``: commands
in on file descriptor 3, replies and events out on 4, each a JSON message ended by a NUL),
and a test needs only a few commands — open a page, wait for it to load, evaluate an
expression, take a screenshot, print to PDF — and the events saying what went wrong: console
messages, uncaught exceptions, log entries (a resource that failed to load) and every network
request the page made.

The browser is Debian's ``chromium`` (or ``PROTRULES_CHROMIUM``), started headless with a fresh
profile and everything that would reach for the network (updates, sync, metrics) turned off.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["Browser", "Page", "find_chromium"]

FLAGS = (
    "--headless",
    "--no-sandbox",  # tests may run as root, where the sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--metrics-recording-only",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


def find_chromium() -> str | None:
    """The browser to use: ``PROTRULES_CHROMIUM``, else chromium (or Chrome) on the PATH."""
    named = os.environ.get("PROTRULES_CHROMIUM")
    if named:
        return named if os.access(named, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """One headless Chromium process; use as a context manager."""

    def __init__(self, executable: str, *, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="protrules-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:  # in the child: the protocol's descriptors 3 and 4
            read, write = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self._process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            preexec_fn=wire,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._send("Browser.close")
            self._process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired, TimeoutError):
            self._process.kill()
            self._process.wait()
        finally:
            for fd in (self._to_browser, self._from_browser):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._profile.cleanup()

    # -- the protocol
    def _send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _receive(self, *, reply: int | None = None, event: str | None = None) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" in self._buffer:
                raw, _, self._buffer = self._buffer.partition(b"\0")
                message = json.loads(raw)
                if reply is not None and message.get("id") == reply:
                    if "error" in message:
                        raise RuntimeError(f"DevTools error: {message['error']}")
                    result: dict[str, Any] = message.get("result", {})
                    return result
                if "method" in message:
                    self.events.append(message)
                    if message["method"] == event:
                        return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {'reply' if reply else event} from Chromium in {self.timeout} s")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise EOFError("Chromium closed the DevTools pipe")
                self._buffer += chunk

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send one command and wait for its reply (events that arrive meanwhile are kept)."""
        return self._receive(reply=self._send(method, params, session))

    def open(self, url: str, *, width: int = 1200, height: int = 900) -> Page:
        """A new tab at ``url`` (``width`` × ``height`` CSS pixels), loaded."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        page = Page(self, session, len(self.events))
        self.call("Page.navigate", {"url": url}, session)
        self._receive(event="Page.loadEventFired")
        return page


class Page:
    """A loaded tab: evaluate, screenshot, print; what the browser said while loading it."""

    def __init__(self, browser: Browser, session: str, first_event: int) -> None:
        self.browser = browser
        self.session = session
        self._first = first_event

    def _events(self, method: str) -> list[dict[str, Any]]:
        return [
            e["params"]
            for e in self.browser.events[self._first :]
            if e.get("sessionId") == self.session and e["method"] == method
        ]

    @property
    def console_errors(self) -> list[str]:
        """Console messages of level error or warning, uncaught exceptions and error log
        entries (such as a resource that failed to load), as text."""
        out = []
        for params in self._events("Runtime.consoleAPICalled"):
            if params["type"] in ("error", "warning", "assert"):
                out.append(f"console.{params['type']}: {[a.get('value') for a in params['args']]}")
        for params in self._events("Runtime.exceptionThrown"):
            out.append(f"exception: {params['exceptionDetails'].get('text')}")
        for params in self._events("Log.entryAdded"):
            entry = params["entry"]
            if entry["level"] in ("error", "warning"):
                out.append(f"log {entry['level']}: {entry.get('text')} {entry.get('url', '')}".rstrip())
        return out

    @property
    def requests(self) -> list[str]:
        """The URL of every request the page made, in order."""
        return [params["request"]["url"] for params in self._events("Network.requestWillBeSent")]

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable values only)."""
        reply = self.browser.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, self.session
        )
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path, *, selector: str | None = None, height: int = 1600) -> Path:
        """A PNG of the page from its top (or from the element ``selector`` names), ``height``
        CSS pixels tall, written to ``path``."""
        top = 0.0
        if selector is not None:
            top = self.evaluate(
                f"document.querySelector({json.dumps(selector)}).getBoundingClientRect().top + window.scrollY"
            )
        size = self.browser.call("Page.getLayoutMetrics", session=self.session)["cssContentSize"]
        clip = {
            "x": 0,
            "y": top,
            "width": size["width"],
            "height": min(height, size["height"] - top),
            "scale": 1,
        }
        data = self.browser.call(
            "Page.captureScreenshot",
            {"format": "png", "clip": clip, "captureBeyondViewport": True},
            self.session,
        )["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def pdf(self) -> bytes:
        """The page printed as the print styles lay it out (their ``@page`` size and margins)."""
        data = self.browser.call(
            "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}, self.session
        )["data"]
        return base64.b64decode(data)
