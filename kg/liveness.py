"""Whether the graph's engine answers at all, and a deadline for every call while it may not.

An engine that is stopped but not gone (the process stopped with SIGSTOP, its
machine paused, a JVM stuck in a long pause) keeps its Bolt port: the kernel
still accepts connections and takes the bytes sent, but nothing answers. The
driver waits on such a socket with no timeout (it sets one only when the
server sends a ``connection.recv_timeout_seconds`` hint, which the embedded
engine does not), so a call would wait until the engine came back, if it ever
does (BENCHMARKS.md, "Figures moved from the code").

Waiting on the socket with a timeout cannot tell a frozen engine from a slow
query, so :class:`Liveness` asks the engine directly instead. A call
(:meth:`Liveness.watch`) that is still running when its deadline nears has the
engine *probed*: a new connection and a Bolt handshake (:func:`probe`), which a
running engine answers at once whatever it is computing. If the engine
answers, the call runs on and is looked at again one deadline later (a slow
query on a live engine is never cut); if it does not, the call's connection is
shut (the waiting read returns at once) and the call is marked ``cut``, so
:mod:`kg.graph` ends it with ``GraphUnavailable`` instead of retrying.

Once a probe found the engine silent, new calls are refused at once for a
moment (:meth:`Liveness.refusal`), then the next call probes again; so while
the engine stays frozen, requests do not each wait out a deadline, do not pin
the API's threads, and open no more connections into the frozen engine's
accept queue. The first probe that is answered (or any call that succeeds)
lets calls through again: nothing needs restarting once the engine resumes.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

#: Longest a probe waits for the handshake's answer (less for calls with short deadlines).
PROBE_LIMIT = 1.0
#: How often the watchdog looks at the calls in flight, and shuts again the connection of a cut one.
TICK = 0.1
#: The watchdog thread ends after this many seconds without calls (the next call starts it again).
IDLE_EXIT = 10.0

#: Bolt's magic preamble and four version proposals (5.0-5.8, 4.4, none, none). Any
#: four-byte answer, even "no common version", shows the engine is running.
_HANDSHAKE = bytes.fromhex("6060B017" "00080805" "00000404" "00000000" "00000000")


def probe(uri: str, timeout: float) -> str | None:
    """None when a Bolt server at ``uri`` answers a handshake within ``timeout`` seconds,
    else what went wrong (refused, no answer)."""
    parts = urlsplit(uri)
    host, port = parts.hostname or "localhost", parts.port or 7687
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            conn: socket.socket = raw
            if parts.scheme.endswith("+s") or parts.scheme.endswith("+ssc"):
                context = ssl.create_default_context()
                if parts.scheme.endswith("+ssc"):  # the driver accepts any certificate here too
                    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
                conn = context.wrap_socket(raw, server_hostname=host)
            conn.settimeout(max(deadline - time.monotonic(), 0.01))
            conn.sendall(_HANDSHAKE)
            answer = b""
            while len(answer) < 4:
                chunk = conn.recv(4 - len(answer))
                if not chunk:
                    return f"{host}:{port} closed the connection during the Bolt handshake"
                answer += chunk
            return None
    except TimeoutError:
        return f"{host}:{port} accepts connections but did not answer a Bolt handshake within {timeout:.1f} s"
    except OSError as exc:
        return f"{host}:{port} cannot be reached ({exc.strerror or exc})"


def lead_time(deadline: float) -> float:
    """How long before a call's deadline its probe starts, and how long the probe may wait."""
    return min(PROBE_LIMIT, deadline / 2)


@dataclass(eq=False)
class Call:
    """One graph call in flight: when it is next looked at, and the session it runs in."""

    deadline: float  # seconds the engine may stay silent before the call is cut
    lead: float
    check_at: float  # monotonic time of the next look (its deadline, then one deadline later each time)
    session: Any = None  # the driver session of the current attempt (its connection is what gets shut)
    cut: str | None = field(default=None)  # why the call was cut, once it was


def _shut(session: Any) -> None:
    """Shut the socket of the connection ``session`` holds, if any: a read waiting on it returns at once.

    Reaches into the driver (``neo4j`` is pinned in pyproject.toml): the session's
    connection and its socket. The socket is only shut down, not closed: the
    driver closes it itself when it finds the connection broken.
    """
    connection = getattr(session, "_connection", None)
    raw = getattr(getattr(connection, "socket", None), "_socket", None)
    if raw is not None:
        with suppress(OSError):
            raw.shutdown(socket.SHUT_RDWR)


class Liveness:
    """The watchdog of one driver's calls, and what the last probe of the engine said."""

    def __init__(self, uri: str) -> None:
        self._uri = uri
        self._lock = threading.Lock()
        self._probing = threading.Lock()  # one probe at a time; calls waiting for it take its verdict
        self._calls: set[Call] = set()
        self._thread: threading.Thread | None = None
        self._last_call = time.monotonic()
        self._closed = threading.Event()
        # when the engine was last probed, and why it did not answer (None: it answered)
        self._probed: tuple[float, str | None] = (float("-inf"), None)
        self._heard = float("-inf")  # when a call last got its answer

    # -- for kg.graph -------------------------------------------------------------------

    @contextmanager
    def watch(self, deadline: float) -> Iterator[Call]:
        """Watch a call for the block: cut it when it runs past ``deadline`` seconds while the engine is silent."""
        lead = lead_time(deadline)
        call = Call(deadline=deadline, lead=lead, check_at=time.monotonic() + deadline)
        with self._lock:
            self._calls.add(call)
            self._last_call = time.monotonic()
            if self._thread is None and not self._closed.is_set():
                self._thread = threading.Thread(target=self._run, name="kg-graph-watchdog", daemon=True)
                self._thread.start()
        try:
            yield call
        finally:
            with self._lock:
                self._calls.discard(call)
                self._last_call = time.monotonic()

    def refusal(self, call: Call) -> str | None:
        """Why ``call`` should not start an attempt (the engine was found silent and still is), or None."""
        at, reason = self._probed
        if reason is None or self._heard > at:
            return None
        return self._verdict_within(call.lead)

    def answered(self) -> None:
        """A call just got its answer: the engine runs (calls are let through again)."""
        self._heard = time.monotonic()

    def close(self) -> None:
        self._closed.set()

    # -- the watchdog -------------------------------------------------------------------

    def _verdict_within(self, lead: float) -> str | None:
        """The verdict of a probe no older than ``lead`` seconds, probing (for at most ``lead`` s) when there is none.

        Only probes count here, not calls answered: a call that got its answer before
        another was sent says nothing of whether the engine still answers."""
        with self._probing:
            at, reason = self._probed
            if time.monotonic() - at < lead:
                return reason
            reason = probe(self._uri, lead)
            self._probed = (time.monotonic(), reason)
            return reason

    def _run(self) -> None:
        while not self._closed.wait(TICK):
            with self._lock:
                now = time.monotonic()
                if not self._calls and now - self._last_call > IDLE_EXIT:
                    self._thread = None
                    return
                cut = [c for c in self._calls if c.cut is not None]
                due = [c for c in self._calls if c.cut is None and now >= c.check_at - c.lead]
            for call in cut:  # again: the call may have taken a new connection meanwhile
                _shut(call.session)
            if not due:
                continue
            reason = self._verdict_within(min(c.lead for c in due))
            with self._lock:
                now = time.monotonic()
                for call in due:
                    if call not in self._calls:
                        continue
                    if reason is None:
                        call.check_at = now + call.deadline
                    else:
                        call.cut = reason
                        _shut(call.session)
