// Co-participants
// description: Actors that appear together with a given actor in events, whatever the roles: one row per pair with the number of shared events and, for each event (in date order, undated last), its id, type, date and the roles of both actors. With actor null, the pairs of actors that share the most events in the whole graph (each pair once). The actor is a canonical id or a name (state:TW, Taiwan), matched case-insensitively. Most shared events first.
// param actor: entity = null -- the actor: canonical id or name; null for the top pairs overall
// param limit: integer = 25 -- at most this many pairs
// example: :param {actor: 'state:TW', limit: 25}
// example: :param {actor: null, limit: 25}
MATCH (a:Actor)<-[ra]-(e:Event)-[rb]->(b:Actor)
WHERE a <> b
  AND (($actor IS NULL AND a.id < b.id)
       OR ($actor IS NOT NULL AND (a.id = $actor OR toLower(a.name) = toLower($actor)
           OR any(n IN coalesce(a.alias, []) + coalesce(a.sourceName, []) WHERE toLower(n) = toLower($actor)))))
WITH a, b, e, ra, rb
ORDER BY type(ra), type(rb)
WITH a, b, e, collect(DISTINCT type(ra)) AS rolesA, collect(DISTINCT type(rb)) AS rolesB
ORDER BY CASE WHEN e.date IS NULL THEN 1 ELSE 0 END, e.date, e.id
WITH a, b, count(e) AS sharedEvents,
     collect({
       event: e.id,
       type: [l IN labels(e) WHERE l <> 'Event'][0],
       date: e.date,
       actorRoles: rolesA,
       otherRoles: rolesB
     }) AS events
RETURN a.id AS actor,
       a.name AS actorName,
       b.id AS other,
       b.name AS otherName,
       sharedEvents,
       events
ORDER BY sharedEvents DESC, actor, other
LIMIT toInteger($limit)
