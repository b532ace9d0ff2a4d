// Source disagreements
// description: Facts on which sources disagree: pairs of events of the same type, claimed by two different sources, that involve the same weapon system and share a buyer or recipient (or have exactly the same participants), yet give a different amount (in the same currency), a different quantity, or an incompatible date (dates of different precision that agree as far as both go, such as 2025-11 and 2025-11-17, do not count). One row per pair with what they disagree on and both claims side by side: event, source, date, amount, currency, quantity and evidence sentences. system and actor (a shared buyer, recipient or participant) are a canonical id or a name, matched case-insensitively; type is an event label such as ContractAward; null for any.
// param system: entity = null -- weapon system both events involve: canonical id or name; null for any
// param actor: entity = null -- an actor both events share (buyer, recipient or other participant): canonical id or name; null for any
// param type: string = null -- event type label (ArmsSale, ContractAward, Delivery ...); null for any
// param limit: integer = 100 -- at most this many pairs
// example: :param {system: null, actor: null, type: null, limit: 100}
// example: :param {system: 'NASAMS', actor: 'state:TW', type: 'ContractAward', limit: 100}
MATCH (e1:Event)-[:INVOLVES_SYSTEM]->(w:WeaponSystem)<-[:INVOLVES_SYSTEM]-(e2:Event)
WHERE e1.sourceId < e2.sourceId
  AND ($system IS NULL OR w.id = $system OR toLower(w.name) = toLower($system)
       OR any(n IN coalesce(w.alias, []) + coalesce(w.sourceName, []) WHERE toLower(n) = toLower($system)))
WITH e1, e2, [l IN labels(e1) WHERE l <> 'Event'][0] AS type
WHERE type = [l IN labels(e2) WHERE l <> 'Event'][0]
  AND ($type IS NULL OR toLower(type) = toLower($type))
WITH DISTINCT e1, e2, type
WITH e1, e2, type,
     COLLECT {
       MATCH (e1)-[:BUYER|RECIPIENT]->(a:Actor)<-[:BUYER|RECIPIENT]-(e2)
       RETURN DISTINCT a.id AS x ORDER BY x
     } AS sharedRecipients,
     COLLECT { MATCH (e1)-->(a:Actor) RETURN DISTINCT a.id AS x ORDER BY x } AS participantsA,
     COLLECT { MATCH (e2)-->(a:Actor) RETURN DISTINCT a.id AS x ORDER BY x } AS participantsB
WHERE size(sharedRecipients) > 0 OR participantsA = participantsB
WITH e1, e2, type, sharedRecipients, participantsA, participantsB,
     [x IN [
        CASE WHEN e1.amount <> e2.amount AND e1.currency = e2.currency THEN 'amount' END,
        CASE WHEN e1.quantity <> e2.quantity THEN 'quantity' END,
        CASE WHEN NOT (e1.date STARTS WITH e2.date OR e2.date STARTS WITH e1.date) THEN 'date' END
      ] WHERE x IS NOT NULL] AS disagreesOn
WHERE size(disagreesOn) > 0
  AND ($actor IS NULL OR EXISTS {
        MATCH (e1)-->(a:Actor)<--(e2)
        WHERE a.id = $actor OR toLower(a.name) = toLower($actor)
           OR any(n IN coalesce(a.alias, []) + coalesce(a.sourceName, []) WHERE toLower(n) = toLower($actor)) })
RETURN type,
       COLLECT {
         MATCH (e1)-[:INVOLVES_SYSTEM]->(s:WeaponSystem)<-[:INVOLVES_SYSTEM]-(e2)
         RETURN DISTINCT {id: s.id, name: s.name} AS x ORDER BY x.id
       } AS systems,
       CASE WHEN size(sharedRecipients) > 0 THEN sharedRecipients ELSE participantsA END AS sharedActors,
       disagreesOn,
       e1.id AS eventA,
       e1.sourceId AS sourceA,
       e1.date AS dateA,
       e1.amount AS amountA,
       e1.currency AS currencyA,
       e1.quantity AS quantityA,
       COLLECT { MATCH (e1)-[:EVIDENCED_BY]->(ev:Evidence) RETURN ev.sentence AS x ORDER BY x } AS sentencesA,
       e2.id AS eventB,
       e2.sourceId AS sourceB,
       e2.date AS dateB,
       e2.amount AS amountB,
       e2.currency AS currencyB,
       e2.quantity AS quantityB,
       COLLECT { MATCH (e2)-[:EVIDENCED_BY]->(ev:Evidence) RETURN ev.sentence AS x ORDER BY x } AS sentencesB
ORDER BY type, eventA, eventB
LIMIT toInteger($limit)
