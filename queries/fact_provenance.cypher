// Fact provenance
// description: The sources and sentences behind a fact. For an event or a post: the evidence it is EVIDENCED_BY. For an entity (actor, weapon system, place): every sentence that mentions it, with the names the sentence used, and the evidence of its entity relationships (manufacturer, operates, subsidiary of, renamed to ...). One row per fact and evidence sentence: what it supports, the sentence, its character offsets in the source text, method and confidence, and the source (id, title, publication date, URL, outlet). fact is a canonical id (event:..., post:..., state:TW, system:nasams); null gives the provenance of every fact.
// param fact: string = null -- id of an event, post or entity; null for every fact
// param limit: integer = 200 -- at most this many rows
// example: :param {fact: 'event:2025-11-19-nasams-taiwan:nasams-contract', limit: 200}
// example: :param {fact: 'system:nasams', limit: 200}
MATCH (f)
WHERE (f:Event OR f:Post OR f:Actor OR f:WeaponSystem OR f:Place)
  AND ($fact IS NULL OR f.id = $fact)
CALL (f) {
  MATCH (f)-[:EVIDENCED_BY]->(ev:Evidence)
  RETURN ev, 'states the ' + CASE WHEN f:Post THEN 'post' ELSE 'event' END AS support, [] AS names
  UNION ALL
  MATCH (ev:Evidence)-[m:MENTIONS]->(f)
  WHERE NOT f:Event AND NOT f:Post
  RETURN ev, 'mentions it' AS support, coalesce(m.names, []) AS names
  UNION ALL
  MATCH (f)-[r]-(:Actor|WeaponSystem|Place|WeaponCategory)
  WHERE r.evidenceIds IS NOT NULL
  UNWIND r.evidenceIds AS evidenceId
  MATCH (ev:Evidence {id: evidenceId})
  RETURN ev, startNode(r).id + ' ' + type(r) + ' ' + endNode(r).id AS support, [] AS names
}
WITH f, ev, support, names
ORDER BY support
WITH f, ev, collect(DISTINCT support) AS supports, collect(names) AS nameLists
MATCH (ev)-[:FROM_SOURCE]->(src:Source)
RETURN f.id AS fact,
       CASE WHEN f:Event THEN 'event' WHEN f:Post THEN 'post' ELSE 'entity' END AS kind,
       supports,
       reduce(acc = [], ns IN nameLists | acc + [n IN ns WHERE NOT n IN acc]) AS namesUsed,
       ev.sentence AS sentence,
       ev.startOffset AS startOffset,
       ev.endOffset AS endOffset,
       ev.method AS method,
       ev.confidence AS confidence,
       ev.id AS evidence,
       src.id AS sourceId,
       src.title AS sourceTitle,
       src.publicationDate AS publicationDate,
       src.url AS url,
       src.outletName AS outlet
ORDER BY fact, sourceId, coalesce(startOffset, -1), evidence
LIMIT toInteger($limit)
