// Copies the front-end packages installed from the npm registry into Django's static
// files, so the product serves them itself: police networks are often air-gapped.
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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
  "chart.js/dist/chart.umd.min.js.map": "chart.js/chart.umd.min.js.map",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  // Passkeys: the browser half of WebAuthn (core/static/core/passkeys.js uses it).
  "@simplewebauthn/browser/dist/bundle/index.umd.min.js": "simplewebauthn/browser.umd.min.js",
  "@simplewebauthn/browser/LICENSE.md": "simplewebauthn/LICENSE.md",
  // The case map: world country shapes (Natural Earth 1:50m, TopoJSON keyed by ISO 3166
  // numeric code) and the client that turns them into GeoJSON. No tile server is needed.
  "world-atlas/countries-50m.json": "world-atlas/countries-50m.json",
  "world-atlas/LICENSE": "world-atlas/LICENSE",
  "topojson-client/dist/topojson-client.min.js": "topojson-client/topojson-client.min.js",
  "topojson-client/LICENSE": "topojson-client/LICENSE",
};

rmSync(target, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  const dest = join(target, to);
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(join(root, "node_modules", from), dest, { recursive: true });
}
// Hangul for machines without a Korean system font (a partner liaison's, an air-gapped
// server's browser): Noto Sans KR in two weights, woff2 only; every browser we support reads it.
const font = join(root, "node_modules/@fontsource/noto-sans-kr");
const fontTarget = join(target, "noto-sans-kr");
mkdirSync(join(fontTarget, "files"), { recursive: true });
for (const weight of ["400", "700"]) {
  const css = readFileSync(join(font, `${weight}.css`), "utf8").replace(/, url\([^)]*\.woff\) format\('woff'\)/g, "");
  writeFileSync(join(fontTarget, `${weight}.css`), css);
}
for (const file of readdirSync(join(font, "files"))) {
  if (/-(400|700)-normal\.woff2$/.test(file)) cpSync(join(font, "files", file), join(fontTarget, "files", file));
}

console.log(`static assets copied to ${target}`);
