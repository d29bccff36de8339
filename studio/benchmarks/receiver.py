"""A loopback group bot for benchmarks: answers every POST with 200 and logs when each key arrived.

Runs as its own process (``python -m studio.benchmarks.receiver LOG PORT_FILE``) so the benchmark's own
work never delays the clock it is measured by. It is an asyncio server with a deep accept backlog, so that
thousands of requests a minute cost it little and none waits in a full listen queue. Each line of LOG is
``<unix time>\\t<Idempotency-Key>``.
"""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
          b"Connection: close\r\n\r\n{\"ok\":true}")


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, log) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        arrived = time.time()
        headers = {}
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        await reader.readexactly(int(headers.get("content-length") or 0))
        log.write(f"{arrived:.6f}\t{headers.get('idempotency-key', '-')}\n")
        writer.write(ANSWER)
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def _serve(log_path: Path, port_file: Path) -> None:
    log = open(log_path, "a", buffering=1, encoding="utf-8")
    server = await asyncio.start_server(lambda r, w: _handle(r, w, log), "127.0.0.1", 0, backlog=4096)
    tmp = port_file.with_suffix(".tmp")
    tmp.write_text(str(server.sockets[0].getsockname()[1]))
    tmp.replace(port_file)
    async with server:
        await server.serve_forever()


def serve(log_path: Path, port_file: Path) -> None:
    asyncio.run(_serve(log_path, port_file))


def read_arrivals(log_path: Path) -> list[tuple[float, str]]:
    arrivals = []
    for line in log_path.read_text(encoding="utf-8").splitlines():
        stamp, _, key = line.partition("\t")
        if key:
            arrivals.append((float(stamp), key))
    return arrivals


if __name__ == "__main__":
    serve(Path(sys.argv[1]), Path(sys.argv[2]))
