/**
 * What a cold start of the API function loads. The API handler is built as `sst deploy` builds it
 * (infra/bundle.ts, packages/local/src/sst-bundle.ts) and the chunks its entry imports statically
 * (those Lambda loads before the first request) are held to DynamoDB-only weight: S3, the
 * presigner, lib-storage, fflate and SQS load only on the routes that use them; validation, the
 * token check and the routes themselves with the first request of their route group.
 * docs/benchmarks.md times the result; this keeps it from creeping back.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleFunction, inputsLoadedAtImport, inputsLoadedWith, packageOf, type FunctionBundle } from "@sonna/local/sst-bundle";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** Never loaded by importing the API handler; each is still in the bundle, in a chunk of its own. */
const LAZY_PACKAGES = ["@aws-sdk/client-s3", "@aws-sdk/s3-request-presigner", "@aws-sdk/lib-storage", "@aws-sdk/client-sqs", "fflate"];

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

test("importing the API handler loads no S3, presigner, lib-storage, fflate or SQS code", () => {
  const loaded = packagesIn(inputsLoadedAtImport(api));
  for (const pkg of LAZY_PACKAGES) assert.ok(!loaded.has(pkg), `${pkg} is loaded at import`);
});

test("those packages are bundled all the same, in chunks loaded on first use", () => {
  const bundled = packagesIn(Object.keys(api.metafile.inputs));
  for (const pkg of LAZY_PACKAGES) assert.ok(bundled.has(pkg), `${pkg} is not in the bundle at all`);
  assert.ok(api.bytesInAll > 2 * api.bytesAtImport, `${api.bytesInAll} bytes in all, ${api.bytesAtImport} at import`);
});

test("validation, the token check and the routes load with a route group's first request, not at import", () => {
  const atImport = inputsLoadedAtImport(api);
  const loaded = packagesIn(atImport);
  for (const pkg of ["zod", "jose"]) assert.ok(!loaded.has(pkg), `${pkg} is loaded at import`);
  const ours = (path: string) => atImport.filter((file) => file.includes(`packages/functions/src/${path}`));
  assert.deepEqual(ours("routes/"), [], "route modules are loaded at import");
  for (const module of ["schemas.ts", "openapi.ts", "auth.ts", "served-group.ts", "openapi-document.ts"]) assert.deepEqual(ours(module), []);
});

test("validation is zod/mini with only the English messages", () => {
  const groupModules = ["served-group.ts", "routes/history.ts", "routes/profiles.ts", "routes/transfer.ts"];
  const zodFiles = groupModules.flatMap((module) => inputsLoadedWith(api, `packages/functions/src/${module}`)).filter((file) => packageOf(file) === "zod");
  assert.ok(zodFiles.some((file) => file.includes("zod/v4/mini/")), "validation runs on zod/mini");
  assert.deepEqual(zodFiles.filter((file) => file.includes("zod/v4/classic/")), [], "classic zod loads with the routes");
  assert.deepEqual(zodFiles.filter((file) => file.includes("/locales/") && !file.endsWith("/locales/en.js")), [], "other locales load with the routes");
});

test("what an import loads is within 64 KB of the floor (a bare Hono handler with a DynamoDB client): SDK modules S3 shares with DynamoDB, our router", () => {
  const beyond = api.bytesAtImport - floor.bytesAtImport;
  assert.ok(beyond < 64 * 1024, `the API loads ${api.bytesAtImport} bytes at import, the floor ${floor.bytesAtImport}: ${beyond} more`);
});
