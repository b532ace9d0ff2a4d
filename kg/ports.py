"""The TCP ports ``kg`` listens on (the API's, the local engines'), and the one error for a taken port.

A port held by another program is a different fault from an engine that does
not run or a graph that does not answer: the fix is to stop that program or
move the port. Every command that needs a port (``kg up``, ``kg serve``,
``kg engine start`` on either engine) raises :class:`PortTaken`, which the CLI
turns into one line naming the port and the setting that moves it, with an
exit code of its own.
"""

from __future__ import annotations

import errno
import socket


class PortTaken(RuntimeError):
    """A port a command needs is held by another program; the message names it and how to move it."""

    def __init__(self, port: int, what: str, remedy: str, host: str = "127.0.0.1") -> None:
        self.port, self.what, self.remedy, self.host = port, what, remedy, host
        super().__init__(f"Port {port} on {host} ({what}) is already in use by another program. "
                         f"Stop that program or {remedy}.")


class CannotListen(RuntimeError):
    """The address cannot be listened on for another reason than a taken port (no such address, no permission)."""


def bind_error(host: str, port: int) -> OSError | None:
    """Why a listening socket cannot be bound to ``host:port`` now, or None when it can.

    Bound as uvicorn binds (IPv6 when the host holds a colon, SO_REUSEADDR), so a
    port uvicorn could take counts as free: SO_REUSEADDR passes a port still in
    TIME_WAIT after a server stopped, but not one another program listens on.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as exc:  # socket.gaierror (a host name that does not resolve) is one too
        return exc
    return None


def require_listenable(host: str, port: int, *, what: str, remedy: str) -> None:
    """Raise :class:`PortTaken` when another program holds ``host:port``, :class:`CannotListen`
    when the address cannot be listened on at all; return when a server can bind it."""
    problem = bind_error(host, port)
    if problem is None:
        return
    if problem.errno == errno.EADDRINUSE:
        raise PortTaken(port, what, remedy, host)
    raise CannotListen(f"cannot listen on {host}:{port} ({what}): {problem.strerror or problem}")
