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
  // the API's /docs page (kg/api/docs.py): Swagger UI, Apache-2.0, with its notice and the
  // licences of what its bundle includes
  ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui-bundle.js"],
  ["swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt", "swagger-ui-bundle.js.LICENSE.txt"],
  ["swagger-ui-dist/swagger-ui.css", "swagger-ui.css"],
  ["swagger-ui-dist/favicon-32x32.png", "swagger-ui-favicon-32x32.png"],
  ["swagger-ui-dist/LICENSE", "swagger-ui.LICENSE"],
  ["swagger-ui-dist/NOTICE", "swagger-ui.NOTICE"],
]) {
  copyFileSync(join(here, "node_modules", from), join(target, to));
  console.log(`vendored ${from} -> kg/web/static/vendor/${to}`);
}
