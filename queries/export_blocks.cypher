// Export blocks
// description: Export blocks (refusals, suspensions, embargoes): who blocked, the blocked weapon systems (named on the block itself or on the deal it blocked, see via), the blocked deal, the would-be suppliers and recipients (of the block or of the blocked deal), the other actors named (subjects), and the manufacturers and co-developers of each blocked system, whose governments' consent an export may need; with the evidence sentences and sources. blocker and system are a canonical id or a name (state:SE, Sweden; system:excalibur, Excalibur), matched case-insensitively; null for any. Newest first, undated last.
// param blocker: entity = null -- the blocking state, agency or official: canonical id or name; null for any
// param system: entity = null -- a blocked weapon system: canonical id or name; null for any
// param limit: integer = 50 -- at most this many blocks
// example: :param {blocker: 'state:SE', system: null, limit: 50}
// example: :param {blocker: null, system: 'Excalibur', limit: 50}
MATCH (eb:ExportBlock)
WHERE ($blocker IS NULL OR EXISTS {
        MATCH (eb)-[:BLOCKER]->(a:Actor)
        WHERE a.id = $blocker OR toLower(a.name) = toLower($blocker)
           OR any(n IN coalesce(a.alias, []) + coalesce(a.sourceName, []) WHERE toLower(n) = toLower($blocker)) })
  AND ($system IS NULL OR EXISTS {
        MATCH (eb)-[:BLOCKED_DEAL*0..1]->(:Event)-[:INVOLVES_SYSTEM]->(w:WeaponSystem)
        WHERE w.id = $system OR toLower(w.name) = toLower($system)
           OR any(n IN coalesce(w.alias, []) + coalesce(w.sourceName, []) WHERE toLower(n) = toLower($system)) })
WITH eb
ORDER BY coalesce(eb.date, '') DESC, eb.id
LIMIT toInteger($limit)
RETURN eb.id AS block,
       eb.date AS date,
       eb.status AS status,
       eb.modality AS modality,
       COLLECT {
         MATCH (eb)-[:BLOCKER]->(a:Actor)
         RETURN {id: a.id, name: a.name} AS x ORDER BY x.id
       } AS blockers,
       COLLECT {
         MATCH (eb)-[:BLOCKED_DEAL*0..1]->(ev:Event)-[:INVOLVES_SYSTEM]->(w:WeaponSystem)
         WITH w, collect(DISTINCT CASE WHEN ev = eb THEN 'block' ELSE 'blocked deal' END) AS found
         RETURN {id: w.id, name: w.name, via: [v IN ['block', 'blocked deal'] WHERE v IN found]} AS x ORDER BY x.id
       } AS systems,
       COLLECT {
         MATCH (eb)-[:BLOCKED_DEAL]->(deal:Event)
         RETURN {id: deal.id, type: [l IN labels(deal) WHERE l <> 'Event'][0], date: deal.date, status: deal.status,
                 amount: deal.amount, currency: deal.currency} AS x ORDER BY x.id
       } AS blockedDeals,
       COLLECT {
         MATCH (eb)-[:BLOCKED_DEAL*0..1]->(:Event)-[r:SELLER|SUPPLIER]->(a:Actor)
         RETURN DISTINCT {role: type(r), id: a.id, name: a.name} AS x ORDER BY x.id, x.role
       } AS suppliers,
       COLLECT {
         MATCH (eb)-[:BLOCKED_DEAL*0..1]->(:Event)-[r:BUYER|RECIPIENT]->(a:Actor)
         RETURN DISTINCT {role: type(r), id: a.id, name: a.name} AS x ORDER BY x.id, x.role
       } AS recipients,
       COLLECT {
         MATCH (eb)-[:SUBJECT]->(a:Actor)
         RETURN {id: a.id, name: a.name} AS x ORDER BY x.id
       } AS subjects,
       COLLECT {
         MATCH (eb)-[:BLOCKED_DEAL*0..1]->(:Event)-[:INVOLVES_SYSTEM]->(w:WeaponSystem)-[r:MANUFACTURER]->(o:Actor)
         RETURN DISTINCT {system: w.id, id: o.id, name: o.name, sourceIds: r.sourceIds} AS x ORDER BY x.system, x.id
       } AS manufacturers,
       COLLECT {
         MATCH (eb)-[:BLOCKED_DEAL*0..1]->(:Event)-[:INVOLVES_SYSTEM]->(w:WeaponSystem)-[r:CO_DEVELOPER]->(o:Actor)
         RETURN DISTINCT {system: w.id, id: o.id, name: o.name, sourceIds: r.sourceIds} AS x ORDER BY x.system, x.id
       } AS coDevelopers,
       eb.description AS description,
       COLLECT {
         MATCH (eb)-[:EVIDENCED_BY]->(ev:Evidence)-[:FROM_SOURCE]->(src:Source)
         RETURN {sentence: ev.sentence, sourceId: src.id, sourceTitle: src.title, publicationDate: src.publicationDate} AS x
         ORDER BY x.sourceId, x.sentence
       } AS evidence
ORDER BY coalesce(date, '') DESC, block
