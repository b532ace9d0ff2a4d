// Contractor portfolio
// description: What a contractor built and sold: the weapon systems it makes (MANUFACTURER) or co-developed (CO_DEVELOPER), and the events in which it is contractor, seller, supplier or partner, with the systems, value and the buyers, recipients or partners on the other side (of the event or of the deal it is part of). With include_group the portfolio also covers the contractor's former names and subsidiaries (organisations RENAMED_TO or SUBSIDIARY_OF it, at any depth), shown in the via column; so asking for RTX also covers Raytheon Technologies, Raytheon and Raytheon Missiles & Defense. The contractor is a canonical id or a name (contractor:rtx, RTX), matched case-insensitively; null lists every organisation that has a portfolio. One row per contractor, via and item: systems first, then events by date.
// param contractor: entity = null -- the contractor: canonical id or name; null for every organisation
// param include_group: boolean = true -- also cover former names and subsidiaries of the contractor
// param limit: integer = 100 -- at most this many rows
// example: :param {contractor: 'contractor:rtx', include_group: true, limit: 100}
// example: :param {contractor: 'BAE Systems Bofors', include_group: false, limit: 100}
MATCH (c:Organization)
WHERE $contractor IS NULL OR c.id = $contractor OR toLower(c.name) = toLower($contractor)
   OR any(n IN coalesce(c.alias, []) + coalesce(c.sourceName, []) WHERE toLower(n) = toLower($contractor))
OPTIONAL MATCH (member:Organization)-[:RENAMED_TO|SUBSIDIARY_OF*1..4]->(c)
WHERE $include_group AND member <> c
WITH c, collect(DISTINCT member) AS group
UNWIND [c] + group AS m
CALL (m) {
  MATCH (w:WeaponSystem)-[r:MANUFACTURER|CO_DEVELOPER]->(m)
  RETURN 0 AS rank, type(r) AS role, [{id: w.id, name: w.name}] AS systems,
         null AS event, null AS type, null AS date, null AS status, null AS value, null AS currency,
         [] AS counterparts, r.sourceIds AS sourceIds
  UNION ALL
  MATCH (e:Event)-[r:CONTRACTOR|SELLER|SUPPLIER|PARTNER]->(m)
  RETURN 1 AS rank, type(r) AS role,
         COLLECT {
           MATCH (e)-[:PART_OF*0..3]->(:Event)-[:INVOLVES_SYSTEM]->(w:WeaponSystem)
           RETURN DISTINCT {id: w.id, name: w.name} AS x ORDER BY x.id
         } AS systems,
         e.id AS event, [l IN labels(e) WHERE l <> 'Event'][0] AS type, e.date AS date, e.status AS status,
         e.amount AS value, e.currency AS currency,
         COLLECT {
           MATCH (e)-[:PART_OF*0..3]->(:Event)-[cr:BUYER|RECIPIENT|PARTNER]->(a:Actor)
           WHERE a <> m
           RETURN DISTINCT {role: type(cr), id: a.id, name: a.name} AS x ORDER BY x.id, x.role
         } AS counterparts,
         [e.sourceId] AS sourceIds
}
RETURN c.id AS contractor,
       c.name AS contractorName,
       CASE WHEN m = c THEN null ELSE m.id END AS via,
       role,
       systems,
       event,
       type,
       date,
       status,
       value,
       currency,
       counterparts,
       sourceIds
ORDER BY contractor, rank, coalesce(date, ''), coalesce(event, systems[0].id), via, role
LIMIT toInteger($limit)
