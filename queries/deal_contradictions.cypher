// Deal contradictions
// description: Where the sources of one deal disagree: claims of the same deal and the same stage (approved, contracted ...), from different sources, whose amounts differ by more than 1% in the same currency, whose quantities differ (only between claims about the same weapon systems: a count of missiles is no count of launchers), or whose dates are incompatible (dates of different precision that agree as far as both go, such as 2024 and 2024-10-25, do not count). Deliveries and delays come in tranches over years: two of them are compared only when their dates agree, and never on the date. One row per deal, stage, field and pair of values, both sides side by side: the value, the claims that give it, their sources (id, title, publication date) and evidence sentences. The state, a recipient or supplier of the deal, is a canonical id or a name (state:TW, Taiwan), matched case-insensitively; null for every deal.
// param state: entity = null -- a recipient or supplier of the deal (state or other actor): canonical id or name; null for every deal
// param limit: integer = 100 -- at most this many rows
// example: :param {state: null, limit: 100}
// example: :param {state: 'Taiwan', limit: 100}
// Only deals told by two sources or more can hold a disagreement between sources. Each pair of claims
// is met once (a.id < b.id); its sides are then put in value order, so that the pairs of every source
// that gives the same two values fall into one row whichever claim came first.
CALL () {
  MATCH (x:Actor)
  WHERE $state IS NOT NULL AND (x.id = $state
        OR toLower($state) IN [n IN [x.name] + coalesce(x.alias, []) + coalesce(x.sourceName, []) | toLower(n)])
  MATCH (x)<-[:DEAL_RECIPIENT|DEAL_SUPPLIER]-(d:Deal)
  RETURN DISTINCT d
  UNION
  WITH 0 AS unfiltered WHERE $state IS NULL
  MATCH (d:Deal)
  RETURN d
}
WITH d
WHERE d.sourceCount > 1
MATCH (d)<-[la:TELLS_DEAL]-(a:Event)
MATCH (d)<-[lb:TELLS_DEAL]-(b:Event)
WHERE a.id < b.id AND la.dealStage = lb.dealStage AND a.sourceId <> b.sourceId
WITH d, la.dealStage AS stage, a, b,
     a.date STARTS WITH b.date OR b.date STARTS WITH a.date AS datesAgree
WHERE NOT stage IN ['delivered', 'delayed'] OR datesAgree
WITH d, stage, a, b, datesAgree,
     COLLECT { MATCH (a)-[:INVOLVES_SYSTEM]->(w:WeaponSystem) RETURN w.id AS x ORDER BY x }
       = COLLECT { MATCH (b)-[:INVOLVES_SYSTEM]->(w:WeaponSystem) RETURN w.id AS x ORDER BY x } AS sameSystems
UNWIND [
  CASE WHEN a.currency = b.currency
        AND abs(a.amount - b.amount) > 0.01 * CASE WHEN a.amount > b.amount THEN a.amount ELSE b.amount END
       THEN 'amount' END,
  CASE WHEN sameSystems AND a.quantity <> b.quantity THEN 'quantity' END,
  CASE WHEN NOT stage IN ['delivered', 'delayed'] AND NOT datesAgree THEN 'date' END
] AS field
WITH d, stage, field, a, b,
     CASE field WHEN 'amount' THEN a.amount WHEN 'quantity' THEN a.quantity ELSE a.date END AS va,
     CASE field WHEN 'amount' THEN b.amount WHEN 'quantity' THEN b.quantity ELSE b.date END AS vb
WHERE field IS NOT NULL
WITH d, stage, field,
     CASE WHEN va < vb THEN va ELSE vb END AS valueA,
     CASE WHEN va < vb THEN a ELSE b END AS claimA,
     CASE WHEN va < vb THEN vb ELSE va END AS valueB,
     CASE WHEN va < vb THEN b ELSE a END AS claimB
WITH d, stage, field, valueA, valueB,
     collect(DISTINCT claimA) AS sideA,
     collect(DISTINCT claimB) AS sideB
WITH d, stage, field, valueA, valueB, sideA, sideB,
     coalesce([i IN range(0, size(d.stages) - 1) WHERE d.stages[i] = stage][0], size(d.stages)) AS step
ORDER BY coalesce(d.lastDate, '') DESC, d.id, step, field, valueA, valueB
LIMIT toInteger($limit)
RETURN d.id AS deal,
       d.dealName AS dealName,
       stage,
       field,
       CASE field WHEN 'amount' THEN sideA[0].currency END AS currency,
       valueA,
       COLLECT { UNWIND sideA AS c RETURN c.id AS x ORDER BY x } AS claimsA,
       COLLECT {
         UNWIND sideA AS c
         MATCH (c)-[:EVIDENCED_BY]->(:Evidence)-[:FROM_SOURCE]->(src:Source)
         RETURN DISTINCT {id: src.id, title: src.title, publicationDate: src.publicationDate} AS x ORDER BY x.id
       } AS sourcesA,
       COLLECT {
         UNWIND sideA AS c
         MATCH (c)-[:EVIDENCED_BY]->(ev:Evidence)
         RETURN DISTINCT ev.sentence AS x ORDER BY x
       } AS sentencesA,
       valueB,
       COLLECT { UNWIND sideB AS c RETURN c.id AS x ORDER BY x } AS claimsB,
       COLLECT {
         UNWIND sideB AS c
         MATCH (c)-[:EVIDENCED_BY]->(:Evidence)-[:FROM_SOURCE]->(src:Source)
         RETURN DISTINCT {id: src.id, title: src.title, publicationDate: src.publicationDate} AS x ORDER BY x.id
       } AS sourcesB,
       COLLECT {
         UNWIND sideB AS c
         MATCH (c)-[:EVIDENCED_BY]->(ev:Evidence)
         RETURN DISTINCT ev.sentence AS x ORDER BY x
       } AS sentencesB
ORDER BY coalesce(d.lastDate, '') DESC, deal, step, field, valueA, valueB
