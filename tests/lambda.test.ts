/**
 * The deployed entry point, driven the way API Gateway drives it: HTTP API ($default route,
 * payload format 2.0) events in, proxy results out, against the runner's local stack.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { signLocalToken } from "@sonna/core/auth/tokens";
import { assertLoopbackEnv } from "./support/server";

if (process.env.SONNA_TEST_STACK !== "1") {
  throw new Error("tests/lambda.test.ts runs only inside the local stack: npx tsx tests/support/run.ts tests/lambda.test.ts");
}
assertLoopbackEnv();
const jwtSecret = process.env.SONNA_JWT_SECRET;
if (!jwtSecret) throw new Error("SONNA_JWT_SECRET is unset; the runner provides it");

// Imported only after the guards: the handler's module graph builds the AWS clients.
const { handler } = await import("../packages/functions/src/api");

type LambdaEvent = Parameters<typeof handler>[0];

interface LambdaResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

const API_ID = "a1b2c3d4e5";
const DOMAIN = `${API_ID}.execute-api.us-east-1.amazonaws.com`;
const SOURCE_IP = "203.0.113.7";
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) sonna-lambda-test";

/**
 * An HTTP API payload 2.0 event as API Gateway builds it: lower-cased headers, the query string
 * both raw and parsed, and a body that is base64-encoded when `base64` is set (HTTP APIs do that
 * for any content they treat as binary).
 */
function httpApiEvent(
  method: string,
  target: string,
  options: { token?: string; json?: unknown; base64?: boolean } = {},
): LambdaEvent {
  const url = new URL(target, `https://${DOMAIN}`);
  const now = new Date();
  const text = options.json === undefined ? undefined : JSON.stringify(options.json);
  const headers: Record<string, string> = {
    accept: "application/json",
    host: DOMAIN,
    "user-agent": USER_AGENT,
    "x-amzn-trace-id": `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replace(/-/g, "").slice(0, 24)}`,
    "x-forwarded-for": SOURCE_IP,
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https",
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (text !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(text));
  }
  const query = url.search.slice(1);
  const event = {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: query,
    headers,
    ...(query ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    requestContext: {
      accountId: "123456789012",
      apiId: API_ID,
      domainName: DOMAIN,
      domainPrefix: API_ID,
      http: { method, path: url.pathname, protocol: "HTTP/1.1", sourceIp: SOURCE_IP, userAgent: USER_AGENT },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: Boolean(options.base64 && text !== undefined),
    ...(text === undefined ? {} : { body: options.base64 ? Buffer.from(text).toString("base64") : text }),
  };
  return event as unknown as LambdaEvent;
}

async function invoke(event: LambdaEvent): Promise<{ status: number; headers: Record<string, string>; json: any }> {
  const result = (await handler(event)) as LambdaResult;
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

test("GET /history without a token is a 401 with {detail, code}", async () => {
  const res = await invoke(httpApiEvent("GET", "/history"));
  assert.equal(res.status, 401);
  assert.deepEqual(Object.keys(res.json).sort(), ["code", "detail"]);
  assert.equal(typeof res.json.detail, "string");
  assert.match(res.json.code, /^[a-z_]+\.[a-z_.]+$/);
});

test("a token signed with another secret is a 401", async () => {
  const forged = await signLocalToken(`${jwtSecret}-not`, `tenant-${randomUUID()}`);
  const res = await invoke(httpApiEvent("GET", "/history", { token: forged }));
  assert.equal(res.status, 401);
});

test("POST /profiles then GET /profiles, with plain and base64-encoded bodies", async () => {
  const token = await signLocalToken(jwtSecret, `lambda-${randomUUID()}`);

  const plain = await invoke(httpApiEvent("POST", "/profiles", { token, json: { name: "Narrator" } }));
  assert.equal(plain.status, 201, JSON.stringify(plain.json));
  assert.equal(plain.json.name, "Narrator");
  assert.equal(typeof plain.json.id, "string");

  const encoded = await invoke(httpApiEvent("POST", "/profiles", { token, json: { name: "Zoë 朗读" }, base64: true }));
  assert.equal(encoded.status, 201, JSON.stringify(encoded.json));
  assert.equal(encoded.json.name, "Zoë 朗读");

  const list = await invoke(httpApiEvent("GET", "/profiles", { token }));
  assert.equal(list.status, 200);
  // A fresh tenant: exactly the two profiles made above, nobody else's.
  assert.deepEqual(
    list.json.items.map((p: { id: string }) => p.id).sort(),
    [plain.json.id, encoded.json.id].sort(),
  );
});
