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
// Names are resolved in one pass over actors and systems; each filter given then walks from
// its entities to the sales it reaches, and a sale must be reached by every filter given.
// (Testing each sale against the filters costs a subquery per sale: seconds at 100k events.)
CALL () {
  MATCH (x:Actor|WeaponSystem)
  WITH x, [n IN [x.name] + coalesce(x.alias, []) + coalesce(x.sourceName, []) | toLower(n)] AS names
  RETURN collect(CASE WHEN x:Actor AND (x.id = $buyer OR toLower($buyer) IN names) THEN x.id END) AS buyers,
         collect(CASE WHEN x:Actor AND (x.id = $seller OR toLower($seller) IN names) THEN x.id END) AS sellers,
         collect(CASE WHEN x:WeaponSystem AND (x.id = $system OR toLower($system) IN names) THEN x.id END) AS systems,
         collect(CASE WHEN x:Actor AND (x.id = $contractor OR toLower($contractor) IN names) THEN x.id END) AS contractors
}
WITH [reached IN [
        CASE WHEN $buyer IS NOT NULL THEN COLLECT {
          UNWIND buyers AS id MATCH (:Actor {id: id})<-[:BUYER|RECIPIENT]-(d:ArmsSale) RETURN DISTINCT d.id } END,
        CASE WHEN $seller IS NOT NULL THEN COLLECT {
          UNWIND sellers AS id MATCH (:Actor {id: id})<-[:SELLER|SUPPLIER]-(d:ArmsSale) RETURN DISTINCT d.id } END,
        CASE WHEN $system IS NOT NULL THEN COLLECT {
          UNWIND systems AS id MATCH (:WeaponSystem {id: id})<-[:INVOLVES_SYSTEM]-(:Event)-[:PART_OF*0..3]->(d:ArmsSale)
          RETURN DISTINCT d.id } END,
        CASE WHEN $contractor IS NOT NULL THEN COLLECT {
          UNWIND contractors AS id MATCH (:Actor {id: id})<-[:CONTRACTOR]-(:Event)-[:PART_OF*0..3]->(d:ArmsSale)
          RETURN DISTINCT d.id } END]
      WHERE reached IS NOT NULL] AS filters
CALL (filters) {
  WITH filters WHERE size(filters) > 0
  UNWIND filters[0] AS id
  WITH id, filters WHERE all(reached IN filters WHERE id IN reached)
  MATCH (deal:ArmsSale {id: id})
  RETURN deal
  UNION
  WITH filters WHERE size(filters) = 0
  MATCH (deal:ArmsSale)
  RETURN deal
}
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
