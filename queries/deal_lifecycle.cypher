// Deal lifecycle
// description: One deal's life, stage by stage: every claim the deal linker put in the deal (each source's account of the transfer: a news report of the sale, the approval, the transmittal, the contract award, a register row, a delivery), in the order of the deal's stages (requested, notified, approved, order, contracted, delivered, delayed, blocked, cancelled; "order" is a sale that states no stage) and by date within a stage, each with its type, date, amount, currency and quantity, its evidence sentence, its source (id, title, publication date) and the link's score and reasons. deal is a deal id (deal:...) or the id of a claim that tells it (event:...); null lists every deal, the latest first (by its last date, undated last).
// param deal: string = null -- a deal id (deal:...) or the id of an event that tells it (event:...); null for every deal
// param limit: integer = 20 -- at most this many deals (all the claims of each)
// example: :param {deal: 'event:2025-11-17-dod-contracts:award-1', limit: 20}
// example: :param {deal: null, limit: 5}
// The deal is reached by its id or through the claim's TELLS_DEAL link, each an index lookup; a
// deal's own stages list gives the order of the stages (the linker writes it in stage order).
CALL () {
  MATCH (d:Deal {id: $deal})
  RETURN d
  UNION
  MATCH (:Event {id: $deal})-[:TELLS_DEAL]->(d:Deal)
  RETURN d
  UNION
  WITH 0 AS unfiltered WHERE $deal IS NULL
  MATCH (d:Deal)
  RETURN d
}
WITH d
ORDER BY coalesce(d.lastDate, '') DESC, d.id
LIMIT toInteger($limit)
MATCH (d)<-[link:TELLS_DEAL]-(e:Event)
WITH d, link, e,
     coalesce([i IN range(0, size(d.stages) - 1) WHERE d.stages[i] = link.dealStage][0] + 1, size(d.stages) + 1) AS step,
     COLLECT {
       MATCH (e)-[:EVIDENCED_BY]->(ev:Evidence)-[:FROM_SOURCE]->(src:Source)
       RETURN {sentence: ev.sentence, offset: ev.startOffset, source: src.id, title: src.title,
               published: src.publicationDate} AS x
       ORDER BY coalesce(x.offset, -1), x.sentence
     } AS evidence
RETURN d.id AS deal,
       d.dealName AS dealName,
       step,
       link.dealStage AS stage,
       e.id AS claim,
       [l IN labels(e) WHERE l <> 'Event'][0] AS type,
       e.date AS date,
       e.amount AS amount,
       e.currency AS currency,
       e.quantity AS quantity,
       evidence[0].sentence AS sentence,
       coalesce(evidence[0].source, e.sourceId) AS sourceId,
       evidence[0].title AS sourceTitle,
       evidence[0].published AS publicationDate,
       link.linkScore AS score,
       link.linkReason AS reasons
ORDER BY coalesce(d.lastDate, '') DESC, deal, step, coalesce(date, ''), claim
