/**
 * The API reference at /docs: Scalar renders /openapi.json in the browser, with its script served
 * from here (/docs/assets/...) out of the installed `@scalar/api-reference` package, so the page
 * works offline (`npm start`) and the browser asks no third-party origin for anything.
 *
 * Mount with `app.route("/docs", referencePage)`. Importing this module loads nothing beyond Hono
 * and Node builtins: the script is read on the first /docs request and Scalar's page renderer is
 * imported then, so API requests never pay for either (tests/bundle.test.ts).
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { Hono } from "hono";
import { accepts } from "hono/accepts";
import { onFirstUse } from "@sonna/core/lazy";
import { referenceScriptFile } from "../../../infra/bundle";

/** The script under the nearest directory above this module that has it (infra/bundle.ts says why). */
function findScript(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, referenceScriptFile);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`${referenceScriptFile} is in no directory above ${fileURLToPath(import.meta.url)}`);
  }
}

const script = onFirstUse(async () => {
  const body = await readFile(findScript());
  // The name changes with the content, so browsers may keep it for good (`immutable`).
  const name = `scalar-${createHash("sha256").update(body).digest("hex").slice(0, 16)}.js`;
  return { body, name, path: `/docs/assets/${name}` };
});

// About 4.9 MB as installed: gzip takes it to about 1.4 MB, which a Lambda answer carries even base64-encoded
// (the 6 MB cap). Compressed once per process, on the first request that accepts it.
const gzipped = onFirstUse(async () => promisify(gzip)((await script()).body, { level: 9 }));

const page = onFirstUse(async () => {
  const [{ Scalar }, { path }] = await Promise.all([import("@scalar/hono-api-reference"), script()]);
  return Scalar({
    url: "/openapi.json",
    pageTitle: "Sonna History API",
    // The page loads Scalar's standalone script from this URL instead of Scalar's CDN.
    cdn: path,
    // Scalar's own services, off: its web fonts (the system's fonts stand in), usage telemetry, the AI
    // chat that sends the document to Scalar, and the localhost toolbar that offers to publish it.
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    showDeveloperTools: "never",
  });
});

export const referencePage = new Hono()
  .get("/", async (c, next) => (await page())(c, next))
  .get("/assets/:name", async (c) => {
    const { body, name } = await script();
    if (c.req.param("name") !== name) return c.notFound();
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    c.header("Vary", "Accept-Encoding");
    if (accepts(c, { header: "Accept-Encoding", supports: ["gzip"], default: "identity" }) !== "gzip") return c.body(body, 200);
    c.header("Content-Encoding", "gzip");
    return c.body(await gzipped(), 200);
  });
