"""Starting ``policyqa serve`` as a subprocess on a free loopback port and waiting until it answers
(used by the load benchmark and the UI tests)."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

READY_POLLS = 1200   # 0.5 s each: the server builds/loads the model and index first


class ServeFailed(RuntimeError):
    """The server exited or never answered; the message names the log and ends with its tail."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_serve(env: Mapping[str, str], log: Path, *, polls: int = READY_POLLS,
                host: str = "127.0.0.1") -> tuple[subprocess.Popen, str]:
    """Run ``policyqa serve --host host`` with ``env`` (stdout and stderr to ``log``); returns the
    process and its loopback URL once the page answers (a page behind a login answers too).
    Raises ServeFailed (after killing the process) when it does not."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "policyqa.cli", "serve", "--host", host,
                                    "--port", str(port)], env=dict(env), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(polls):
        if process.poll() is not None:
            raise ServeFailed(f"policyqa serve exited with {process.returncode}; log {log}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if reply.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise ServeFailed(f"policyqa serve did not answer at {url}; log {log}:\n{_tail(log)}")


def stop_serve(process: subprocess.Popen, *, grace: float = 30) -> None:
    """Ask the server to stop; kill it when it has not exited after ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-3000:]
