// Actor timeline
// description: An actor's events in date order, whatever its role (buyer, seller, contractor, speaker, host, target, subject ...): one row per actor and event with the actor's roles, the event type, date, status, value, the other participants, the systems, the description and the source. The actor is a canonical id or a name (person:wellington-koo, Taiwan), matched case-insensitively; null gives the timeline of every actor. type is an event label such as ArmsSale, ContractAward, Statement or Visit (case-insensitive). Dates are partial ISO strings; an event is kept when its date overlaps the period, undated events come last and are left out once from or to is set.
// param actor: entity = null -- the actor: canonical id or name; null for every actor
// param from: date = null -- earliest date, YYYY, YYYY-MM or YYYY-MM-DD; null for no lower bound
// param to: date = null -- latest date, YYYY, YYYY-MM or YYYY-MM-DD; null for no upper bound
// param type: string = null -- event type label (ArmsSale, SaleApproval, ContractAward, Delivery, Delay, ExportBlock, Visit, Statement, MilitaryActivity, CoProduction, OtherEvent); null for any
// param limit: integer = 200 -- at most this many rows
// example: :param {actor: 'state:TW', from: null, to: null, type: null, limit: 200}
// example: :param {actor: 'Taiwan', from: '2025-11', to: '2025-11', type: 'ArmsSale', limit: 200}
MATCH (e:Event)-[r]->(a:Actor)
WHERE ($actor IS NULL OR a.id = $actor OR toLower(a.name) = toLower($actor)
       OR any(n IN coalesce(a.alias, []) + coalesce(a.sourceName, []) WHERE toLower(n) = toLower($actor)))
  AND ($type IS NULL OR any(l IN labels(e) WHERE toLower(l) = toLower($type)))
  AND ($from IS NULL OR left(e.date, size($from)) >= left($from, size(e.date)))
  AND ($to IS NULL OR left(e.date, size($to)) <= left($to, size(e.date)))
WITH a, e, r
ORDER BY type(r)
WITH a, e, collect(DISTINCT type(r)) AS roles
RETURN a.id AS actor,
       a.name AS actorName,
       e.date AS date,
       [l IN labels(e) WHERE l <> 'Event'][0] AS type,
       roles,
       e.id AS event,
       e.status AS status,
       e.modality AS modality,
       e.amount AS value,
       e.currency AS currency,
       COLLECT {
         MATCH (e)-[o]->(other:Actor)
         WHERE other <> a
         RETURN {role: type(o), id: other.id, name: other.name} AS x ORDER BY x.role, x.id
       } AS others,
       COLLECT {
         MATCH (e)-[:INVOLVES_SYSTEM]->(w:WeaponSystem)
         RETURN w.id AS x ORDER BY x
       } AS systems,
       e.description AS description,
       e.quote AS quote,
       e.sourceId AS sourceId,
       head(COLLECT {
         MATCH (e)-[:EVIDENCED_BY]->(:Evidence)-[:FROM_SOURCE]->(src:Source)
         RETURN DISTINCT src.title AS x ORDER BY x
       }) AS sourceTitle
ORDER BY actor, CASE WHEN date IS NULL THEN 1 ELSE 0 END, date, event
LIMIT toInteger($limit)
