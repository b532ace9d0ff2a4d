// Arms sales
// description: Arms sales (ArmsSale events, each the claim of one source) filtered by buyer or recipient, seller or supplier, weapon system, contractor, period and minimum value, with their stages (approvals, contract awards, deliveries, delays: events PART_OF the sale), the export blocks that stopped them, participants, systems, value, sources and evidence sentences. Actors and systems are given as a canonical id (state:TW) or as a name, alias or name a source used (Taiwan, Taipei), matched case-insensitively. Dates are partial ISO strings; a sale is kept when its date overlaps the period, and undated sales are left out once from or to is set. Newest first, undated last.
// param buyer: entity = null -- buyer or recipient: canonical id or name (state:TW, Taiwan); null for any
// param seller: entity = null -- seller or supplier: canonical id or name (state:US, United States); null for any
// param system: entity = null -- weapon system of the sale or of one of its stages: id or name (system:nasams, NASAMS); null for any
// param contractor: entity = null -- contractor on the sale or on a contract award that is part of it: id or name (contractor:rtx, RTX); null for any
// param from: date = null -- earliest date, YYYY, YYYY-MM or YYYY-MM-DD; null for no lower bound
// param to: date = null -- latest date, YYYY, YYYY-MM or YYYY-MM-DD; null for no upper bound
// param min_value: float[0..1e15] = null -- smallest amount, in the sale's own currency; null for any (sales without an amount are then left out)
// param limit: integer = 50 -- at most this many sales
// example: :param {buyer: 'state:TW', seller: null, system: null, contractor: null, from: null, to: null, min_value: null, limit: 50}
// example: :param {buyer: 'Taiwan', seller: 'United States', system: 'NASAMS', contractor: 'RTX', from: '2025', to: '2025-12', min_value: 500000000.0, limit: 50}
// Names are resolved in one pass over actors and systems (no index serves case-insensitive names
// and aliases). The sales are walked to from the entities of the first filter given (buyer,
// seller, system, contractor, in that order); each later filter given is a pattern tested from
// those sales only. Sales stay nodes from the walk on: matched again by id under :ArmsSale, which
// has no index of its own on Neo4j (the id index is on :Event), each would scan every sale.
CALL () {
  MATCH (x:Actor|WeaponSystem)
  WITH x, [n IN [x.name] + coalesce(x.alias, []) + coalesce(x.sourceName, []) | toLower(n)] AS names
  RETURN collect(CASE WHEN x:Actor AND (x.id = $buyer OR toLower($buyer) IN names) THEN x END) AS buyers,
         collect(CASE WHEN x:Actor AND (x.id = $seller OR toLower($seller) IN names) THEN x END) AS sellers,
         collect(CASE WHEN x:WeaponSystem AND (x.id = $system OR toLower($system) IN names) THEN x END) AS systems,
         collect(CASE WHEN x:Actor AND (x.id = $contractor OR toLower($contractor) IN names) THEN x END) AS contractors
}
CALL (buyers, sellers, systems, contractors) {
  WITH buyers WHERE $buyer IS NOT NULL
  UNWIND buyers AS b
  MATCH (b)<-[:BUYER|RECIPIENT]-(deal:ArmsSale)
  RETURN DISTINCT deal
  UNION
  WITH sellers WHERE $buyer IS NULL AND $seller IS NOT NULL
  UNWIND sellers AS s
  MATCH (s)<-[:SELLER|SUPPLIER]-(deal:ArmsSale)
  RETURN DISTINCT deal
  UNION
  WITH systems WHERE $buyer IS NULL AND $seller IS NULL AND $system IS NOT NULL
  UNWIND systems AS w
  MATCH (w)<-[:INVOLVES_SYSTEM]-(:Event)-[:PART_OF*0..3]->(deal:ArmsSale)
  RETURN DISTINCT deal
  UNION
  WITH contractors WHERE $buyer IS NULL AND $seller IS NULL AND $system IS NULL AND $contractor IS NOT NULL
  UNWIND contractors AS c
  MATCH (c)<-[:CONTRACTOR]-(:Event)-[:PART_OF*0..3]->(deal:ArmsSale)
  RETURN DISTINCT deal
  UNION
  WITH 0 AS unfiltered WHERE $buyer IS NULL AND $seller IS NULL AND $system IS NULL AND $contractor IS NULL
  MATCH (deal:ArmsSale)
  RETURN deal
}
WITH deal, sellers, systems, contractors
WHERE ($seller IS NULL OR $buyer IS NULL
       OR EXISTS { (deal)-[:SELLER|SUPPLIER]->(s) WHERE s IN sellers })
  AND ($system IS NULL OR ($buyer IS NULL AND $seller IS NULL)
       OR EXISTS { (deal)<-[:PART_OF*0..3]-(:Event)-[:INVOLVES_SYSTEM]->(w) WHERE w IN systems })
  AND ($contractor IS NULL OR ($buyer IS NULL AND $seller IS NULL AND $system IS NULL)
       OR EXISTS { (deal)<-[:PART_OF*0..3]-(:Event)-[:CONTRACTOR]->(c) WHERE c IN contractors })
WITH deal
WHERE ($from IS NULL OR left(deal.date, size($from)) >= left($from, size(deal.date)))
  AND ($to IS NULL OR left(deal.date, size($to)) <= left($to, size(deal.date)))
  AND ($min_value IS NULL OR deal.amount >= $min_value)
WITH deal
ORDER BY coalesce(deal.date, '') DESC, deal.id
LIMIT toInteger($limit)
RETURN deal.id AS sale,
       deal.date AS date,
       deal.status AS status,
       deal.modality AS modality,
       deal.amount AS value,
       deal.currency AS currency,
       deal.quantity AS quantity,
       COLLECT {
         MATCH (deal)-[r:SELLER|SUPPLIER]->(a:Actor)
         RETURN {role: type(r), id: a.id, name: a.name} AS x ORDER BY x.id, x.role
       } AS sellers,
       COLLECT {
         MATCH (deal)-[r:BUYER|RECIPIENT]->(a:Actor)
         RETURN {role: type(r), id: a.id, name: a.name} AS x ORDER BY x.id, x.role
       } AS buyers,
       COLLECT {
         MATCH (deal)<-[:PART_OF*0..3]-(e:Event)-[:CONTRACTOR]->(c:Actor)
         RETURN DISTINCT {id: c.id, name: c.name} AS x ORDER BY x.id
       } AS contractors,
       COLLECT {
         MATCH (deal)-[:INVOLVES_SYSTEM]->(w:WeaponSystem)
         RETURN {id: w.id, name: w.name} AS x ORDER BY x.id
       } AS systems,
       COLLECT {
         MATCH (deal)<-[:PART_OF*1..3]-(stage:Event)
         RETURN DISTINCT {
           id: stage.id,
           type: [l IN labels(stage) WHERE l <> 'Event'][0],
           date: stage.date,
           status: stage.status,
           amount: stage.amount,
           currency: stage.currency,
           contractors: [(stage)-[:CONTRACTOR]->(c:Actor) | c.id],
           sourceId: stage.sourceId
         } AS x ORDER BY coalesce(x.date, ''), x.id
       } AS stages,
       COLLECT {
         MATCH (block:ExportBlock)-[:BLOCKED_DEAL]->(deal)
         RETURN block.id AS x ORDER BY x
       } AS blockedBy,
       deal.description AS description,
       COLLECT {
         MATCH (deal)<-[:PART_OF*0..3]-(:Event)-[:EVIDENCED_BY]->(:Evidence)-[:FROM_SOURCE]->(src:Source)
         RETURN DISTINCT src.id AS x ORDER BY x
       } AS sourceIds,
       COLLECT {
         MATCH (deal)-[:EVIDENCED_BY]->(ev:Evidence)-[:FROM_SOURCE]->(src:Source)
         RETURN {sentence: ev.sentence, sourceId: src.id} AS x ORDER BY x.sourceId, x.sentence
       } AS evidence
ORDER BY coalesce(date, '') DESC, sale
