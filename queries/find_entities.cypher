// Find entities
// description: Look up the canonical id of an actor, weapon system or place from part of a name: matches the id, the name, the aliases and the names sources used, case-insensitively. Returns the id to use in the other queries, with the most specific label, name, aliases, names used by sources, description, ISO code, Wikidata id, the sources whose sentences name it and how many events it takes part in or is involved in. Exact matches come first, then by name.
// param name: string = null -- text to look for (part of a name, alias or id); null lists every entity
// param label: string = null -- only entities with this label (State, Person, Official, Contractor, GovernmentAgency, Organization, WeaponSystem, Place ...), case-insensitive; null for any
// param limit: integer = 50 -- at most this many entities
// example: :param {name: 'raytheon', label: null, limit: 50}
// example: :param {name: 'taipei', label: 'State', limit: 50}
MATCH (n)
WHERE (n:Actor OR n:WeaponSystem OR n:Place)
  AND ($label IS NULL OR any(l IN labels(n) WHERE toLower(l) = toLower($label)))
  AND ($name IS NULL OR toLower(n.id) CONTAINS toLower($name) OR toLower(n.name) CONTAINS toLower($name)
       OR any(a IN coalesce(n.alias, []) + coalesce(n.sourceName, []) WHERE toLower(a) CONTAINS toLower($name)))
WITH n,
     $name IS NOT NULL AND (n.id = $name OR toLower(n.name) = toLower($name)
       OR any(a IN coalesce(n.alias, []) + coalesce(n.sourceName, []) WHERE toLower(a) = toLower($name))) AS exact
// Ordered and cut before the per-entity subqueries, so they run for the rows returned only.
ORDER BY exact DESC, toLower(n.name), n.id
LIMIT toInteger($limit)
RETURN n.id AS id,
       [l IN ['Official', 'Person', 'State', 'Contractor', 'GovernmentAgency', 'ResearchOrganization', 'MediaOutlet',
              'MilitaryUnit', 'IndustryAssociation', 'Organization', 'Actor', 'WeaponSystem', 'Place']
        WHERE l IN labels(n)][0] AS label,
       n.name AS name,
       coalesce(n.alias, []) AS aliases,
       coalesce(n.sourceName, []) AS namesUsedBySources,
       n.description AS description,
       n.isoCode AS isoCode,
       n.wikidataId AS wikidataId,
       COLLECT { MATCH (ev:Evidence)-[:MENTIONS]->(n) RETURN DISTINCT ev.sourceId AS s ORDER BY s } AS sourceIds,
       size(COLLECT { MATCH (e:Event)-->(n) RETURN DISTINCT e.id AS x }) AS events,
       exact
