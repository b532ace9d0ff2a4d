// Shortest connections
// description: The shortest ways two actors (or weapon systems, places) are connected, through events they take part in (by any role), posts, systems and entity relationships (manufacturer, co-developer, operates, subsidiary of, renamed to, sub-organisation of, affiliated with, located in). Every shortest path of at most max_hops relationships (at most 6), in either direction, as node ids, names, labels and relationship types, plus a readable step list. Paths never go through evidence, sources or weapon categories, which would connect everything. Both ends are a canonical id or a name (contractor:rtx, Taiwan), matched case-insensitively.
// param from: entity = null -- one end: canonical id or name
// param to: entity = null -- the other end: canonical id or name
// param max_hops: integer[1..6] = 4 -- longest path to report, in relationships (1 to 6)
// param limit: integer = 25 -- at most this many paths
// example: :param {from: 'contractor:rtx', to: 'state:TW', max_hops: 4, limit: 25}
// example: :param {from: 'Sweden', to: 'China', max_hops: 6, limit: 25}
// bound: max_hops
// Both ends are resolved in one pass over the entities (a pass costs the same for one name or two).
// In Neo4j Browser, lower *..6 to the max_hops you want when the ends may not be that close: with no
// path that short the search goes on to 6 hops, which takes minutes on a large graph (the API and
// kg query lower it for you).
CALL () {
  MATCH (x:Actor|WeaponSystem|Place)
  WITH x, [n IN [x.name] + coalesce(x.alias, []) + coalesce(x.sourceName, []) | toLower(n)] AS names
  RETURN collect(CASE WHEN x.id = $from OR toLower($from) IN names THEN x END) AS froms,
         collect(CASE WHEN x.id = $to OR toLower($to) IN names THEN x END) AS tos
}
UNWIND froms AS a
UNWIND tos AS b
WITH a, b WHERE a <> b
// The relationship types are listed so that the search itself never enters evidence or sources:
// the embedded engine applies path predicates only after finding the shortest paths.
MATCH p = allShortestPaths((a)-[:SELLER|BUYER|SUPPLIER|RECIPIENT|CONTRACTOR|APPROVER|BLOCKER|SPEAKER|ADDRESSEE|VISITOR|HOST|LEADER|ACTOR|TARGET|PARTNER|SUBJECT|PARTICIPANT|INVOLVES_SYSTEM|PART_OF|BLOCKED_DEAL|LOCATION|HOLDER|POST_IN|MANUFACTURER|CO_DEVELOPER|OPERATES|SUBSIDIARY_OF|RENAMED_TO|SUB_ORGANIZATION_OF|AFFILIATED_WITH|LOCATED_IN*..6]-(b))
WHERE length(p) <= $max_hops
  AND all(n IN nodes(p) WHERE NOT n:Evidence AND NOT n:Source AND NOT n:WeaponCategory)
WITH a, b, p,
     [n IN nodes(p) | coalesce(n.name, n.title, [l IN labels(n) WHERE l <> 'Event'][0] + coalesce(' ' + n.date, ''))] AS names
RETURN a.id AS fromId,
       b.id AS toId,
       length(p) AS hops,
       [n IN nodes(p) | n.id] AS nodeIds,
       names AS nodeNames,
       [n IN nodes(p) | labels(n)] AS nodeLabels,
       [r IN relationships(p) | type(r)] AS relationships,
       [i IN range(0, length(p) - 1) |
         names[i] + CASE WHEN startNode(relationships(p)[i]) = nodes(p)[i]
                         THEN ' -[' + type(relationships(p)[i]) + ']-> '
                         ELSE ' <-[' + type(relationships(p)[i]) + ']- ' END + names[i + 1]] AS steps
ORDER BY hops, fromId, toId, reduce(s = '', id IN nodeIds | s + id + ' ')
LIMIT toInteger($limit)
