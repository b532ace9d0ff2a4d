// What we knew
// description: The deals of a state or a weapon system as the sources published by a day told them: only claims whose source was published on or before as_of count (a source dated only to the month or year counts once that whole month or year is over by then; an undated source never counts). One row per deal with a claim known by then: the stages known by then, in order (requested, notified, approved, order, contracted, delivered, delayed, blocked, cancelled), the first and last dates, claim and source counts of those claims, how many of the deal's claims were published later (or undated), and the known claims in stage order (type, stage, date, amount, currency, quantity, source, its title and publication date). A deal is found by its recipients, suppliers and systems as the graph holds them now. state (a recipient or supplier) and system are a canonical id or a name (state:TW, Taiwan; system:nasams, NASAMS), matched case-insensitively; null for any. as_of is a day, or a month or year meaning its last day; null counts every claim. The latest first (by last date known), undated last.
// param state: entity = null -- a recipient or supplier of the deal (state or other actor): canonical id or name; null for any
// param system: entity = null -- a weapon system of the deal: canonical id or name; null for any
// param as_of: date = null -- the day of the sources' knowledge, YYYY-MM-DD (a month or year: its last day); null for every claim
// param limit: integer = 50 -- at most this many deals
// example: :param {state: 'Taiwan', system: 'NASAMS', as_of: '2024-12-31', limit: 50}
// example: :param {state: 'state:TW', system: null, as_of: '2025-11-18', limit: 50}
// Names are resolved in one pass over actors and systems; the deals are walked to from the state
// when it is given, else from the system. A date's period ends on the last day of its year or month
// (February by the leap-year rule), so "published by as_of" is a comparison of two such ends, as
// text, and a deal's last date is the one whose period ends last (as the deal linker takes it).
CALL () {
  MATCH (x:Actor|WeaponSystem)
  WITH x, [n IN [x.name] + coalesce(x.alias, []) + coalesce(x.sourceName, []) | toLower(n)] AS names
  RETURN collect(CASE WHEN x:Actor AND (x.id = $state OR toLower($state) IN names) THEN x END) AS states,
         collect(CASE WHEN x:WeaponSystem AND (x.id = $system OR toLower($system) IN names) THEN x END) AS systems
}
CALL (states, systems) {
  WITH states WHERE $state IS NOT NULL
  UNWIND states AS s
  MATCH (s)<-[:DEAL_RECIPIENT|DEAL_SUPPLIER]-(d:Deal)
  RETURN DISTINCT d
  UNION
  WITH systems WHERE $state IS NULL AND $system IS NOT NULL
  UNWIND systems AS w
  MATCH (w)<-[:DEAL_SYSTEM]-(d:Deal)
  RETURN DISTINCT d
  UNION
  WITH 0 AS unfiltered WHERE $state IS NULL AND $system IS NULL
  MATCH (d:Deal)
  RETURN d
}
WITH d, systems
WHERE $system IS NULL OR $state IS NULL OR EXISTS { (d)-[:DEAL_SYSTEM]->(w) WHERE w IN systems }
MATCH (d)<-[link:TELLS_DEAL]-(e:Event)
OPTIONAL MATCH (src:Source {id: e.sourceId})
WITH d, link, e, src,
     [x IN [$as_of, src.publicationDate, e.date] |
       CASE size(x)
         WHEN 4 THEN x + '-12-31'
         WHEN 7 THEN x + '-' + CASE
           WHEN right(x, 2) IN ['04', '06', '09', '11'] THEN '30'
           WHEN right(x, 2) <> '02' THEN '31'
           WHEN toInteger(left(x, 4)) % 4 = 0
                AND (toInteger(left(x, 4)) % 100 <> 0 OR toInteger(left(x, 4)) % 400 = 0) THEN '29'
           ELSE '28' END
         ELSE x END] AS ends
WITH d, link, e, src, ends[2] AS dateEnd,
     coalesce($as_of IS NULL OR ends[1] <= ends[0], false) AS known
WITH d,
     collect(CASE WHEN known THEN {
       id: e.id, type: [l IN labels(e) WHERE l <> 'Event'][0], stage: link.dealStage, date: e.date,
       amount: e.amount, currency: e.currency, quantity: e.quantity,
       source: e.sourceId, sourceTitle: src.title, publicationDate: src.publicationDate
     } END) AS claims,
     collect(CASE WHEN known THEN link.dealStage END) AS knownStages,
     min(CASE WHEN known THEN e.date END) AS firstDate,
     max(CASE WHEN known AND e.date IS NOT NULL THEN dateEnd + ' ' + e.date END) AS lastKey,
     count(DISTINCT CASE WHEN known THEN e.sourceId END) AS sourceCount,
     count(CASE WHEN NOT known THEN 1 END) AS laterClaims
WHERE size(claims) > 0
WITH d, claims, knownStages, firstDate, split(lastKey, ' ')[1] AS lastDate, sourceCount, laterClaims
ORDER BY coalesce(lastDate, '') DESC, d.id
LIMIT toInteger($limit)
RETURN d.id AS deal,
       d.dealName AS dealName,
       $as_of AS asOf,
       [s IN d.stages WHERE s IN knownStages] AS stages,
       firstDate,
       lastDate,
       size(claims) AS claimCount,
       sourceCount,
       laterClaims,
       COLLECT {
         UNWIND claims AS c
         RETURN c AS x
         ORDER BY coalesce([i IN range(0, size(d.stages) - 1) WHERE d.stages[i] = x.stage][0], size(d.stages)),
                  coalesce(x.date, ''), x.id
       } AS claims
ORDER BY coalesce(lastDate, '') DESC, deal
