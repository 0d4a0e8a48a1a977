/**
 * The deployed entry point, driven the way API Gateway drives it: HTTP API ($default route,
 * payload format 2.0) events in, proxy results out, against the runner's local stack. Twice: the
 * handler as written, and the handler as `sst deploy` bundles it (infra/bundle.ts: ESM, minified,
 * split into chunks), so a route whose modules load on first use is proven to load in the bundle.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";
import { signLocalToken } from "@sonna/local/tokens";
import { bundleFunction } from "@sonna/local/sst-bundle";
import { apiFunctionFiles, referenceScriptFile } from "../infra/bundle";
import { httpApiEvent } from "@sonna/local/http-api-event";
import { IMPORT_BODY_LIMIT } from "../packages/functions/src/routes/transfer";
import { assertLoopbackEnv } from "./support/server";

if (process.env.SONNA_TEST_STACK !== "1") {
  throw new Error("tests/lambda.test.ts runs only inside the local stack: npx tsx tests/support/run.ts tests/lambda.test.ts");
}
assertLoopbackEnv();
const jwtSecret = process.env.SONNA_JWT_SECRET;
if (!jwtSecret) throw new Error("SONNA_JWT_SECRET is unset; the runner provides it");

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

type Handler = (event: unknown) => Promise<unknown>;

interface LambdaResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

const bundleDir = mkdtempSync(join(tmpdir(), "sonna-lambda-bundle-"));
after(() => rmSync(bundleDir, { recursive: true, force: true }));

// Imported only after the guards: the handler's module graph builds the AWS clients.
const handlers: [string, () => Promise<Handler>][] = [
  ["the handler as written", async () => (await import("../packages/functions/src/api")).handler as Handler],
  [
    "the handler as SST bundles it",
    async () => {
      const bundle = await bundleFunction(join(repoRoot, "packages/functions/src/api.ts"), bundleDir, repoRoot, apiFunctionFiles);
      return (await import(pathToFileURL(bundle.entry).href)).handler as Handler;
    },
  ],
];

for (const [flavor, load] of handlers) {
  describe(flavor, () => {
    let handler: Handler;

    async function call(event: unknown): Promise<LambdaResult> {
      handler ??= await load();
      return (await handler(event)) as LambdaResult;
    }

    async function invoke(event: unknown): Promise<{ status: number; headers: Record<string, string>; json: any }> {
      const result = await call(event);
      assert.equal(typeof result.statusCode, "number");
      assert.equal(result.isBase64Encoded, false, "JSON responses must not be base64-encoded");
      const headers = result.headers ?? {};
      assert.match(headers["content-type"] ?? "", /^application\/json/);
      return { status: result.statusCode, headers, json: JSON.parse(result.body) };
    }

    test("GET /health answers 200 with JSON", async () => {
      const res = await invoke(httpApiEvent("GET", "/health"));
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, { status: "ok" });
    });

    test("GET /history without the authorizer's claims is a 401 with {detail, code}", async () => {
      const res = await invoke(httpApiEvent("GET", "/history"));
      assert.equal(res.status, 401);
      assert.deepEqual(Object.keys(res.json).sort(), ["code", "detail"]);
      assert.equal(typeof res.json.detail, "string");
      assert.match(res.json.code, /^[a-z_]+\.[a-z_.]+$/);
    });

    test("a bearer token alone is a 401: the function trusts only the claims the authorizer verified", async () => {
      const token = await signLocalToken(jwtSecret, `tenant-${randomUUID()}`);
      const res = await invoke(httpApiEvent("GET", "/history", { token }));
      assert.equal(res.status, 401);
    });

    test("POST /history/import takes the largest body an invocation can carry base64-encoded, and no more", async () => {
      const claims = { sub: `lambda-${randomUUID()}` };
      const boundary = "sonna-lambda-limit";
      const multipart = (size: number) => {
        const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.zip"\r\nContent-Type: application/zip\r\n\r\n`);
        const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
        return Buffer.concat([head, Buffer.alloc(size - head.length - tail.length, 0x61), tail]);
      };
      const contentType = `multipart/form-data; boundary=${boundary}`;
      const largest = httpApiEvent("POST", "/history/import", { claims, token: "x".repeat(1200), binary: { contentType, bytes: multipart(IMPORT_BODY_LIMIT) } });
      assert.ok(JSON.stringify(largest).length <= 6_291_456, `the event is ${JSON.stringify(largest).length} bytes`);
      const taken = await invoke(largest);
      assert.equal(taken.status, 422, JSON.stringify(taken.json));
      assert.equal(taken.json.code, "archive.not_zip");
      const over = await invoke(httpApiEvent("POST", "/history/import", { claims, binary: { contentType, bytes: multipart(IMPORT_BODY_LIMIT + 1) } }));
      assert.equal(over.status, 413, JSON.stringify(over.json));
      assert.equal(over.json.code, "request.too_large");
    });

    test("POST /profiles then GET /profiles, with plain and base64-encoded bodies", async () => {
      const tenant = { claims: { sub: `lambda-${randomUUID()}` } };

      const plain = await invoke(httpApiEvent("POST", "/profiles", { ...tenant, json: { name: "Narrator" } }));
      assert.equal(plain.status, 201, JSON.stringify(plain.json));
      assert.equal(plain.json.name, "Narrator");
      assert.equal(typeof plain.json.id, "string");

      const encoded = await invoke(httpApiEvent("POST", "/profiles", { ...tenant, json: { name: "Zoë 朗读" }, base64: true }));
      assert.equal(encoded.status, 201, JSON.stringify(encoded.json));
      assert.equal(encoded.json.name, "Zoë 朗读");

      const list = await invoke(httpApiEvent("GET", "/profiles", tenant));
      assert.equal(list.status, 200);
      // A fresh tenant: exactly the two profiles made above, nobody else's.
      assert.deepEqual(
        list.json.items.map((p: { id: string }) => p.id).sort(),
        [plain.json.id, encoded.json.id].sort(),
      );
    });

    test("routes whose modules load on first use: create (presigned upload), get, list, stats, the OpenAPI document", async () => {
      const tenant = { claims: { sub: `lambda-${randomUUID()}` } };
      const profile = await invoke(httpApiEvent("POST", "/profiles", { ...tenant, json: { name: "Reader" } }));
      const created = await invoke(httpApiEvent("POST", "/history", { ...tenant, json: { profile_id: profile.json.id, text: "Hello from a bundle" } }));
      assert.equal(created.status, 201, JSON.stringify(created.json));
      assert.match(created.json.upload.url, /^http:\/\/127\.0\.0\.1:\d+\/.*X-Amz-Signature=/);
      const id = created.json.generation.id;

      const one = await invoke(httpApiEvent("GET", `/history/${id}`, tenant));
      assert.equal(one.status, 200, JSON.stringify(one.json));
      assert.equal(one.json.text, "Hello from a bundle");
      assert.equal(one.json.audio_url, null, "no audio yet, so no download link");

      const listed = await invoke(httpApiEvent("GET", "/history?search=BUNDLE", tenant));
      assert.deepEqual(listed.json.items.map((g: { id: string }) => g.id), [id]);
      assert.equal((await invoke(httpApiEvent("GET", "/history/stats", tenant))).json.total_generations, 1);

      const doc = await invoke(httpApiEvent("GET", "/openapi.json"));
      assert.equal(doc.status, 200);
      assert.ok(doc.json.paths["/history/{id}"].get, "the document lists GET /history/{id}");
    });

    test("the reference page and its script, which reaches the function as infra/api.ts copies it and answers gzip-encoded within Lambda's 6 MB", async () => {
      const page = await call(httpApiEvent("GET", "/docs"));
      assert.equal(page.statusCode, 200);
      const path = page.body.match(/<script src="([^"]+)"/)?.[1] ?? "";
      assert.match(path, /^\/docs\/assets\//);
      const script = await call(httpApiEvent("GET", path, { headers: { "accept-encoding": "gzip, deflate, br" } }));
      assert.equal(script.statusCode, 200);
      assert.equal(script.headers?.["content-encoding"], "gzip");
      assert.equal(script.isBase64Encoded, true);
      assert.ok(gunzipSync(Buffer.from(script.body, "base64")).equals(readFileSync(join(repoRoot, referenceScriptFile))));
      assert.ok(Buffer.byteLength(JSON.stringify(script)) < 6 * 1024 * 1024, `${Buffer.byteLength(JSON.stringify(script))} bytes of Lambda response`);
    });
  });
}
