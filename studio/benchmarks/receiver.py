"""A loopback group bot for benchmarks: answers every POST with 200 and logs when each key arrived.

Runs as its own process (``python -m studio.benchmarks.receiver LOG PORT_FILE``) so the benchmark's own
work never delays the clock it is measured by. Each line of LOG is ``<unix time>\\t<Idempotency-Key>``.
"""
from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def serve(log_path: Path, port_file: Path) -> None:
    log = open(log_path, "a", buffering=1, encoding="utf-8")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            arrived = time.time()
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            key = self.headers.get("Idempotency-Key") or "-"
            with lock:
                log.write(f"{arrived:.6f}\t{key}\n")
            body = b'{"ok":true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = port_file.with_suffix(".tmp")
    tmp.write_text(str(server.server_address[1]))
    tmp.replace(port_file)
    server.serve_forever()


def read_arrivals(log_path: Path) -> list[tuple[float, str]]:
    arrivals = []
    for line in log_path.read_text(encoding="utf-8").splitlines():
        stamp, _, key = line.partition("\t")
        if key:
            arrivals.append((float(stamp), key))
    return arrivals


if __name__ == "__main__":
    serve(Path(sys.argv[1]), Path(sys.argv[2]))
