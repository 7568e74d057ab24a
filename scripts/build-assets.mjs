// Copies the front-end packages installed from the npm registry into Django's static
// files, so the product serves them itself: police networks are often air-gapped.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "src/liaison/core/static/vendor");
const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
  "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
  "bootstrap-icons/font/fonts": "bootstrap-icons/fonts",
  "chart.js/dist/chart.umd.min.js": "chart.js/chart.umd.min.js",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
};

rmSync(target, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  const dest = join(target, to);
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(join(root, "node_modules", from), dest, { recursive: true });
}
console.log(`static assets copied to ${target}`);
