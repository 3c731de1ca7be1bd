"""Serve an engine over HTTP: check the host, bind the socket, run the API on uvicorn in the foreground or on a thread."""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import time
from pathlib import Path

import uvicorn

from ..config import ENV_SERVER_KEY
from ..errors import LocalEngineError
from ..quotas import OnDemandLimits
from .api import create_app
from .engine import Engine

__all__ = ["ServerThread", "build_server", "open_engine", "url_for"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_host(host: str, api_key: str | None) -> None:
    """Refuse to expose a keyless engine beyond this machine."""
    if not _is_loopback(host) and not api_key:
        raise LocalEngineError(
            f"Refusing to serve on {host} without an API key: "
            "anyone who can reach this machine could run jobs and read your files.",
            hint=f"Pass --api-key (or set {ENV_SERVER_KEY}), or serve on 127.0.0.1.",
        )


def _bind(host: str, port: int) -> socket.socket:
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


def open_engine(
    host: str,
    port: int,
    data_dir: str | os.PathLike[str],
    *,
    api_key: str | None,
    workers: int | None,
    max_upload_bytes: int,
    file_delay: float,
    on_demand_limits: OnDemandLimits | None = None,
) -> tuple[Engine, socket.socket]:
    """An opened engine and the socket it will listen on; nothing is left open on failure.

    The port is bound before the engine opens, so a port in use fails fast, before the data
    dir is locked or any worker starts.
    """
    _check_host(host, api_key)
    engine = Engine(
        Path(data_dir),
        api_key=api_key,
        workers=workers,
        max_upload_bytes=max_upload_bytes,
        file_delay=file_delay,
        on_demand_limits=on_demand_limits,
    )
    sock = _bind(host, port)
    try:
        engine.open()
    except BaseException:
        sock.close()
        raise
    return engine, sock


def url_for(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def build_server(engine: Engine, *, log_level: str = "warning") -> uvicorn.Server:
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

    def __init__(self, server: uvicorn.Server, sock: socket.socket) -> None:
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
