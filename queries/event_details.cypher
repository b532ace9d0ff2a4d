// Event details
// description: One event in full: type, date (with precision, basis and end date), modality, status, value, quantity, quote and description; every participant with its role; the weapon systems and places; the larger deal it is PART_OF and the stages that are part of it; the deal it blocks (BLOCKED_DEAL) or the blocks that stopped it; and its evidence sentences (offsets, method, confidence) with the source (id, title, publication date, URL, outlet). event is the event id (event:<source>:<key>); null lists every event, newest first, undated last.
// param event: string = null -- the event id; null for every event
// param limit: integer = 50 -- at most this many events
// example: :param {event: 'event:2025-11-19-nasams-taiwan:nasams-sale', limit: 50}
// example: :param {event: 'event:2023-us-defence-delegation-taiwan:sweden-excalibur-block', limit: 50}
MATCH (e:Event)
WHERE $event IS NULL OR e.id = $event
WITH e
ORDER BY coalesce(e.date, '') DESC, e.id
LIMIT toInteger($limit)
RETURN e.id AS event,
       [l IN labels(e) WHERE l <> 'Event'][0] AS type,
       e.date AS date,
       e.datePrecision AS datePrecision,
       e.dateBasis AS dateBasis,
       e.endDate AS endDate,
       e.modality AS modality,
       e.status AS status,
       e.amount AS value,
       e.currency AS currency,
       e.quantity AS quantity,
       e.quote AS quote,
       e.description AS description,
       COLLECT {
         MATCH (e)-[r]->(a:Actor)
         RETURN {role: type(r), id: a.id, name: a.name} AS x ORDER BY x.role, x.id
       } AS participants,
       COLLECT {
         MATCH (e)-[:INVOLVES_SYSTEM]->(w:WeaponSystem)
         RETURN {id: w.id, name: w.name} AS x ORDER BY x.id
       } AS systems,
       COLLECT {
         MATCH (e)-[:LOCATION]->(p:Place)
         RETURN {id: p.id, name: p.name} AS x ORDER BY x.id
       } AS places,
       COLLECT {
         MATCH (e)-[:PART_OF]->(d:Event)
         RETURN {id: d.id, type: [l IN labels(d) WHERE l <> 'Event'][0], date: d.date, amount: d.amount, currency: d.currency} AS x
         ORDER BY x.id
       } AS partOf,
       COLLECT {
         MATCH (s:Event)-[:PART_OF]->(e)
         RETURN {id: s.id, type: [l IN labels(s) WHERE l <> 'Event'][0], date: s.date, amount: s.amount, currency: s.currency} AS x
         ORDER BY coalesce(x.date, ''), x.id
       } AS stages,
       COLLECT {
         MATCH (e)-[:BLOCKED_DEAL]->(d:Event)
         RETURN {id: d.id, type: [l IN labels(d) WHERE l <> 'Event'][0], date: d.date, status: d.status} AS x ORDER BY x.id
       } AS blocksDeal,
       COLLECT {
         MATCH (b:Event)-[:BLOCKED_DEAL]->(e)
         RETURN {id: b.id, type: [l IN labels(b) WHERE l <> 'Event'][0], date: b.date, status: b.status} AS x ORDER BY x.id
       } AS blockedBy,
       COLLECT {
         MATCH (e)-[:EVIDENCED_BY]->(ev:Evidence)
         RETURN {
           evidence: ev.id,
           sentence: ev.sentence,
           startOffset: ev.startOffset,
           endOffset: ev.endOffset,
           method: ev.method,
           confidence: ev.confidence,
           sourceId: ev.sourceId
         } AS x ORDER BY x.sourceId, coalesce(x.startOffset, -1), x.evidence
       } AS evidence,
       COLLECT {
         MATCH (e)-[:EVIDENCED_BY]->(:Evidence)-[:FROM_SOURCE]->(src:Source)
         RETURN DISTINCT {
           id: src.id,
           title: src.title,
           publicationDate: src.publicationDate,
           url: src.url,
           outlet: src.outletName
         } AS x ORDER BY x.id
       } AS sources
ORDER BY coalesce(date, '') DESC, event
