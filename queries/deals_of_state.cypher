// Deals of a state
// description: The deals a state is part of as recipient or supplier (the deal linker's deals: each is one arms transfer as the claims of many sources tell it), one row per state and deal: its role(s), the deal's name, stages in order (requested, notified, approved, order, contracted, delivered, delayed, blocked, cancelled; "order" is a sale that states no stage), first and last dates, how many claims and sources tell it, the other side (suppliers of a deal it receives, recipients of a deal it supplies), the contractors and the systems. The state is a canonical id or a name (state:TW, Taiwan), matched case-insensitively; null lists the deals of every recipient and supplier. Dates are partial ISO strings; a deal is kept when its first-to-last dates overlap the period (undated deals are left out once from or to is set). The latest first (by last date), undated last.
// param state: entity = null -- the state (or other actor): canonical id or name; null for every recipient and supplier
// param from: date = null -- earliest date, YYYY, YYYY-MM or YYYY-MM-DD; null for no lower bound
// param to: date = null -- latest date, YYYY, YYYY-MM or YYYY-MM-DD; null for no upper bound
// param limit: integer = 100 -- at most this many rows
// example: :param {state: 'state:TW', from: null, to: null, limit: 100}
// example: :param {state: 'Poland', from: '2024', to: null, limit: 100}
// The deals are walked to from the actors the name matches (one pass over the actors), never from
// every deal with a filter on its parties.
MATCH (a:Actor)
WHERE $state IS NULL OR a.id = $state
   OR toLower($state) IN [n IN [a.name] + coalesce(a.alias, []) + coalesce(a.sourceName, []) | toLower(n)]
MATCH (a)<-[r:DEAL_RECIPIENT|DEAL_SUPPLIER]-(d:Deal)
WHERE ($from IS NULL OR left(d.lastDate, size($from)) >= left($from, size(d.lastDate)))
  AND ($to IS NULL OR left(d.firstDate, size($to)) <= left($to, size(d.firstDate)))
WITH a, d, collect(type(r)) AS types
WITH a, d, [role IN ['recipient', 'supplier'] WHERE 'DEAL_' + toUpper(role) IN types] AS roles
ORDER BY coalesce(d.lastDate, '') DESC, d.id, a.id
LIMIT toInteger($limit)
RETURN a.id AS state,
       a.name AS stateName,
       roles,
       d.id AS deal,
       d.dealName AS dealName,
       d.stages AS stages,
       d.firstDate AS firstDate,
       d.lastDate AS lastDate,
       d.claimCount AS claimCount,
       d.sourceCount AS sourceCount,
       COLLECT {
         MATCH (d)-[:DEAL_SUPPLIER]->(x:Actor) WHERE x <> a
         RETURN {id: x.id, name: x.name} AS y ORDER BY y.id
       } AS suppliers,
       COLLECT {
         MATCH (d)-[:DEAL_RECIPIENT]->(x:Actor) WHERE x <> a
         RETURN {id: x.id, name: x.name} AS y ORDER BY y.id
       } AS recipients,
       COLLECT {
         MATCH (d)-[:DEAL_CONTRACTOR]->(x:Actor)
         RETURN {id: x.id, name: x.name} AS y ORDER BY y.id
       } AS contractors,
       COLLECT {
         MATCH (d)-[:DEAL_SYSTEM]->(w:WeaponSystem)
         RETURN {id: w.id, name: w.name} AS y ORDER BY y.id
       } AS systems
ORDER BY coalesce(lastDate, '') DESC, deal, state
