"""The graph access layer: the one module that owns the Neo4j driver.

Everything that talks to the graph (loaders, CLI, API, engine readiness checks)
goes through :class:`Graph`. It opens the official ``neo4j`` driver from
settings, runs read and write transactions, which it retries on transient
errors as the driver's managed transactions would (under a deadline, see "An
unreachable graph" below), and accepts only :class:`kg.cypher.Cypher`
statements so every statement is lint-checked.

Neo4j 5 and the embedded engine (ArcadeDB over Bolt)
----------------------------------------------------
The project writes Cypher in the subset both engines run, except where an
engine's dialect (:mod:`kg.engines`) chooses its own way. The differences we
know of, and how this layer deals with them, are listed here and nowhere else:

1. **Full-text indexes.** ArcadeDB has no ``CREATE FULLTEXT INDEX`` and no
   ``db.index.fulltext.*`` procedures. On Neo4j, ``kg schema apply`` (and every
   load) creates one over the entities' normalised names, and search, name
   checks and suggestions read it (:mod:`kg.reads.fulltext`); on the embedded
   engine the API keeps the names in memory (:mod:`kg.reads.name_index`).
   :attr:`Dialect.fulltext_index` chooses.
2. **Paths.** A returned path arrives from ArcadeDB as a list of nodes and
   relationships, from Neo4j as a ``neo4j.graph.Path``. Call
   :func:`path_elements` on any returned path value; better still, return
   ``nodes(p)`` and ``relationships(p)`` explicitly, which both engines agree on.
3. **Concurrent modification.** ArcadeDB uses optimistic concurrency: a write,
   even from a single writer right after a bulk write, can fail with a
   ``TransientError`` ("modified by a concurrent transaction"). All writes
   therefore go through transactions that are retried until
   ``KG_TRANSACTION_TIMEOUT`` seconds have passed; auto-commit writes are not
   offered by this layer.
4. **Schema listing.** ``SHOW CONSTRAINTS`` / ``SHOW INDEXES`` run on both, but
   ArcadeDB also lists the index it creates for each uniqueness constraint
   under a generated name (``Label[property]``). Compare constraints by name.
5. **Labels inside a writing transaction.** ArcadeDB stores labels as the
   record's type, so adding or removing a label rewrites the record; inside a
   transaction that already created or changed that node this trips the
   uniqueness index (``ConstraintError``). Delete-and-create of the same id in
   one transaction is fine. A ``REMOVE`` and a ``SET`` of labels on one node in
   one transaction fail the same way. So nodes get their full label set when
   created, and a source that retypes a stored entity (:mod:`kg.entity_types`)
   relabels it after the load's transaction commits, in a transaction that
   removes labels and then one that adds them
   (:attr:`Dialect.relabel_in_transaction` is False); on Neo4j the relabel is
   part of the load's own transaction.
6. **Server identity.** ArcadeDB answers with the agent
   ``Neo4j/5.x compatible (ArcadeDB ...)``; :attr:`Graph.dialect` is derived from
   the agent string so code never guesses from the URI.
7. **Reads during a commit.** Both engines read committed data, so one
   statement can see a commit that lands while it runs. ArcadeDB also makes a
   commit's pages visible one by one, so the window is wider there: a reader
   once saw a reloaded source with none of its events, and a statement can
   fail with ``EntityNotFound`` when a record it reached is deleted under it.
   :meth:`Graph.read_transaction` repeats a read that failed that way
   (:data:`READ_ATTEMPTS` times in all). A read that must show
   one version of a source checks the source's version before and after, in
   the same transaction, and repeats when it moved
   (:func:`kg.reads.sources.read_one_version`).
8. **Query planning.** Both engines give the same rows, but ArcadeDB plans some
   shapes far worse (measured at 100k events: BENCHMARKS.md, "What made entity,
   neighbours, paths and sales slow"); the project's queries avoid them:

   - An expansion or ``OPTIONAL MATCH`` after a ``MATCH`` on a label
     disjunction (``(n:Actor|Place {id: $id})``) scans, about 100 ms whatever
     it finds: expand inside ``COLLECT``/``COUNT``/``EXISTS`` subqueries.
   - A pattern from an unbound labelled node towards a bound one
     (``(s:Event)-[:PART_OF*1..3]->(deal)``) scans the label per row: write
     it from the bound node.
   - A pattern tested in ``WHERE`` runs as a subquery per row: over every sale
     that is a minute. Walk from the named entities to the rows
     instead (``queries/arms_sales.cypher``).
   - Only one equality on an indexed property uses an index (no ``OR``, ``IN``
     or ``toLower``), and a clause runs even when the rows before it were all
     filtered out, so "by id, else by name" costs the name scan every time.
     Names are matched in one pass per query over the entities.
   - ``x IN $list`` tests the list item by item, on every row: a join of
     thousands of nodes' relationships took seconds. Pass a map
     and test ``$map[x] IS NOT NULL`` instead (:data:`kg.cypher.PATH_PROBE`).
   - An ``ORDER BY`` that skips thousands of rows exceeds the engine's query
     heap budget: page by key (``WHERE id > $after``), not ``SKIP``.
   - Reading any property of a node (even ``n.id``) reads its whole record,
     every time a row reaches it. A list that grows with the corpus on a node
     every path passes through makes that node costly to touch. Keep such lists
     off nodes; derive them from relationships when asked (an entity's sources
     come from the evidence that mentions it, :mod:`kg.store`).
9. **Shortest paths.** ``allShortestPaths`` gives the same paths on both, but
   ArcadeDB searches from one end: two hops from an actor reach the states
   its events involve, and the third walks every event of those states, which
   is slow at scale (BENCHMARKS.md, "Paths searched from both ends"). On the
   embedded engine the API searches from both ends instead
   (:mod:`kg.engines.arcadedb.paths`, a test holds its rows equal to the named
   query's); Neo4j runs the named query (:attr:`Dialect.shortest_paths`). Both
   run a ``// bound:`` query with its ``*..N`` lowered to the bound
   (:attr:`Dialect.lowers_path_bounds`): with no path that short, Neo4j too goes
   on searching to N, for minutes. The API says which text ran.

10. **LIMIT is a Java int.** ArcadeDB keeps a ``LIMIT`` value in 32 bits: 2^31
    fails as a negative limit, and 2^62 silently gives no rows. Keep limits
    (``$cap`` of ``kg.cypher.PATH_GROW_SIZE``, page sizes) below 2^31.

The whole test suite runs on both engines (``tests/conftest.py``: every test
that touches the graph once on the embedded engine and once on a real Neo4j
5.26 from ``tools/neo4j``), so a difference in what a statement returns shows
as a failing ``[neo4j]`` or ``[arcadedb]`` test. None of the project's
statements gave different rows when that loop was first closed. The
differences found there are in running the engines, and are handled in
:mod:`kg.engines.neo4j.server` and the tests:

11. **One database, and its password before the first start.** Neo4j
    Community serves one user database, ``neo4j``, and takes an initial
    password only before its first start (``neo4j-admin dbms
    set-initial-password``, run by :func:`kg.engines.neo4j.server.start`); ArcadeDB
    creates the database ``KG_DATABASE`` names and takes its root password at
    every start. A fresh, empty graph on Neo4j is therefore a fresh server
    (``private_graph`` in the tests; ``test_neo4j_engine.py``,
    ``test_neo4j_admin_export.py::test_neo4j_admin_imports_the_export_into_the_same_graph``).
12. **Failed logins lock the user out**: Neo4j after 3 for 5 s, ArcadeDB after
    5 for about 30 s. Tests that log in with a wrong password use a second
    engine of the same kind (``spare_settings``;
    ``test_cli_polish.py::test_refused_credentials_are_one_line_and_exit_4``).
13. **Crash recovery.** After a SIGKILL both keep every committed transaction
    and none of the interrupted one, and both say so in their logs (ArcadeDB in
    its own log, Neo4j in ``logs/debug.log``: a checkpoint "triggered by
    Recovery completed"); Neo4j's restart takes several times longer
    (``test_faults.py``, each test on both engines).
14. **Planning.** Neo4j plans a statement text the first time it sees it and
    caches the plan, so the first run of a query in Browser is slower than the
    next (figures in BENCHMARKS.md); ArcadeDB's planning is not measurable next
    to its execution. The suite's first ``[neo4j]`` call of each query shows it
    (``pytest --durations``: ``test_queries.py``).
15. **Indexes by root label.** The unique id indexes are on the root labels
    (``Event``, ``Actor``, ...). Neo4j uses one only for a match under that
    label: ``MATCH (d:ArmsSale {id: $id})`` scans every sale there. Match by
    id under the root label, or keep the nodes a walk found
    (``queries/arms_sales.cypher``; figures in BENCHMARKS.md, "One dialect per
    engine").

An unreachable graph
--------------------
A transaction is tried again on a lost or refused connection until
``max_retry_time`` seconds (``KG_TRANSACTION_TIMEOUT``) after it first failed, and the
driver reconnects by itself once the engine is back. That is right for a load,
which should ride out an engine restart; a request handler should rather answer
503 at once: :meth:`Graph.fail_fast` gives it a view of the same driver whose
reads give up after ``KG_API_READ_TIMEOUT`` seconds.

An engine can also stop answering without refusing anything (its process
stopped with SIGSTOP: the port still accepts, nothing replies), and the driver
would wait on the socket for ever. Every call is therefore watched
(:mod:`kg.liveness`): past its deadline (the same two timeouts), an engine that
does not answer a Bolt handshake has the call's connection shut, the call ends
with :class:`GraphUnavailable`, and later calls are refused at once until the
engine answers again; a slow statement on an engine that answers runs on
(``test_faults.py::test_frozen_engine_answers_503_in_time_and_recovers``).
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from neo4j import READ_ACCESS, WRITE_ACCESS, Driver, GraphDatabase, ManagedTransaction, Result, Transaction
from neo4j.exceptions import ClientError, ConnectionAcquisitionTimeoutError, DriverError, IncompleteCommit, Neo4jError
from neo4j.graph import Path

from kg.cypher import COUNT_NODES, COUNT_RELATIONSHIPS, PING, Cypher
from kg.engine_home import ENGINE_USER, NEO4J_USER, EngineHome
from kg.engines import Dialect, dialect_for_agent
from kg.liveness import Call, Liveness
from kg.settings import KgSettings, Settings

T = TypeVar("T")

#: How often a read is tried when a record it reached was deleted by a concurrent commit.
READ_ATTEMPTS = 5
ENTITY_NOT_FOUND = "Neo.ClientError.Statement.EntityNotFound"
#: Waits between tries of a failed transaction: the driver's own policy (1 s, doubling, +-20 %).
RETRY_DELAY, RETRY_MULTIPLIER, RETRY_JITTER = 1.0, 2.0, 0.2
#: An attempt is not started with less time than this left before the deadline.
MIN_ATTEMPT = 0.25
#: The driver's default TCP connect timeout; a shorter transaction timeout lowers it.
CONNECT_TIMEOUT = 30.0


class GraphUnavailable(RuntimeError):
    """The configured graph cannot be reached or refused us; message says why."""


@dataclass(frozen=True)
class Connection:
    """Where the graph is and how to log in (the password is never printed)."""

    uri: str
    user: str
    password: str | None
    database: str
    embedded: bool
    local_neo4j: bool = False  # the Neo4j `kg engine start --engine neo4j` runs

    def describe(self) -> str:
        kind = "embedded engine" if self.embedded else "local Neo4j" if self.local_neo4j else "Neo4j"
        return f"{kind} at {self.uri} (database {self.database!r}, user {self.user!r})"


@dataclass(frozen=True)
class GraphCounts:
    nodes: int
    relationships: int


def connection_for(settings: Settings) -> Connection:
    """Resolve the connection: the configured Neo4j, else the local engine ``KG_ENGINE`` names.

    For a local engine the running instance's own record (``engine.json``)
    wins over the settings, so a changed ``KG_BOLT_PORT`` does not lose a
    running engine.
    """
    if settings.local_neo4j:
        return local_neo4j_connection(settings.kg)
    if not settings.embedded:
        password = settings.neo4j.password.get_secret_value() if settings.neo4j.password else None
        return Connection(
            uri=str(settings.neo4j.uri),
            user=settings.neo4j.username,
            password=password,
            database=settings.neo4j.database,
            embedded=False,
        )
    return embedded_connection(settings.kg)


def local_neo4j_connection(kg: KgSettings) -> Connection:
    """Connection to the local Neo4j of ``kg.data_dir`` (``kg engine start --engine neo4j``)."""
    return _local_connection(EngineHome.neo4j(kg), kg.neo4j_bolt_port, NEO4J_USER, "neo4j", embedded=False)


def embedded_connection(kg: KgSettings) -> Connection:
    """Connection to the embedded engine of ``kg.data_dir``."""
    return _local_connection(EngineHome.from_settings(kg), kg.bolt_port, ENGINE_USER, kg.database, embedded=True)


def _local_connection(home: EngineHome, bolt_port: int, user: str, database: str, *, embedded: bool) -> Connection:
    """A local engine's connection: the running instance's record (``engine.json``) wins over the settings."""
    state = home.read_state()
    return Connection(
        uri=state.bolt_uri if state else f"bolt://127.0.0.1:{bolt_port}",
        user=user,
        password=home.read_password(),
        database=state.database if state else database,
        embedded=embedded,
        local_neo4j=not embedded,
    )


#: Value types the driver hands over as they are, so a row of them needs no conversion.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> bool:
    """Whether ``value`` is plain data all the way down (no node, relationship, path or temporal value)."""
    kind = type(value)
    if kind in _PLAIN:
        return True
    if kind is list:  # the set of the items' types first: a column of thousands is checked in C
        return set(map(type, value)) <= _PLAIN or all(_plain(item) for item in value)
    if kind is dict:
        return all(type(item) in _PLAIN or _plain(item) for item in value.values())
    return False


def _rows(result: Result) -> list[dict[str, Any]]:
    """``result.data()``, the same rows, without its cost where nothing needs converting.

    ``Record.data()`` passes every value, and every item of every list, through
    a chain of ``isinstance`` tests against the driver's graph types and
    ``collections.abc`` classes: on rows of id lists (:mod:`kg.engines.arcadedb.paths`) that was
    a sixth of the API's CPU. A row of plain values is taken as it is; any
    other row still goes through ``Record.data()``.
    """
    keys = result.keys()
    return [dict(zip(keys, record)) if all(type(v) in _PLAIN or _plain(v) for v in record) else record.data()
            for record in result]


class Tx:
    """A transaction that only runs project Cypher."""

    def __init__(self, tx: ManagedTransaction | Transaction) -> None:
        self._tx = tx

    def run(self, query: Cypher, **params: Any) -> list[dict[str, Any]]:
        return _rows(self._tx.run(_checked(query), params))

    def server_agent(self) -> str:
        """The engine's agent string, as it answers a trivial statement."""
        return self._tx.run(_checked(PING)).consume().server.agent


class Graph:
    """One driver, retried transactions under a deadline, and the engine's dialect."""

    def __init__(self, connection: Connection, *, max_retry_time: float = 60.0) -> None:
        self.connection = connection
        auth = (connection.user, connection.password) if connection.password is not None else None
        self._driver: Driver = GraphDatabase.driver(
            connection.uri,
            auth=auth,
            connection_acquisition_timeout=max_retry_time,
            # a frozen engine's full accept queue makes connect() itself wait: no longer than a transaction may
            connection_timeout=min(CONNECT_TIMEOUT, max_retry_time),
        )
        self._dialect: Dialect | None = None
        self._timeout = max_retry_time  # writes, and reads unless fail_fast() shortened them
        self._read_timeout = max_retry_time
        self._liveness = Liveness(connection.uri)  # shared with the fail_fast() views

    @classmethod
    def open(cls, settings: Settings) -> Graph:
        """Open the graph the settings point at (no network I/O yet)."""
        return cls(connection_for(settings), max_retry_time=settings.kg.transaction_timeout)

    # -- lifecycle -------------------------------------------------------------

    def close(self) -> None:
        self._liveness.close()
        self._driver.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fail_fast(self, seconds: float) -> Graph:
        """This graph (same driver and connections) with reads that give up after ``seconds``.

        For request handlers: with the engine down (refused, killed, or frozen:
        accepting connections but answering nothing) a read ends after about
        ``seconds`` instead of the full transaction timeout, with the driver's
        ``ServiceUnavailable`` or :class:`GraphUnavailable`. Writes keep the full
        timeout. The view shares the driver: close the graph it came from, not the view.
        """
        view = copy.copy(self)
        view._read_timeout = seconds
        return view

    def verify(self) -> None:
        """Check connectivity, credentials and the database with a real query.

        Raises the driver's own exceptions (ServiceUnavailable, AuthError,
        ClientError) so callers such as ``kg doctor`` can explain each one.
        """
        self._driver.verify_connectivity()
        self.read(PING)

    @property
    def dialect(self) -> Dialect:
        if self._dialect is None:  # asked through a statement, so a silent engine cannot hold the caller
            self._dialect = dialect_for_agent(self.read_transaction(lambda tx: tx.server_agent()))
        return self._dialect

    # -- transactions ----------------------------------------------------------

    def read(self, query: Cypher, **params: Any) -> list[dict[str, Any]]:
        """Run one read statement in a read transaction."""
        return self.read_transaction(lambda tx: tx.run(query, **params))

    def write(self, query: Cypher, **params: Any) -> list[dict[str, Any]]:
        """Run one write statement in a (retried) write transaction."""
        return self.write_transaction(lambda tx: tx.run(query, **params))

    def read_transaction(self, work: Callable[[Tx], T]) -> T:
        """Run ``work`` in a read transaction, again if a record vanished under it (difference 7)."""
        return self._transaction(work, write=False, timeout=self._read_timeout)

    def write_transaction(self, work: Callable[[Tx], T]) -> T:
        """Run ``work`` atomically; it may run more than once on transient errors,
        so it must not have side effects outside the transaction."""
        return self._transaction(work, write=True, timeout=self._timeout)

    def _transaction(self, work: Callable[[Tx], T], *, write: bool, timeout: float) -> T:
        """Run ``work`` in a transaction, tried again as the driver's managed transactions would be,
        but never past ``timeout`` seconds for an engine that does not answer.

        The retries are this layer's own, each attempt in a session of its own, so each
        can be given the time left (the driver's loop gives every attempt the full
        acquisition timeout, and a connection error after the deadline one more try):

        * an engine that cannot be reached (refused, connection lost) or asks to try again
          (a ``TransientError``): tried again until ``timeout`` seconds after the first
          failure, as the driver does (so a load rides out an engine restart), each
          attempt waiting for a connection no longer than the time left; then the last
          error is raised;
        * an engine that stops answering (:mod:`kg.liveness`): the call is cut at its
          deadline and ends with :class:`GraphUnavailable`, and later calls are refused
          at once until the engine answers a probe again.
        """
        began = time.monotonic()
        until: float | None = None  # no attempt after this: ``timeout`` after the first failure
        delays = _retry_delays()
        vanished = 0
        with self._liveness.watch(timeout) as call:
            while True:
                refused = call.cut or self._liveness.refusal(call)
                if refused:
                    raise GraphUnavailable(refused)
                acquisition = timeout if until is None else until - time.monotonic()
                try:
                    result = self._attempt(work, call, write=write, acquisition=max(acquisition, MIN_ATTEMPT))
                    self._liveness.answered()
                    return result
                except (DriverError, Neo4jError) as exc:
                    if call.cut:
                        unknown = " (the commit was sent: it may have been applied)" if isinstance(exc, IncompleteCommit) else ""
                        raise GraphUnavailable(f"{call.cut} (waited {time.monotonic() - began:.1f} s){unknown}") from exc
                    if isinstance(exc, ClientError) and exc.code == ENTITY_NOT_FOUND and not write:
                        vanished += 1
                        if vanished < READ_ATTEMPTS:
                            continue
                        raise
                    if not (exc.is_retryable() or isinstance(exc, ConnectionAcquisitionTimeoutError)):
                        raise
                    now = time.monotonic()
                    until = until or now + timeout
                    if until - now < MIN_ATTEMPT:
                        if isinstance(exc, ConnectionAcquisitionTimeoutError):  # not one the callers know as "unreachable"
                            raise GraphUnavailable(f"{self.connection.uri} did not give a connection within "
                                                   f"{timeout:.1f} s: {exc}") from exc
                        raise
                    time.sleep(min(next(delays), until - now - MIN_ATTEMPT))

    def _attempt(self, work: Callable[[Tx], T], call: Call, *, write: bool, acquisition: float) -> T:
        """One try of ``work`` in a new session, which the watchdog of ``call`` may cut."""
        session = self._driver.session(database=self.connection.database, connection_acquisition_timeout=acquisition,
                                       default_access_mode=WRITE_ACCESS if write else READ_ACCESS)
        call.session = session  # until the session has given its connection back (a rollback or reset waits too)
        try:
            with session, session.begin_transaction() as tx:
                result = work(Tx(tx))
                tx.commit()
            return result
        finally:
            call.session = None

    def counts(self) -> GraphCounts:
        def work(tx: Tx) -> GraphCounts:
            nodes = tx.run(COUNT_NODES)[0]["nodes"]
            rels = tx.run(COUNT_RELATIONSHIPS)[0]["relationships"]
            return GraphCounts(nodes=nodes, relationships=rels)

        return self.read_transaction(work)


def _retry_delays() -> Iterator[float]:
    """The waits between tries: the driver's policy (``neo4j``'s ``retry_delay_generator``)."""
    delay = RETRY_DELAY
    while True:
        yield delay * random.uniform(1 - RETRY_JITTER, 1 + RETRY_JITTER)
        delay *= RETRY_MULTIPLIER


def path_elements(value: Path | Iterable[Any]) -> list[Any]:
    """Nodes and relationships of a returned path, alternating, on either engine."""
    if isinstance(value, Path):
        out: list[Any] = [value.start_node]
        for rel in value.relationships:
            out.extend([rel, rel.end_node])
        return out
    return list(value)


def _checked(query: Cypher) -> Cypher:
    if not isinstance(query, Cypher):
        raise TypeError("the graph layer runs only kg.cypher.Cypher statements (lint-checked), not plain strings")
    return query

