"""`fundperf serve` as a real process on a free port, for tests and bench scripts that need the command."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_process(
    *args: str, env: Mapping[str, str], output: IO[str] | int = subprocess.PIPE, ready_timeout: float = 180
) -> Iterator[tuple[str, "subprocess.Popen[str]"]]:
    """Runs `fundperf serve --port <free> *args` with `env`; yields its base URL and process once /readyz
    answers 200, and stops it afterwards. A process that exits or is not ready in time fails with its
    output."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "src.cli", "serve", "--port", str(port), *args],
        env=dict(env),
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"fundperf serve exited: {server.stdout.read() if server.stdout else ''}")
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("fundperf serve did not become ready")
            time.sleep(0.2)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()  # the pipe is ours to close (an unclosed file is a ResourceWarning)
