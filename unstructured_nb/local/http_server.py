"""Serve an engine over HTTP: check the host, bind the sockets (TCP, Unix), run the API on uvicorn (foreground or a thread)."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import threading
import time
from pathlib import Path

import uvicorn
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from ..config import ENV_SERVER_KEY
from ..errors import LocalEngineError
from ..quotas import OnDemandLimits
from .api import create_app
from .engine import Engine
from .limits import WorkerLimits
from .state_file import UNIX_URL, socket_path
from .unix_socket import bind_unix, peer_credentials

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
            hint=f"Set {ENV_SERVER_KEY} or pass --api-key-file PATH (a key on the command line is visible in `ps`), "
            "or serve on 127.0.0.1.",
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
    worker_limits: WorkerLimits | None = None,
    tcp: bool = True,
    unix: bool = False,
) -> tuple[Engine, list[socket.socket]]:
    """An opened engine and the sockets it will listen on (TCP first, then the Unix one); nothing is left open on failure.

    The port is bound before the engine opens, so a port in use fails fast, before the data
    dir is locked or any worker starts. The Unix socket (:func:`.state_file.socket_path`)
    is bound after, under the data dir's lock, so the stale socket it replaces is no live engine's.
    """
    if tcp:
        _check_host(host, api_key)
    engine = Engine(
        Path(data_dir),
        api_key=api_key,
        workers=workers,
        max_upload_bytes=max_upload_bytes,
        file_delay=file_delay,
        on_demand_limits=on_demand_limits,
        worker_limits=worker_limits,
    )
    socks = [_bind(host, port)] if tcp else []
    try:
        engine.open()
        if unix:
            socks.append(bind_unix(socket_path(engine.data_dir)))
    except BaseException:
        engine.close()
        for sock in socks:
            sock.close()
        raise
    return engine, socks


def _peer_checked(base: type[asyncio.Protocol]) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol, dropping a Unix-socket connection from another uid before it reads a byte."""

    class PeerChecked(base):  # type: ignore[misc,valid-type]  # uvicorn picks its protocol class at run time
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            sock = transport.get_extra_info("socket")
            if sock is not None and sock.family == socket.AF_UNIX:
                try:
                    _pid, uid = peer_credentials(sock)
                except OSError:
                    uid = -1
                if uid != os.geteuid():
                    transport.abort()  # type: ignore[attr-defined]  # asyncio's socket transports all have abort()

    return PeerChecked


def url_for(sock: socket.socket) -> str:
    """The URL of a TCP socket; ``http://localhost`` for a Unix one (clients reach it through its path)."""
    if sock.family == socket.AF_UNIX:
        return UNIX_URL
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
        http=_peer_checked(AutoHTTPProtocol),
    )
    return uvicorn.Server(config)


class ServerThread:
    """uvicorn on a daemon thread; ``start`` returns once it accepts connections."""

    def __init__(self, server: uvicorn.Server, socks: list[socket.socket]) -> None:
        self.server = server
        self.socks = socks
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="unstructured-nb-local-engine", daemon=True)

    def _run(self) -> None:
        try:
            self.server.run(sockets=self.socks)
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
        for sock in self.socks:
            try:
                sock.close()
            except OSError:
                pass
