// Copies the pinned front-end libraries from node_modules into kg/web/static/vendor,
// where the explorer page and kg viz pictures read them (nothing is fetched from a CDN).
// Run after changing a version in package.json:  npm ci --prefix tools/web && npm run vendor --prefix tools/web
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "..", "kg", "web", "static", "vendor");
mkdirSync(target, { recursive: true });
for (const [from, to] of [
  ["cytoscape/dist/cytoscape.min.js", "cytoscape.min.js"],
  ["cytoscape/LICENSE", "cytoscape.LICENSE"],
]) {
  copyFileSync(join(here, "node_modules", from), join(target, to));
  console.log(`vendored ${from} -> kg/web/static/vendor/${to}`);
}
