"""Cypher text the code runs, kept apart from the code that runs it.

Every statement the package executes is a :class:`Cypher` value: the graph
access layer (:mod:`kg.graph`) refuses plain strings, and the linter test
collects every :class:`Cypher` defined in the project's modules and every file
in ``queries/`` and checks them with Neo4j's own Cypher linter. Values always
travel as parameters; the only text ever built is from labels and relationship
types that come from the ontology (see :func:`Cypher.template`).
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*((:[A-Za-z][A-Za-z0-9_]*)*|(\|[A-Za-z][A-Za-z0-9_]*)*)$")  # a name, labels joined by ':' or types by '|'


class Cypher(str):
    """A Cypher statement the project ships (a ``str`` tagged for the linter)."""

    __slots__ = ()

    @classmethod
    def template(cls, text: str, **names: str) -> Cypher:
        """Fill ``{placeholders}`` with label or relationship-type names only
        (``Actor:Organization:Contractor`` is accepted for a set of labels,
        ``SELLER|BUYER`` for alternative relationship types).

        Names are checked against a strict identifier pattern, so a value can
        never become Cypher: values go through parameters, always.
        """
        for key, name in names.items():
            if not _NAME.match(name):
                raise ValueError(f"not a Cypher identifier for {{{key}}}: {name!r}")
        return cls(text.format(**names))


# -- health and counts ------------------------------------------------------

PING = Cypher("RETURN 1 AS ok")

COUNT_NODES = Cypher("MATCH (n) RETURN count(n) AS nodes")

COUNT_RELATIONSHIPS = Cypher("MATCH ()-[r]->() RETURN count(r) AS relationships")


# -- whole-graph reads (export, status, tests) ---------------------------------

#: Nodes the graph derives from its claims (the deal linker's deals) or keeps beside them (analysts' judgements):
#: not stated by any source, so an export, which holds what sources state, leaves them out.
DERIVED_LABELS = ("Deal", "DealJudgement")
_NOT_DERIVED = " AND ".join(f"NOT {{node}}:{label}" for label in DERIVED_LABELS)

DUMP_NODES = Cypher("MATCH (n) WHERE " + _NOT_DERIVED.format(node="n") +
                    " RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")

DUMP_RELATIONSHIPS = Cypher(
    "MATCH (a)-[r]->(b) WHERE " + _NOT_DERIVED.format(node="a") + " AND " + _NOT_DERIVED.format(node="b") + " "
    "RETURN a.id AS start, labels(a) AS startLabels, type(r) AS type, b.id AS end, labels(b) AS endLabels, "
    "properties(r) AS props"
)

# -- sources: load and retract (kg.store) ----------------------------------------
# Templates take label and relationship-type names from the ontology only
# (Cypher.template checks them); every value is a parameter.

#: Which stored version of a source is visible: the node is recreated by every load that changes it.
SOURCE_VERSION = Cypher("MATCH (s:Source {id: $sourceId}) RETURN elementId(s) AS node, s.contentHash AS contentHash")

SOURCE_PROPS = Cypher("MATCH (s:Source {id: $sourceId}) RETURN labels(s) AS labels, properties(s) AS props")

# What retracting a source takes with it: its events, and the entities only its evidence mentions.
SOURCE_EVENT_COUNT = Cypher("MATCH (e:Event {sourceId: $sourceId}) RETURN count(e) AS events")

SOURCE_ONLY_ENTITY_COUNT = Cypher(
    "MATCH (:Evidence {sourceId: $sourceId})-[:MENTIONS]->(n) WITH DISTINCT n "
    "OPTIONAL MATCH (other:Evidence)-[:MENTIONS]->(n) WHERE other.sourceId <> $sourceId "
    "WITH n, count(other) AS elsewhere WHERE elsewhere = 0 RETURN count(n) AS entities"
)

DELETE_SOURCE = Cypher("MATCH (s:Source {id: $sourceId}) DETACH DELETE s")

CREATE_SOURCES = "UNWIND $rows AS row CREATE (s:{labels}) SET s = row.props"

#: Which of these sources the graph holds, and their content hashes (one read for a batch of new files).
SOURCE_HASHES = Cypher("UNWIND $ids AS id MATCH (s:Source {id: id}) RETURN s.id AS id, s.contentHash AS contentHash")

CLAIMS_OF_SOURCE = "MATCH (n:{root} {{sourceId: $sourceId}}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"

CLAIM_RELS_OF_SOURCE = (  # a claim's deal link is the linker's, not the source's: not part of what it states
    "MATCH (n:{root} {{sourceId: $sourceId}})-[r]->(m) WHERE NOT m:Deal "
    "RETURN n.id AS start, type(r) AS type, m.id AS end, properties(r) AS props"
)

DELETE_CLAIMS = "MATCH (n:{root} {{sourceId: $sourceId}}) DETACH DELETE n"

#: The entities a source backs: those its evidence mentions (found from the evidence by its indexed sourceId).
ENTITIES_BACKED_BY = "MATCH (:Evidence {{sourceId: $sourceId}})-[:MENTIONS]->(n:{root}) RETURN DISTINCT n.id AS id"

ENTITIES_BY_ID = "UNWIND $ids AS id MATCH (n:{root} {{id: id}}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"

#: The entity relationships a source states, as keys its Evidence nodes hold (kg.property_graph
#: STATED_RELATIONS), each with the ids of the evidence stating it: found from the source's evidence
#: by its indexed sourceId, not by reading every relationship for ``$sourceId IN r.sourceIds`` (a
#: scan that grew with the graph).
RELATIONS_STATED_BY = Cypher(
    "MATCH (ev:Evidence {sourceId: $sourceId}) UNWIND coalesce(ev.statesRelations, []) AS key "
    "RETURN key, collect(ev.id) AS evidenceIds"
)

# Entity relationships by their ends (each found by its id under its root label, so by index).
ENTITY_RELS_BY_ENDS = (
    "UNWIND $rows AS row MATCH (a:{start} {{id: row.start}})-[r:{type}]->(b:{end} {{id: row.end}}) "
    "RETURN a.id AS start, type(r) AS type, b.id AS end, properties(r) AS props"
)

#: Takes the source's id and its evidence (``row.evidenceIds``, as RELATIONS_STATED_BY reads them)
#: off each relationship it states. The evidence goes by its ids, not by a prefix built from the
#: source's id: an evidence id holds the source's id without ``source:``, and a prefix that assumed
#: otherwise matched nothing and left every shared relationship naming evidence the graph had lost.
RETRACT_ENTITY_RELS = (
    "UNWIND $rows AS row MATCH (a:{start} {{id: row.start}})-[r:{type}]->(b:{end} {{id: row.end}}) "
    "SET r.sourceIds = [s IN r.sourceIds WHERE s <> $sourceId], "
    "r.evidenceIds = [e IN r.evidenceIds WHERE NOT e IN row.evidenceIds]"
)

DELETE_UNBACKED_RELS = (
    "UNWIND $rows AS row MATCH (a:{start} {{id: row.start}})-[r:{type}]->(b:{end} {{id: row.end}}) "
    "WHERE r.sourceIds = [] DELETE r"
)

CREATE_CLAIMS = "UNWIND $rows AS row CREATE (n:{labels}) SET n = row.props"

CREATE_MISSING_ENTITIES = (
    "UNWIND $rows AS row OPTIONAL MATCH (existing:{root} {{id: row.id}}) "
    "WITH row, existing WHERE existing IS NULL CREATE (n:{labels}) SET n.id = row.id"
)

UPDATE_ENTITIES = "UNWIND $rows AS row MATCH (n:{root} {{id: row.id}}) SET n += row.props"

MERGE_VOCABULARY = "UNWIND $rows AS row MERGE (n:{labels} {{id: row.id}}) ON CREATE SET n.name = row.name"

CREATE_CLAIM_RELS = (
    "UNWIND $rows AS row MATCH (a:{start} {{id: row.start}}) MATCH (b:{end} {{id: row.end}}) "
    "CREATE (a)-[r:{type}]->(b) SET r = row.props"
)

MERGE_ENTITY_RELS = (
    "UNWIND $rows AS row MATCH (a:{start} {{id: row.start}}) MATCH (b:{end} {{id: row.end}}) "
    "MERGE (a)-[r:{type}]->(b) ON CREATE SET r.sourceIds = [], r.evidenceIds = [] "
    "SET r.sourceIds = r.sourceIds + row.sourceIds, r.evidenceIds = r.evidenceIds + row.evidenceIds"
)

ENTITY_MENTIONS = (
    "UNWIND $ids AS id MATCH (n:{root} {{id: id}}) "
    "OPTIONAL MATCH (e:Evidence)-[m:MENTIONS]->(n) "
    "RETURN n.id AS id, n.name AS name, labels(n) AS labels, count(e) AS mentions, collect(m.names) AS names, "
    "collect(m.typedAs) AS types"
)

SET_ENTITY_BACKING = (
    "UNWIND $rows AS row MATCH (n:{root} {{id: row.id}}) "
    "SET n.sourceName = row.sourceName, n.alias = row.alias, n.searchName = row.searchName"
)

DELETE_ENTITIES = "UNWIND $ids AS id MATCH (n:{root} {{id: id}}) DETACH DELETE n"

# Retyping an entity (kg.entity_types): the labels it gains, and those it loses. Separate
# statements, because the embedded engine refuses a REMOVE and a SET of labels on one node in
# one transaction (kg.graph difference 5).
ADD_LABELS = "UNWIND $ids AS id MATCH (n:{root} {{id: id}}) SET n:{labels}"

REMOVE_LABELS = "UNWIND $ids AS id MATCH (n:{root} {{id: id}}) REMOVE n:{labels}"


# -- REST API (kg.api) ------------------------------------------------------------

#: What the API's name index watches (kg.reads.name_index): a load or retraction changes these counts.
GRAPH_SIGNATURE = Cypher(
    "RETURN COUNT { MATCH (s:Source) } AS sources, COUNT { MATCH (e:Evidence) } AS evidence, "
    "COUNT { MATCH (a:Actor) } AS actors, COUNT { MATCH (w:WeaponSystem) } AS systems, COUNT { MATCH (p:Place) } AS places"
)

#: The names a path's end is matched against, lowercased (queries/shortest_connections.cypher).
_END_NAMES = "[k IN [{x}.name] + coalesce({x}.alias, []) + coalesce({x}.sourceName, []) | toLower(k)]"

#: Every entity's names, for the API's name index: those search ranks, and those a path's end matches.
#: One row of columns, as the path statements below return theirs: tens of thousands of entities
#: come in a fraction of the time of as many rows.
ENTITY_NAMES = Cypher(
    "MATCH (n:Actor|WeaponSystem|Place) "
    "WITH n, " + _END_NAMES.format(x="n") + " AS endNames "
    "RETURN [x IN collect([n.id]) | x[0]] AS ids, [x IN collect([n.name]) | x[0]] AS names, collect(labels(n)) AS labels, "
    "[x IN collect([n.searchName]) | x[0]] AS searchNames, collect(elementId(n)) AS nodes, collect(endNames) AS endNames"
)

#: Which of ``$values`` name an entity as the named queries match one (its id, or a name, alias or
#: source name in any case): the API's check of a name its snapshot of the names does not know.
NAMED_VALUES = Cypher(
    "MATCH (x:Actor|WeaponSystem|Place) "
    "WITH x, " + _END_NAMES.format(x="x") + " AS names "
    "UNWIND $values AS value "
    "WITH value, x, names WHERE x.id = value OR toLower(value) IN names "
    "RETURN DISTINCT value"
)

# -- entity names through Neo4j's full-text index (kg.reads.fulltext; kg.schema creates it) -----------

#: The full-text index of entities' normalised names (``searchName``), on engines that have one.
NAME_INDEX = "entityNames"

#: Up to ``$candidates`` entities whose names match the Lucene query ``$lucene``, best first by Lucene's score.
FULLTEXT_CANDIDATES = Cypher(
    "CALL db.index.fulltext.queryNodes('entityNames', $lucene, {limit: $candidates}) YIELD node "
    "WHERE $type IS NULL OR $type IN labels(node) "
    "RETURN node.id AS id, node.name AS name, labels(node) AS labels, node.searchName AS searchNames"
)

#: Entities of ``$type`` (any when null) in name order, one page: search without a text.
ENTITIES_BY_NAME = Cypher(
    "MATCH (n:Actor|WeaponSystem|Place) WHERE $type IS NULL OR $type IN labels(n) "
    "RETURN n.id AS id, n.name AS name, labels(n) AS labels, n.searchName AS searchNames "
    "ORDER BY toLower(coalesce(n.name, n.id)), n.id SKIP $offset LIMIT $limit"
)

#: Entities whose id starts with ``$prefix``: the suggestions for a mistyped id.
ENTITY_IDS_FROM = Cypher(
    "MATCH (n:Actor|WeaponSystem|Place) WHERE n.id STARTS WITH $prefix RETURN n.id AS id, n.name AS name"
)

#: Which of ``$values`` (maps of ``value`` and its normalised ``phrase``, null when it has none) name an
#: entity as the named queries match one: its id, or a name, alias or source name in any case. The
#: index finds the few entities a value can name, so no statement reads every entity.
FULLTEXT_NAMED_VALUES = Cypher(
    "UNWIND $values AS v "
    "CALL (v) { "
    "  UNWIND CASE WHEN v.phrase IS NULL THEN [] ELSE [v.phrase] END AS phrase "
    "  CALL db.index.fulltext.queryNodes('entityNames', phrase, {limit: $candidates}) YIELD node "
    "  RETURN node AS x "
    "  UNION MATCH (x:Actor {id: v.value}) RETURN x "
    "  UNION MATCH (x:WeaponSystem {id: v.value}) RETURN x "
    "  UNION MATCH (x:Place {id: v.value}) RETURN x "
    "} "
    "WITH v, x WHERE x.id = v.value OR toLower(v.value) IN " + _END_NAMES.format(x="x") + " "
    "RETURN DISTINCT v.value AS value"
)

# The parts hang off the entity as COLLECT/COUNT subqueries, never OPTIONAL MATCH: the
# embedded engine plans an OPTIONAL MATCH after a label-disjunction MATCH as a scan
# (difference 8 in kg.graph). A hub is named by tens of thousands of sentences in as many
# sources, so the detail carries the first ``$evidence_limit`` of each (sentences by id,
# sources by id) and their counts; ENTITY_EVIDENCE pages on through the sentences.
_EVIDENCE_MAP = (
    "{id: ev.id, sentence: ev.sentence, startOffset: ev.startOffset, endOffset: ev.endOffset, method: ev.method, "
    "confidence: ev.confidence, sourceId: ev.sourceId, sourceTitle: src.title, publicationDate: src.publicationDate, url: src.url}"
)
ENTITY_DETAIL = Cypher(
    "MATCH (n:Actor|WeaponSystem|Place {id: $id}) "
    "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props, "
    "COLLECT { MATCH (p:Post)-[:HOLDER]->(n) OPTIONAL MATCH (p)-[:POST_IN]->(o) "
    "RETURN p {.id, .title, .startDate, .endDate, .sourceId, organization: o.id, organizationName: o.name} AS post } AS posts, "
    "COLLECT { MATCH (n)-[r]->(m) WHERE r.sourceIds IS NOT NULL "
    "RETURN {type: type(r), direction: 'out', id: m.id, name: m.name, sourceIds: r.sourceIds} AS relation "
    "UNION ALL MATCH (n)<-[r]-(m) WHERE r.sourceIds IS NOT NULL "
    "RETURN {type: type(r), direction: 'in', id: m.id, name: m.name, sourceIds: r.sourceIds} AS relation } AS relations, "
    "COLLECT { MATCH (ev:Evidence)-[:MENTIONS]->(n) WITH DISTINCT ev.sourceId AS s ORDER BY s LIMIT $evidence_limit RETURN s } AS sources, "
    # size(COLLECT {DISTINCT}), not COUNT {DISTINCT}: the embedded engine runs it about three times faster on a hub.
    "size(COLLECT { MATCH (ev:Evidence)-[:MENTIONS]->(n) RETURN DISTINCT ev.sourceId AS s }) AS sourceTotal, "
    "COUNT { (:Evidence)-[:MENTIONS]->(n) } AS evidenceTotal, "
    "COLLECT { MATCH (ev:Evidence)-[:MENTIONS]->(n) WITH ev ORDER BY ev.id LIMIT $evidence_limit "
    "OPTIONAL MATCH (ev)-[:FROM_SOURCE]->(src:Source) RETURN " + _EVIDENCE_MAP + " AS evidence } AS evidence"
)

#: The sentences that name an entity, by evidence id, after ``$after`` (keyset paging:
#: the embedded engine refuses an ORDER BY that skips thousands of rows).
ENTITY_EVIDENCE = Cypher(
    "MATCH (n:Actor|WeaponSystem|Place {id: $id}) "
    "MATCH (ev:Evidence)-[:MENTIONS]->(n) WHERE $after IS NULL OR ev.id > $after "
    "WITH ev ORDER BY ev.id LIMIT $limit "
    "OPTIONAL MATCH (ev)-[:FROM_SOURCE]->(src:Source) "
    "RETURN " + _EVIDENCE_MAP + " AS evidence ORDER BY evidence.id"
)

# Nodes are found by id under their labels: an unlabelled ``(n {id: $id})`` scans every
# node (no index covers it), which at a million facts costs hundreds of milliseconds.
# The neighbourhood grows a hop at a time (breadth first, so a truncated answer keeps the
# nearest edges), each hop a COLLECT subquery of at most $limit new edges: one pattern of
# 1..depth hops enumerates every path around a hub, and the embedded engine plans an
# expansion after a label-disjunction MATCH as a scan (difference 8 in kg.graph).
_HOP = (
    "WITH frontier, reached, found, COLLECT { UNWIND frontier AS f MATCH (f)-[r]-(x) "
    "WHERE NOT x:Evidence AND NOT x:Source AND ($types IS NULL OR type(r) IN $types) AND NOT r IN found "
    "RETURN DISTINCT r LIMIT $limit } AS step "
    "WITH reached, found + step AS found, "
    "reduce(acc = [], r IN step | CASE WHEN startNode(r) IN frontier THEN acc + endNode(r) ELSE acc + startNode(r) END) AS far "
    "WITH found, reached, reduce(acc = [], x IN far | CASE WHEN x IN reached OR x IN acc THEN acc ELSE acc + x END) AS frontier "
    "WITH found, reached + frontier AS reached, frontier "
)


def _neighborhood(hops: int) -> Cypher:
    return Cypher(
        "MATCH (n:Actor|WeaponSystem|Place|Event {id: $id}) "
        "WITH n, [n] AS frontier, [n] AS reached, [] AS found "
        + _HOP * hops
        + "UNWIND found AS r "
        "WITH r LIMIT $limit "
        "WITH r, startNode(r) AS a, endNode(r) AS b "
        # a deal is named by dealName: drawn next to its claims, it reads as its name, not its id
        "RETURN a.id AS source, labels(a) AS sourceLabels, coalesce(a.name, a.dealName) AS sourceName, type(r) AS type, "
        "b.id AS target, labels(b) AS targetLabels, coalesce(b.name, b.dealName) AS targetName, b.date AS targetDate, "
        "a.date AS sourceDate"
    )


NEIGHBORHOOD_1 = _neighborhood(1)
NEIGHBORHOOD_2 = _neighborhood(2)
NEIGHBORHOOD_3 = _neighborhood(3)
#: The neighbourhood query for each depth the API allows.
NEIGHBORHOOD = {1: NEIGHBORHOOD_1, 2: NEIGHBORHOOD_2, 3: NEIGHBORHOOD_3}

EXISTS_NODE = Cypher("MATCH (n:Actor|WeaponSystem|Place|Event {id: $id}) RETURN labels(n) AS labels LIMIT 1")

EVENT_DETAIL = Cypher(
    "MATCH (e:Event {id: $id}) "
    # the deal it tells (at most one), carried through as a one-item list so that every WITH keeps one row
    "OPTIONAL MATCH (e)-[:TELLS_DEAL]->(told:Deal) "
    "WITH e, collect(CASE WHEN told IS NULL THEN NULL ELSE {id: told.id, name: told.dealName} END) AS deals "
    "OPTIONAL MATCH (e)-[r]->(a:Actor) "
    "WITH e, deals, collect(CASE WHEN a IS NULL THEN NULL ELSE {role: toLower(type(r)), id: a.id, name: a.name, labels: labels(a)} END) AS participants "
    "OPTIONAL MATCH (e)-[:INVOLVES_SYSTEM]->(s:WeaponSystem) "
    "WITH e, deals, participants, collect(CASE WHEN s IS NULL THEN NULL ELSE {id: s.id, name: s.name} END) AS systems "
    "OPTIONAL MATCH (e)-[:LOCATION]->(pl:Place) "
    "WITH e, deals, participants, systems, collect(CASE WHEN pl IS NULL THEN NULL ELSE {id: pl.id, name: pl.name} END) AS places "
    "OPTIONAL MATCH (e)-[:PART_OF]->(deal:Event) "
    "WITH e, deals, participants, systems, places, collect(CASE WHEN deal IS NULL THEN NULL ELSE {id: deal.id, labels: labels(deal), date: deal.date} END) AS partOf "
    "OPTIONAL MATCH (stage:Event)-[:PART_OF]->(e) "
    "WITH e, deals, participants, systems, places, partOf, collect(CASE WHEN stage IS NULL THEN NULL ELSE {id: stage.id, labels: labels(stage), date: stage.date, amount: stage.amount, currency: stage.currency} END) AS stages "
    "OPTIONAL MATCH (e)-[:EVIDENCED_BY]->(ev:Evidence)-[:FROM_SOURCE]->(src:Source) "
    "RETURN e.id AS id, labels(e) AS labels, properties(e) AS props, deals, participants, systems, places, partOf, stages, "
    "collect({id: ev.id, sentence: ev.sentence, startOffset: ev.startOffset, endOffset: ev.endOffset, "
    "method: ev.method, confidence: ev.confidence, sourceId: src.id, sourceTitle: src.title, "
    "publicationDate: src.publicationDate, url: src.url}) AS evidence"
)

SOURCES_PAGE = Cypher(
    "MATCH (s:Source) "
    "RETURN s.id AS id, labels(s) AS labels, s.title AS title, s.publicationDate AS publicationDate, "
    "s.outletName AS outlet, s.url AS url, COUNT { (e:Event {sourceId: s.id}) } AS events "
    "ORDER BY s.id SKIP $skip LIMIT $limit"
)

# One statement, so a reader sees one committed state of the source, never half of a reload.
SOURCE_DETAIL = Cypher(
    "MATCH (s:Source {id: $id}) "
    "OPTIONAL MATCH (e:Event {sourceId: s.id})-[:EVIDENCED_BY]->(ev:Evidence) "
    "WITH s, collect(CASE WHEN e IS NULL THEN NULL ELSE {id: e.id, labels: labels(e), date: e.date, amount: e.amount, "
    "currency: e.currency, description: e.description, sentence: ev.sentence} END) AS events "
    "OPTIONAL MATCH (p:Post {sourceId: s.id})-[:HOLDER]->(h) "
    "WITH s, events, collect(CASE WHEN p IS NULL THEN NULL ELSE {id: p.id, title: p.title, holder: h.id} END) AS posts "
    # the entity relationships it states, as its Evidence nodes name them (kg.property_graph.STATED_RELATIONS)
    "WITH s, events, posts, COLLECT { MATCH (k:Evidence {sourceId: s.id}) UNWIND coalesce(k.statesRelations, []) AS key "
    "RETURN DISTINCT key } AS relationKeys "
    "OPTIONAL MATCH (m:Evidence {sourceId: s.id})-[mention:MENTIONS]->(x) "
    "RETURN s.id AS id, labels(s) AS labels, properties(s) AS props, events, posts, relationKeys, "
    "collect(DISTINCT CASE WHEN x IS NULL THEN NULL ELSE {id: x.id, name: x.name, labels: labels(x)} END) AS entities"
)


# The posts held in an entity or in an organisation inside it (SUB_ORGANIZATION_OF, at any depth
# up to 4, as queries/officials_of_state.cypher walks), each post (one source's claim) with its
# holder, its source and its sentences; kg.reads.officials filters them by date. Walked from
# the entity inside COLLECT (kg.graph difference 8); DISTINCT, since two chains of
# sub-organisations can reach one post.
OFFICIALS = Cypher(
    "MATCH (target:Actor|WeaponSystem|Place {id: $id}) "
    "RETURN target.id AS id, target.name AS name, "
    "COLLECT { MATCH (target)<-[:SUB_ORGANIZATION_OF*0..4]-(org:Actor)<-[:POST_IN]-(post:Post)-[:HOLDER]->(person:Person) "
    "WITH DISTINCT post, org, person "
    "OPTIONAL MATCH (post)-[:EVIDENCED_BY]->(ev:Evidence) "
    "OPTIONAL MATCH (ev)-[:FROM_SOURCE]->(src:Source) "
    "WITH post, org, person, collect(" + _EVIDENCE_MAP + ") AS evidence "
    "OPTIONAL MATCH (source:Source {id: post.sourceId}) "
    "RETURN {id: post.id, title: post.title, startDate: post.startDate, endDate: post.endDate, "
    "organization: org.id, organizationName: org.name, person: person.id, personName: person.name, "
    "sourceId: post.sourceId, sourceTitle: source.title, publicationDate: source.publicationDate, evidence: evidence} AS post "
    "} AS posts"
)


# -- shortest connections, from both ends (kg.engines.arcadedb.paths) ----------------------------------
# Templates take {types}, the relationship types a connection may use (from the ontology).
# Nodes travel between these statements as element ids: looking one up by element id is
# direct, and reading ``n.id`` on every row would read every record (kg.graph difference 8).
# Statements that can find thousands of rows return one row of columns (``collect``) instead:
# the embedded engine sends each record in a message of its own, which made rows about four
# times slower than lists (BENCHMARKS.md, "Paths with 8 clients"). ``collect`` skips nulls, so a
# column that may hold one is collected wrapped (``[x IN collect([v]) | x[0]]``).

#: Nodes a connection never passes through: they would connect everything.
NOT_ON_PATHS = ("Evidence", "Source", "WeaponCategory", "Deal", "DealJudgement")
_NOT_ON_PATHS = " AND ".join(f"NOT {{node}}:{label}" for label in NOT_ON_PATHS)

#: Both ends, resolved in one pass as in queries/shortest_connections.cypher, with their relationship counts.
PATH_ENDS = (
    "CALL () {{ "
    "MATCH (x:Actor|WeaponSystem|Place) "
    "WITH x, " + _END_NAMES.format(x="x") + " AS names "
    "RETURN collect(CASE WHEN x.id = $from OR toLower($from) IN names THEN x END) AS froms, "
    "collect(CASE WHEN x.id = $to OR toLower($to) IN names THEN x END) AS tos "
    "}} "
    "UNWIND froms + tos AS x "
    "WITH DISTINCT x, froms, tos "
    "RETURN elementId(x) AS node, x IN froms AS isFrom, x IN tos AS isTo, COUNT {{ (x)-[:{types}]-() }} AS degree"
)

#: The same for the entities a snapshot of the names says the ends are: each read directly, and
#: checked against the ends as PATH_ENDS checks every entity (any of them may be gone or renamed).
PATH_KNOWN_ENDS = (
    "UNWIND $nodes AS node MATCH (x) WHERE elementId(x) = node AND (x:Actor OR x:WeaponSystem OR x:Place) "
    "WITH x, " + _END_NAMES.format(x="x") + " AS names "
    "RETURN elementId(x) AS node, x.id = $from OR toLower($from) IN names AS isFrom, "
    "x.id = $to OR toLower($to) IN names AS isTo, COUNT {{ (x)-[:{types}]-() }} AS degree"
)

#: How many relationships growing these nodes by one level would read, counted up to ``$cap``:
#: a level with a hub has hundreds of thousands, and both engines stop a pipeline at its LIMIT.
PATH_GROW_SIZE = (
    "UNWIND $nodes AS node MATCH (n) WHERE elementId(n) = node "
    "MATCH (n)-[r:{types}]-() WITH r LIMIT $cap "
    "RETURN count(r) AS relationships"
)

#: Relationships ``r`` from level nodes ``n`` (element id ``node``) to nodes ``m``, as the columns
#: kg.engines.arcadedb.paths reads: each relationship's start node, other node, type, and whether it starts at ``n``.
_LEVEL_COLUMNS = (
    "RETURN collect(node) AS parents, collect(elementId(m)) AS children, collect(type(r)) AS types, "
    "collect(startNode(r) = n) AS forward"
)

#: One breadth-first level: every relationship from these nodes to a node a connection may pass.
PATH_GROW = (
    "UNWIND $nodes AS node MATCH (n) WHERE elementId(n) = node "
    "MATCH (n)-[r:{types}]-(m) WHERE " + _NOT_ON_PATHS.format(node="m") + " " + _LEVEL_COLUMNS
)


#: The relationships from the nodes of one end's last level to those of the other's: where they
#: meet when they are one hop apart. ``$targets`` maps each of the other's nodes to true: the
#: embedded engine tests ``IN`` a list item by item, which over 2,000 seeds' relationships and
#: as many targets took seconds; a map answers at once.
PATH_PROBE = (
    "UNWIND $seeds AS node MATCH (n) WHERE elementId(n) = node "
    "MATCH (n)-[r:{types}]-(m) WHERE $targets[elementId(m)] IS NOT NULL " + _LEVEL_COLUMNS
)


#: The walks of two relationships from one end (``$seed``) to the other end's last level: the
#: first hop as ``parents``/``children``/``types``/``forward`` from the seed, the second as
#: ``ends``/``types2``/``forward2`` from the middle node.
PATH_PROBE_2 = (
    "MATCH (g) WHERE elementId(g) = $seed "
    "MATCH (g)-[r1:{types}]-(n1)-[r2:{types}]-(n2) WHERE $targets[elementId(n2)] IS NOT NULL AND "
    + _NOT_ON_PATHS.format(node="n1") + " "
    "RETURN collect($seed) AS parents, collect(elementId(n1)) AS children, collect(type(r1)) AS types, "
    "collect(startNode(r1) = g) AS forward, collect(elementId(n2)) AS ends, collect(type(r2)) AS types2, "
    "collect(startNode(r2) = n1) AS forward2"
)


#: What a path shows of each node: the named query's id, name and labels.
PATH_NODES = Cypher(
    "UNWIND $nodes AS node MATCH (n) WHERE elementId(n) = node "
    "WITH node, n, coalesce(n.name, n.title, [l IN labels(n) WHERE l <> 'Event'][0] + coalesce(' ' + n.date, '')) AS name "
    "RETURN collect(node) AS nodes, [x IN collect([n.id]) | x[0]] AS ids, collect(labels(n)) AS labels, "
    "[x IN collect([name]) | x[0]] AS names"
)


# -- benchmarks (kg.bench) -------------------------------------------------------------

BENCH_ACTORS = Cypher("MATCH (n:Actor) RETURN n.id AS id, n.name AS name, labels(n) AS labels")

#: What rdflib-neo4j wrote: one :Resource node per IRI (its own label, not the ontology's).
BENCH_RESOURCES = Cypher("MATCH (r:Resource) RETURN count(r) AS resources")

BENCH_GRAPH_SIZE = Cypher(
    "CALL () { MATCH (e:Event) RETURN count(e) AS events } "
    "CALL () { MATCH (a:Actor) RETURN count(a) AS actors } "
    "CALL () { MATCH (s:Source) RETURN count(s) AS sources } "
    "RETURN events, actors, sources"
)


# -- extraction (loaders.extraction) -------------------------------------------------

#: Every entity's names, for the extractor's gazetteer: what the graph knows is recognised in new text.
GAZETTEER_ENTITIES = Cypher(
    "MATCH (n) WHERE n:Actor OR n:WeaponSystem OR n:Place "
    "RETURN n.id AS id, n.name AS name, labels(n) AS labels, coalesce(n.alias, []) + coalesce(n.sourceName, []) AS aliases"
)


# -- deals: the linker's deals and analysts' judgements (kg.deal_store) -----------------

#: The deals the claims of these sources tell (read before a source is replaced or unloaded: its claims' links go with it).
DEALS_OF_SOURCES = Cypher(
    "UNWIND $ids AS sid MATCH (:Event {sourceId: sid})-[:TELLS_DEAL]->(d:Deal) RETURN DISTINCT sid AS source, d.id AS id"
)

#: The deals of these claims.
DEALS_OF_CLAIMS = Cypher(
    "UNWIND $ids AS id MATCH (:Event {id: id})-[:TELLS_DEAL]->(d:Deal) RETURN DISTINCT d.id AS id"
)

#: The deals for any of these recipients (a new claim can only join a deal of its recipient).
DEALS_OF_RECIPIENTS = Cypher(
    "UNWIND $ids AS id MATCH (:Actor {id: id})<-[:DEAL_RECIPIENT]-(d:Deal) RETURN DISTINCT d.id AS id"
)

#: Every link of these deals, with the compared fields of its claim. The pattern starts at the deal, found by
#: id: ArcadeDB plans from the first node, and (e:Event)-[...]->(d:Deal {id: id}) scanned every event per id.
LINKS_OF_DEALS = Cypher(
    "UNWIND $ids AS id MATCH (d:Deal {id: id})<-[r:TELLS_DEAL]-(e:Event) "
    "RETURN e.id AS claim, d.id AS deal, r.linkScore AS score, r.linkReason AS reasons, r.dealStage AS stage, "
    "r.claimFeatures AS features"
)

#: Which claims of these ids are in the graph, and whether each tells a deal.
CLAIMS_AND_DEALS = Cypher(
    "UNWIND $ids AS id MATCH (e:Event {id: id}) OPTIONAL MATCH (e)-[:TELLS_DEAL]->(d:Deal) "
    "RETURN e.id AS claim, d.id AS deal"
)

DELETE_DEALS = Cypher("UNWIND $ids AS id MATCH (d:Deal {id: id}) DETACH DELETE d")

CREATE_DEALS = Cypher("UNWIND $rows AS row CREATE (d:Deal) SET d = row.props")

LINK_CLAIMS = Cypher(
    "UNWIND $rows AS row MATCH (e:Event {id: row.claim}) MATCH (d:Deal {id: row.deal}) "
    "CREATE (e)-[r:TELLS_DEAL]->(d) SET r = row.props"
)

DEAL_RECIPIENTS = Cypher(
    "UNWIND $rows AS row MATCH (d:Deal {id: row.deal}) MATCH (a:Actor {id: row.end}) CREATE (d)-[:DEAL_RECIPIENT]->(a)"
)
DEAL_SUPPLIERS = Cypher(
    "UNWIND $rows AS row MATCH (d:Deal {id: row.deal}) MATCH (a:Actor {id: row.end}) CREATE (d)-[:DEAL_SUPPLIER]->(a)"
)
DEAL_CONTRACTORS = Cypher(
    "UNWIND $rows AS row MATCH (d:Deal {id: row.deal}) MATCH (a:Actor {id: row.end}) CREATE (d)-[:DEAL_CONTRACTOR]->(a)"
)
DEAL_SYSTEMS = Cypher(
    "UNWIND $rows AS row MATCH (d:Deal {id: row.deal}) MATCH (w:WeaponSystem {id: row.end}) "
    "CREATE (d)-[:DEAL_SYSTEM]->(w)"
)

#: Names of the parties and systems a deal's name is made from.
NAMES_OF = Cypher(
    "UNWIND $ids AS id MATCH (n:Actor|WeaponSystem {id: id}) RETURN n.id AS id, n.name AS name"
)

ALL_JUDGEMENTS = Cypher("MATCH (j:DealJudgement) RETURN properties(j) AS props ORDER BY j.claimA, j.claimB")

JUDGEMENTS_OF_CLAIMS = Cypher(
    "UNWIND $ids AS id MATCH (j:DealJudgement) WHERE j.claimA = id OR j.claimB = id "
    "RETURN DISTINCT properties(j) AS props"
)

SAVE_JUDGEMENT = Cypher("MERGE (j:DealJudgement {id: $id}) SET j = $props")

DELETE_JUDGEMENT = Cypher("MATCH (j:DealJudgement {id: $id}) DELETE j")


# -- deals as the API reads them (kg.reads.deals) -------------------------------------------

#: Every deal's node, or those of ``$ids``: what a list of deals filters, orders and pages.
ALL_DEALS = Cypher("MATCH (d:Deal) RETURN properties(d) AS props")

DEALS_BY_ID = Cypher("UNWIND $ids AS id MATCH (d:Deal {id: id}) RETURN properties(d) AS props")

#: Which entities the values name as /sales matches them (id, or a name, alias or source name in any
#: case): one pass over actors and systems, as queries/arms_sales.cypher makes.
NAMED_IDS = Cypher(
    "MATCH (x:Actor|WeaponSystem) "
    "WITH x, " + _END_NAMES.format(x="x") + " AS names "
    "UNWIND $values AS value "
    "WITH value, x, names WHERE x.id = value OR toLower(value) IN names "
    "RETURN DISTINCT value, x.id AS id"
)

#: The deals these actors are a party of, and how (DEAL_RECIPIENT, DEAL_SUPPLIER, DEAL_CONTRACTOR).
DEALS_OF_ACTORS = Cypher(
    "UNWIND $ids AS id MATCH (:Actor {id: id})<-[r:DEAL_RECIPIENT|DEAL_SUPPLIER|DEAL_CONTRACTOR]-(d:Deal) "
    "RETURN DISTINCT id AS party, type(r) AS role, d.id AS deal"
)

#: The deals of these weapon systems.
DEALS_OF_SYSTEMS = Cypher(
    "UNWIND $ids AS id MATCH (:WeaponSystem {id: id})<-[:DEAL_SYSTEM]-(d:Deal) "
    "RETURN DISTINCT id AS party, 'DEAL_SYSTEM' AS role, d.id AS deal"
)

#: The parties and systems of these deals, with their names.
PARTIES_OF_DEALS = Cypher(
    "UNWIND $ids AS id MATCH (d:Deal {id: id})-[r:DEAL_RECIPIENT|DEAL_SUPPLIER|DEAL_CONTRACTOR|DEAL_SYSTEM]->(x) "
    "RETURN d.id AS deal, type(r) AS role, x.id AS id, x.name AS name"
)

#: Each claim of these deals with its link (score, reasons, stage, compared fields), its first evidence
#: sentence and its source (the publication date is what "as of" compares).
CLAIMS_OF_DEALS = Cypher(
    "UNWIND $ids AS id MATCH (d:Deal {id: id})<-[r:TELLS_DEAL]-(e:Event) "
    "RETURN d.id AS deal, e.id AS claim, r.linkScore AS score, r.linkReason AS reasons, r.dealStage AS stage, "
    "r.claimFeatures AS features, "
    "COLLECT { MATCH (e)-[:EVIDENCED_BY]->(ev:Evidence) RETURN ev.sentence AS sentence ORDER BY ev.id LIMIT 1 } AS sentences, "
    "COLLECT { MATCH (s:Source {id: e.sourceId}) "
    "RETURN {id: s.id, title: s.title, publicationDate: s.publicationDate, url: s.url, outlet: s.outletName} AS s } AS sources"
)

#: The organisations each of these one continues or belongs to (former name RENAMED_TO the current one,
#: a subsidiary SUBSIDIARY_OF its parent, at any depth the lineage has): one party when claims disagree.
LINEAGE_OF = Cypher(
    "UNWIND $ids AS id MATCH (:Actor {id: id})-[:RENAMED_TO|SUBSIDIARY_OF*1..6]->(up:Actor) "
    "RETURN DISTINCT id, up.id AS up"
)

#: Which of these names name a news outlet: a media outlet's name or alias, or the outlet a source gives.
OUTLET_NAMES = Cypher(
    "UNWIND $names AS name "
    "WITH name WHERE EXISTS { MATCH (m:MediaOutlet) WHERE toLower(m.name) = toLower(name) "
    "OR toLower(name) IN [a IN coalesce(m.alias, []) | toLower(a)] } "
    "OR EXISTS { MATCH (s:Source) WHERE toLower(s.outletName) = toLower(name) } "
    "RETURN name"
)
