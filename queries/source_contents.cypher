// Source contents
// description: What one source contributes to the graph, to review it or to see what unloading it would retract: its events and posts (claims of this source alone), the entities it names (with the names this source used for them) and the entity relationships it backs, each with the other sources that also back it (an empty list means only this source does). source is a source id (source:2025-11-19-nasams-taiwan); null lists the contents of every source. Ordered by source, kind, then id.
// param source: string = null -- the source id (source:<id>); null for every source
// param limit: integer = 500 -- at most this many rows
// example: :param {source: 'source:2025-11-19-nasams-taiwan', limit: 500}
// example: :param {source: 'source:reference-company-lineage', limit: 500}
MATCH (src:Source)
WHERE $source IS NULL OR src.id = $source
CALL (src) {
  MATCH (f)
  WHERE (f:Event OR f:Post) AND f.sourceId = src.id
  RETURN CASE WHEN f:Event THEN 'event' ELSE 'post' END AS kind,
         f.id AS id,
         coalesce([l IN labels(f) WHERE l <> 'Event'][0], 'Post') AS type,
         coalesce(f.description, f.title, f.quote) AS description,
         [] AS namesUsed,
         [] AS alsoBackedBy
  UNION ALL
  MATCH (src)<-[:FROM_SOURCE]-(:Evidence)-[:MENTIONS]->(n)
  WHERE n:Actor OR n:WeaponSystem OR n:Place
  WITH DISTINCT src, n
  RETURN 'entity' AS kind,
         n.id AS id,
         [l IN ['Official', 'Person', 'State', 'Contractor', 'GovernmentAgency', 'ResearchOrganization', 'MediaOutlet',
                'MilitaryUnit', 'IndustryAssociation', 'Organization', 'Actor', 'WeaponSystem', 'Place']
          WHERE l IN labels(n)][0] AS type,
         n.name AS description,
         reduce(acc = [], ns IN COLLECT {
             MATCH (ev:Evidence)-[m:MENTIONS]->(n)
             WHERE ev.sourceId = src.id AND m.names IS NOT NULL
             RETURN m.names AS x ORDER BY ev.id
           } | acc + [x IN ns WHERE NOT x IN acc]) AS namesUsed,
         COLLECT {
             MATCH (ev:Evidence)-[:MENTIONS]->(n) WHERE ev.sourceId <> src.id
             RETURN DISTINCT ev.sourceId AS s ORDER BY s
           } AS alsoBackedBy
  UNION ALL
  MATCH (a)-[r]->(b)
  WHERE r.sourceIds IS NOT NULL AND src.id IN r.sourceIds
  RETURN 'relationship' AS kind,
         a.id + ' ' + type(r) + ' ' + b.id AS id,
         type(r) AS type,
         coalesce(a.name, a.id) + ' ' + type(r) + ' ' + coalesce(b.name, b.id) AS description,
         [] AS namesUsed,
         [s IN r.sourceIds WHERE s <> src.id] AS alsoBackedBy
}
RETURN src.id AS source,
       kind,
       id,
       type,
       description,
       namesUsed,
       alsoBackedBy
ORDER BY source,
         CASE kind WHEN 'event' THEN 0 WHEN 'post' THEN 1 WHEN 'entity' THEN 2 ELSE 3 END,
         id
LIMIT toInteger($limit)
