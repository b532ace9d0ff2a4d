// Single-source facts
// description: Facts that only one source backs, to corroborate first: entity relationships (manufacturer, co-developer, operates, subsidiary of, renamed to, sub-organisation of, affiliated with, located in, category) whose sourceIds hold a single source, and entities (actors, weapon systems, places) that only one source names. One row per fact: kind (relationship or entity), type (relationship type or the entity's most specific label), id (the entity id, or subject TYPE object), its description, the single source (id, title, date) and the evidence sentences. Events and posts are always the claim of one source and are not listed. kind and source narrow the list (source is a source id such as source:reference-company-lineage).
// param kind: string = null -- 'relationship' or 'entity'; null for both
// param source: string = null -- only facts backed by this source id; null for any
// param limit: integer = 200 -- at most this many rows
// example: :param {kind: null, source: null, limit: 200}
// example: :param {kind: 'relationship', source: 'source:reference-company-lineage', limit: 200}
CALL () {
  MATCH (s)-[r]->(o)
  WHERE r.sourceIds IS NOT NULL AND size(r.sourceIds) = 1
    AND ($kind IS NULL OR $kind = 'relationship')
  RETURN 'relationship' AS kind,
         type(r) AS type,
         s.id + ' ' + type(r) + ' ' + o.id AS id,
         coalesce(s.name, s.id) + ' ' + type(r) + ' ' + coalesce(o.name, o.id) AS description,
         r.sourceIds[0] AS sourceId,
         coalesce(r.evidenceIds, []) AS evidenceIds
  UNION ALL
  MATCH (n)
  WHERE (n:Actor OR n:WeaponSystem OR n:Place) AND ($kind IS NULL OR $kind = 'entity')
  WITH n, COLLECT { MATCH (ev:Evidence)-[:MENTIONS]->(n) RETURN DISTINCT ev.sourceId AS s } AS sources
  WHERE size(sources) = 1
  RETURN 'entity' AS kind,
         [l IN ['Official', 'Person', 'State', 'Contractor', 'GovernmentAgency', 'ResearchOrganization', 'MediaOutlet',
                'MilitaryUnit', 'IndustryAssociation', 'Organization', 'Actor', 'WeaponSystem', 'Place']
          WHERE l IN labels(n)][0] AS type,
         n.id AS id,
         coalesce(n.description, n.name) AS description,
         sources[0] AS sourceId,
         COLLECT {
           MATCH (ev:Evidence)-[:MENTIONS]->(n)
           RETURN ev.id AS x ORDER BY x
         } AS evidenceIds
}
WITH kind, type, id, description, sourceId, evidenceIds
WHERE $source IS NULL OR sourceId = $source
OPTIONAL MATCH (src:Source {id: sourceId})
RETURN kind,
       type,
       id,
       description,
       sourceId,
       src.title AS sourceTitle,
       src.publicationDate AS publicationDate,
       COLLECT {
         UNWIND evidenceIds AS evidenceId
         MATCH (ev:Evidence {id: evidenceId})
         RETURN DISTINCT ev.sentence AS x ORDER BY x
       } AS sentences
ORDER BY kind DESC, sourceId, id
LIMIT toInteger($limit)
