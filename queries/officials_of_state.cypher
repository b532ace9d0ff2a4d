// Officials of a state
// description: The people who hold or held posts in a state: posts POST_IN the state itself or in an organisation inside it (SUB_ORGANIZATION_OF, at any depth, such as a ministry or the armed forces), each with title, organisation, start and end dates and source, over time; and the statements each official made (date, quote, source). The state is a canonical id or a name (state:TW, Taiwan), matched case-insensitively; another actor (an agency, a company) works too. Null lists the officials of every state. One row per state and person, ordered by the earliest post start.
// param state: entity = null -- the state (or organisation): canonical id or name; null for every state
// param limit: integer = 100 -- at most this many officials
// example: :param {state: 'state:TW', limit: 100}
// example: :param {state: 'United States', limit: 100}
MATCH (post:Post)-[:POST_IN]->(org:Actor)-[:SUB_ORGANIZATION_OF*0..4]->(target:Actor)
WHERE ($state IS NULL AND target:State)
   OR ($state IS NOT NULL AND (target.id = $state OR toLower(target.name) = toLower($state)
       OR any(n IN coalesce(target.alias, []) + coalesce(target.sourceName, []) WHERE toLower(n) = toLower($state))))
MATCH (post)-[:HOLDER]->(person:Person)
WITH target, person, post, org
ORDER BY coalesce(post.startDate, ''), post.title, post.id
WITH target, person,
     collect(DISTINCT {
       title: post.title,
       organization: org.id,
       organizationName: org.name,
       startDate: post.startDate,
       endDate: post.endDate,
       post: post.id,
       sourceId: post.sourceId
     }) AS posts
RETURN target.id AS state,
       target.name AS stateName,
       person.id AS official,
       person.name AS name,
       posts,
       COLLECT {
         MATCH (s:Statement)-[:SPEAKER]->(person)
         RETURN {
           event: s.id,
           date: s.date,
           quote: s.quote,
           subjects: [(s)-[:SUBJECT]->(a:Actor) | a.id],
           sourceId: s.sourceId
         } AS x ORDER BY coalesce(x.date, ''), x.event
       } AS statements
ORDER BY state, coalesce(posts[0].startDate, ''), name, official
LIMIT toInteger($limit)
