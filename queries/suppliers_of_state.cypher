// Suppliers of a state
// description: Who supplied a state, what and when: every seller, supplier or contractor of an event (sale, approval, contract award, delivery, delay ...) whose buyer or recipient is the state, directly or through the deal the event is part of; one row per recipient, supplier and event, with the systems, value, status and source. Blocked and delayed supplies are included: read type and status. The state is a canonical id or a name (state:TW, Taiwan), matched case-insensitively; null lists the suppliers of every state. Dates are partial ISO strings; an event is kept when its date overlaps the period (undated events are left out once from or to is set).
// param state: entity = null -- the receiving state (or other actor): canonical id or name; null for every state
// param from: date = null -- earliest date, YYYY, YYYY-MM or YYYY-MM-DD; null for no lower bound
// param to: date = null -- latest date, YYYY, YYYY-MM or YYYY-MM-DD; null for no upper bound
// param limit: integer = 100 -- at most this many rows
// example: :param {state: 'state:TW', from: null, to: null, limit: 100}
// example: :param {state: 'Taiwan', from: '2025', to: null, limit: 100}
MATCH (e:Event)-[:PART_OF*0..3]->(deal:Event)-[:BUYER|RECIPIENT]->(recipient:Actor)
WHERE ($state IS NULL OR recipient.id = $state OR toLower(recipient.name) = toLower($state)
       OR any(n IN coalesce(recipient.alias, []) + coalesce(recipient.sourceName, []) WHERE toLower(n) = toLower($state)))
  AND ($from IS NULL OR left(e.date, size($from)) >= left($from, size(e.date)))
  AND ($to IS NULL OR left(e.date, size($to)) <= left($to, size(e.date)))
WITH DISTINCT e, recipient
MATCH (e)-[r:SELLER|SUPPLIER|CONTRACTOR]->(party:Actor)
WHERE party <> recipient
WITH e, recipient, party, r
ORDER BY type(r)
WITH e, recipient, party, collect(DISTINCT type(r)) AS roles
RETURN recipient.id AS state,
       recipient.name AS stateName,
       party.id AS supplier,
       party.name AS supplierName,
       roles,
       e.id AS event,
       [l IN labels(e) WHERE l <> 'Event'][0] AS type,
       e.date AS date,
       e.status AS status,
       e.modality AS modality,
       COLLECT {
         MATCH (e)-[:PART_OF*0..3]->(:Event)-[:INVOLVES_SYSTEM]->(w:WeaponSystem)
         RETURN DISTINCT {id: w.id, name: w.name} AS x ORDER BY x.id
       } AS systems,
       e.amount AS value,
       e.currency AS currency,
       e.quantity AS quantity,
       [(e)-[:PART_OF]->(d:Event) | d.id] AS partOf,
       e.sourceId AS sourceId
ORDER BY state, supplier, coalesce(date, ''), event
LIMIT toInteger($limit)
