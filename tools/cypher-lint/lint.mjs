// Lint Cypher statements with Neo4j's own linter (@neo4j-cypher/language-support).
// Input on stdin: a JSON array of {"id": string, "text": string}.
// Output on stdout: a JSON array of {"id", "diagnostics": [{"severity", "message", "offset"}]},
// with undefined-parameter diagnostics removed (the statements take their values as parameters).
// Statements are checked as Cypher 5, the dialect of the Neo4j 5 deployment.
import { lintCypherQuery, isNotParamError } from '@neo4j-cypher/language-support';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const statements = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const schema = { defaultLanguage: 'CYPHER 5' };
const severity = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const results = statements.map(({ id, text }) => ({
  id,
  diagnostics: lintCypherQuery(text, schema).diagnostics
    .filter(isNotParamError)
    .map((d) => ({ severity: severity[d.severity] ?? String(d.severity), message: d.message, offset: d.offsets?.start ?? null })),
}));
process.stdout.write(JSON.stringify(results));
