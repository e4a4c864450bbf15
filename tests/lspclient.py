"""A small Language Server Protocol client for the tests: JSON-RPC over a server's stdio.

It speaks the protocol itself (``Content-Length`` framing, requests with ids, notifications)
so the tests drive ``protrules lsp`` exactly as an editor does, in a subprocess.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from typing import Any, BinaryIO


class LspError(Exception):
    """The server answered a request with an error."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("message", ""))
        self.error = error


class Client:
    """``protrules lsp`` in a subprocess, and a synchronous client of it."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "protrules", "lsp", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.next_id = 0
        assert self.process.stdout is not None
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()

    def _read(self, stream: BinaryIO) -> None:
        while True:
            headers: dict[str, str] = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                key, _, value = line.decode("ascii").partition(":")
                headers[key.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}, ensure_ascii=False).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any], timeout: float = 30) -> Any:
        self.next_id += 1
        ident = self.next_id
        self._send({"id": ident, "method": method, "params": params})
        while True:
            message = self.messages.get(timeout=timeout)
            if message.get("id") == ident and "method" not in message:
                if "error" in message:
                    raise LspError(message["error"])
                return message.get("result")
            self._keep(message)

    def _keep(self, message: dict[str, Any]) -> None:
        if "method" in message and "id" in message:  # a request from the server: answer it
            self._send({"id": message["id"], "result": None})
        elif "method" in message:
            self.notifications.append(message)

    def diagnostics(self, uri: str, timeout: float = 30) -> list[dict[str, Any]]:
        """The next diagnostics published for ``uri`` (waiting for them if need be)."""
        while True:
            for index, note in enumerate(self.notifications):
                if note["method"] == "textDocument/publishDiagnostics" and note["params"]["uri"] == uri:
                    del self.notifications[index]
                    return list(note["params"]["diagnostics"])
            self._keep(self.messages.get(timeout=timeout))

    def initialize(self, locale: str = "zh-CN") -> dict[str, Any]:
        capabilities = {"general": {"positionEncodings": ["utf-16"]}}
        result = self.request(
            "initialize", {"processId": None, "rootUri": None, "capabilities": capabilities, "locale": locale}
        )
        self.notify("initialized", {})
        return dict(result)

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()
