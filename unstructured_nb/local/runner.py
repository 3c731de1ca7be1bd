"""Bind a socket and run the FastAPI app on uvicorn, in the foreground (CLI) or a background thread (``serve()``)."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from typing import Any

from ..errors import LocalEngineError
from .engine import Engine

__all__ = ["ServerThread", "bind", "build_server", "check_host", "url_for"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_host(host: str, api_key: str | None) -> None:
    """Refuse to expose a keyless engine beyond this machine."""
    if not _is_loopback(host) and not api_key:
        raise LocalEngineError(
            f"Refusing to serve on {host} without an API key: anyone who can reach this machine could run jobs and read your files.",
            hint="Pass --api-key (or set UNSTRUCTURED_NB_SERVER_API_KEY), or serve on 127.0.0.1.",
        )


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on sockets that say they are TCP,
    # and without it every small response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise LocalEngineError(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}.", hint="Choose another --port (0 picks a free one)."
        ) from None
    sock.listen(2048)
    sock.set_inheritable(False)
    return sock


def url_for(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def build_server(engine: Engine, *, log_level: str = "warning") -> Any:
    import uvicorn

    from .api import create_app

    config = uvicorn.Config(
        create_app(engine),
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=3,
        timeout_keep_alive=30,
        server_header=False,
    )
    return uvicorn.Server(config)


class ServerThread:
    """uvicorn on a daemon thread; ``start`` returns once it accepts connections."""

    def __init__(self, server: Any, sock: socket.socket) -> None:
        self.server = server
        self.sock = sock
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="unstructured-nb-local-engine", daemon=True)

    def _run(self) -> None:
        try:
            self.server.run(sockets=[self.sock])
        except BaseException as exc:  # surfaced by start()
            self.error = exc

    def start(self, timeout: float = 30.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise LocalEngineError(f"The local engine's HTTP server did not start: {self.error or 'timed out'}.")
            time.sleep(0.005)

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(timeout=10)
        try:
            self.sock.close()
        except OSError:
            pass
