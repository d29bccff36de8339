"""Loopback HTTP receivers standing in for a partner's webhook and for group bots."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ReceivedRequest:
    path: str
    headers: dict
    body: bytes
    at: float

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """Stands in for a partner's webhook: records every request and checks its signature."""

    secret: str
    status: int = 200
    requests: list[ReceivedRequest] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def start(self) -> "WebhookReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.requests.append(ReceivedRequest(self.path, dict(self.headers), body, time.time()))
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                if receiver.status == 429:
                    self.send_header("Retry-After", "1")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def signature_ok(self, request: ReceivedRequest) -> bool:
        expected = hmac.new(self.secret.encode(), request.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, request.headers.get("X-Studio-Signature", ""))


@dataclass
class ScriptedRequest:
    path: str
    key: str
    at: float
    answered: int | None  # the HTTP status answered; None if the receiver never answered


class ScriptedReceiver:
    """A group bot whose behaviour is chosen by the URL path of each channel.

    /ok answers 200; /status-429-once and /status-500-once answer that status to a key's first request
    (429 with Retry-After: 1) and 200 after; /status-400 always answers 400; /hang reads the request and
    answers 200 only once ``release`` is set; /silent reads the request and never answers.
    """

    def __init__(self):
        self.requests: list[ScriptedRequest] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.base_url = ""

    def url(self, behaviour: str) -> str:
        return f"{self.base_url}/{behaviour}"

    def accepted(self, key: str) -> int:
        """How many times this key was taken in (answered 2xx, or held by /hang and /silent)."""
        return sum(1 for r in self.requests if r.key == key and (r.answered is None or 200 <= r.answered < 300))

    def received(self, key: str) -> int:
        return sum(1 for r in self.requests if r.key == key)

    def start(self) -> "ScriptedReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("Idempotency-Key", "")
                behaviour = self.path.strip("/")
                record = ScriptedRequest(self.path, key, time.time(), None)
                with receiver._lock:
                    earlier = sum(1 for r in receiver.requests if r.key == key)
                    receiver.requests.append(record)
                if behaviour == "silent":
                    receiver.release.wait(120)
                    return
                if behaviour == "hang":
                    receiver.release.wait(120)
                status = 200
                if behaviour.startswith("status-"):
                    code, _, once = behaviour[len("status-"):].partition("-")
                    status = int(code) if not once or earlier == 0 else 200
                record.answered = status
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if status == 200 else b'{"error": "scripted"}')

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
