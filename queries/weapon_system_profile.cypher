// Weapon system profile
// description: Everything the graph holds on a weapon system: names, description, Wikidata id, categories, manufacturers and co-developers (with the names they were later RENAMED_TO and the sources backing each link), the actors that operate it, and the events it is involved in (type, date, status, value, participants by role, source), in date order with undated events last. The system is a canonical id or a name (system:nasams, NASAMS), matched case-insensitively; null profiles every system. One row per system.
// param system: entity = null -- the weapon system: canonical id or name; null for every system
// param limit: integer = 50 -- at most this many systems
// example: :param {system: 'system:nasams', limit: 50}
// example: :param {system: 'Excalibur', limit: 50}
MATCH (w:WeaponSystem)
WHERE $system IS NULL OR w.id = $system OR toLower(w.name) = toLower($system)
   OR any(n IN coalesce(w.alias, []) + coalesce(w.sourceName, []) WHERE toLower(n) = toLower($system))
RETURN w.id AS system,
       w.name AS name,
       coalesce(w.alias, []) AS aliases,
       w.description AS description,
       w.wikidataId AS wikidataId,
       COLLECT {
         MATCH (w)-[:CATEGORY]->(c:WeaponCategory)
         RETURN {id: c.id, name: c.name} AS x ORDER BY x.id
       } AS categories,
       COLLECT {
         MATCH (w)-[r:MANUFACTURER]->(o:Actor)
         RETURN {id: o.id, name: o.name, renamedTo: [(o)-[:RENAMED_TO*1..5]->(n:Actor) | n.id], sourceIds: r.sourceIds} AS x
         ORDER BY x.id
       } AS manufacturers,
       COLLECT {
         MATCH (w)-[r:CO_DEVELOPER]->(o:Actor)
         RETURN {id: o.id, name: o.name, renamedTo: [(o)-[:RENAMED_TO*1..5]->(n:Actor) | n.id], sourceIds: r.sourceIds} AS x
         ORDER BY x.id
       } AS coDevelopers,
       COLLECT {
         MATCH (o:Actor)-[r:OPERATES]->(w)
         RETURN {id: o.id, name: o.name, sourceIds: r.sourceIds} AS x ORDER BY x.id
       } AS operators,
       COLLECT {
         MATCH (e:Event)-[:INVOLVES_SYSTEM]->(w)
         RETURN {
           event: e.id,
           type: [l IN labels(e) WHERE l <> 'Event'][0],
           date: e.date,
           status: e.status,
           amount: e.amount,
           currency: e.currency,
           quantity: e.quantity,
           participants: COLLECT {
             MATCH (e)-[r]->(a:Actor)
             RETURN {role: type(r), id: a.id, name: a.name} AS p ORDER BY p.role, p.id
           },
           sourceId: e.sourceId
         } AS x
         ORDER BY CASE WHEN x.date IS NULL THEN 1 ELSE 0 END, x.date, x.event
       } AS events,
       COLLECT { MATCH (ev:Evidence)-[:MENTIONS]->(w) RETURN DISTINCT ev.sourceId AS s ORDER BY s } AS sourceIds
ORDER BY system
LIMIT toInteger($limit)
