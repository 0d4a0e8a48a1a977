/**
 * What a cold start of the API function loads. The API handler is built as `sst deploy` builds it
 * (infra/bundle.ts, packages/local/src/sst-bundle.ts) and the chunks its entry imports statically
 * (those Lambda loads before the first request) are held to DynamoDB-only weight: S3, the
 * presigner, lib-storage, fflate, yauzl and SQS load only on the routes that use them, and the OpenAPI
 * document's writer only with /openapi.json. The routes and their valibot shapes load at import:
 * every request needs them (docs/decisions.md). docs/benchmarks.md times the result; this keeps it
 * from creeping back.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleFunction, inputsLoadedAtImport, packageOf, type FunctionBundle } from "@sonna/local/sst-bundle";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/**
 * Never loaded by importing the API handler; each is still in the bundle, in a chunk of its own.
 * Powertools loads with the first line logged or metric counted (core/observability.ts).
 */
const LAZY_PACKAGES = [
  "@aws-sdk/client-s3",
  "@aws-sdk/s3-request-presigner",
  "@aws-sdk/lib-storage",
  "@aws-sdk/client-sqs",
  "fflate",
  "yauzl",
  // The webhook URL rules: loaded by the first endpoint registered or changed.
  "ipaddr.js",
  "@aws-lambda-powertools/logger",
  "@aws-lambda-powertools/metrics",
  "@scalar/hono-api-reference",
];

let api: FunctionBundle;
let floor: FunctionBundle;

before(async () => {
  const outdir = mkdtempSync(join(tmpdir(), "sonna-bundle-"));
  try {
    api = await bundleFunction(join(repoRoot, "packages/functions/src/api.ts"), join(outdir, "api"), repoRoot);
    floor = await bundleFunction(join(repoRoot, "bench/cold-start/floors/stats.ts"), join(outdir, "floor"), repoRoot);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

const packagesIn = (inputs: string[]) => new Set(inputs.map(packageOf));

test("importing the API handler loads no S3, presigner, lib-storage, fflate, yauzl, SQS, ipaddr.js, Powertools or Scalar code", () => {
  const loaded = packagesIn(inputsLoadedAtImport(api));
  for (const pkg of LAZY_PACKAGES) assert.ok(!loaded.has(pkg), `${pkg} is loaded at import`);
});

test("the reference page's 4.9 MB script is not bundled: it is read from the function package by the first /docs request", () => {
  assert.ok(!packagesIn(Object.keys(api.metafile.inputs)).has("@scalar/api-reference"));
});

test("those packages are bundled all the same, in chunks loaded on first use", () => {
  const bundled = packagesIn(Object.keys(api.metafile.inputs));
  for (const pkg of LAZY_PACKAGES) assert.ok(bundled.has(pkg), `${pkg} is not in the bundle at all`);
  assert.ok(api.bytesInAll > 2 * api.bytesAtImport, `${api.bytesInAll} bytes in all, ${api.bytesAtImport} at import`);
});

test("the OpenAPI writer and its schema converter load only with /openapi.json; no token verifier is bundled", () => {
  const atImport = inputsLoadedAtImport(api);
  assert.ok(!packagesIn(atImport).has("@valibot/to-json-schema"), "the valibot converter is loaded at import");
  // hono-openapi's vendor registries (a few hundred bytes) load with it; their converters do not.
  const converters = atImport.filter((file) => packageOf(file).startsWith("@standard-community/") && /\/(valibot|zod|arktype|effect|typebox|sury)-/.test(file));
  assert.deepEqual(converters, [], "a schema converter is loaded at import");
  assert.deepEqual(atImport.filter((file) => file.endsWith("packages/functions/src/document.ts")), [], "the document writer loads at import");
  assert.ok(!packagesIn(Object.keys(api.metafile.inputs)).has("jose"), "jose is in the bundle: tokens are verified by the authorizer");
  assert.ok(!packagesIn(atImport).has("zod"), "zod is loaded at import: shapes are valibot");
});

test("validation is valibot, with the routes and their shapes at import", () => {
  const atImport = inputsLoadedAtImport(api);
  assert.ok(packagesIn(atImport).has("valibot"));
  assert.ok(atImport.some((file) => file.includes("packages/functions/src/routes/history.ts")));
  assert.ok(atImport.some((file) => file.includes("packages/core/src/shapes/generation.ts")));
});

test("what an import loads beyond the floor (a bare Hono handler with a DynamoDB client) stays under 192 KB: routes, shapes, valibot, SDK modules S3 shares with DynamoDB", () => {
  const beyond = api.bytesAtImport - floor.bytesAtImport;
  assert.ok(beyond < 192 * 1024, `the API loads ${api.bytesAtImport} bytes at import, the floor ${floor.bytesAtImport}: ${beyond} more`);
});
