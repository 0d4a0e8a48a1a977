import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { SignJWT, UnsecuredJWT } from "jose";
import { LOCAL_AUDIENCE, LOCAL_ISSUER, signLocalToken } from "@sonna/local/tokens";
import { isPublicPath } from "@sonna/core/public-routes";
import { startApi, tenant, type Api } from "./support/server";
import { assertError, randomId } from "./support/fixtures";

let api: Api;
/** Every authenticated operation in the OpenAPI document, with path parameters filled in. */
let operations: { method: string; template: string; path: string; hasBody: boolean }[];

const secret = () => process.env.SONNA_JWT_SECRET!;
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  api = await startApi();
  const doc = await api.json("/openapi.json");
  assert.equal(doc.status, 200);
  operations = [];
  for (const [template, item] of Object.entries(doc.body.paths as Record<string, Record<string, { requestBody?: unknown }>>)) {
    if (isPublicPath(template)) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      let path = template;
      for (const param of template.match(/\{[^}]+\}/g) ?? []) path = path.replace(param, await randomId());
      operations.push({ method: method.toUpperCase(), template, path, hasBody: operation.requestBody !== undefined });
    }
  }
});
after(() => api?.close());

/** Calls every authenticated operation with `authorization` and returns what did not answer a proper 401. */
async function failuresWith(authorization: string | undefined): Promise<string[]> {
  const failures: string[] = [];
  await Promise.all(
    operations.map(async (op) => {
      const headers: Record<string, string> = {};
      if (authorization !== undefined) headers.authorization = authorization;
      const res = await api.json(op.path, { method: op.method, headers, ...(op.hasBody ? { body: {} } : {}) });
      try {
        assertError(res, 401, "auth.unauthorized");
        assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
      } catch (error) {
        failures.push(`${op.method} ${op.template}: ${(error as Error).message.split("\n")[0]}`);
      }
    }),
  );
  return failures;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const claims = (sub = "mallory") => ({ sub, iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, iat: now(), exp: now() + 3600 });
const hs = (alg: string, payload: Record<string, unknown>, key: string = secret()) =>
  new SignJWT(payload).setProtectedHeader({ alg }).sign(new TextEncoder().encode(key));

describe("every authenticated route answers 401 JSON", () => {
  test("the OpenAPI document lists the routes this test walks", () => {
    const templates = new Set(operations.map((op) => op.template));
    for (const expected of ["/profiles", "/profiles/{id}", "/history", "/history/{id}", "/history/stats", "/history/{id}/complete"]) {
      assert.ok(templates.has(expected), `${expected} is in /openapi.json`);
    }
    assert.ok(operations.length >= 15, `${operations.length} operations`);
  });

  const cases: [string, () => Promise<string | undefined>][] = [
    ["no Authorization header", async () => undefined],
    ["an empty Authorization header", async () => ""],
    ["Bearer garbage", async () => "Bearer garbage"],
    ["Bearer with no token", async () => "Bearer "],
    ["a Basic scheme", async () => `Basic ${Buffer.from("user:pass").toString("base64")}`],
    ["a valid token without the Bearer scheme", async () => signLocalToken(secret(), "t-x", { expiresIn: "1h" })],
    ["an expired token", async () => `Bearer ${await signLocalToken(secret(), "t-x", { expiresIn: now() - 60 })}`],
    ["a token for another audience", async () => `Bearer ${await signLocalToken(secret(), "t-x", { expiresIn: "1h", audience: "someone-else" })}`],
    ["a token from another issuer", async () => `Bearer ${await signLocalToken(secret(), "t-x", { expiresIn: "1h", issuer: "https://evil.example" })}`],
    ["a token signed with another secret", async () => `Bearer ${await signLocalToken(randomBytes(32).toString("hex"), "t-x", { expiresIn: "1h" })}`],
    ["an alg: none token", async () => `Bearer ${new UnsecuredJWT(claims()).encode()}`],
    ["an alg: none token with an empty signature segment", async () => `Bearer ${b64({ alg: "none", typ: "JWT" })}.${b64(claims())}.`],
    ["an alg: HS512 token (algorithm not allowed)", async () => `Bearer ${await hs("HS512", claims())}`],
    ["a token without exp", async () => `Bearer ${await hs("HS256", { ...claims(), exp: undefined })}`],
    ["a token without sub", async () => `Bearer ${await hs("HS256", { ...claims(), sub: undefined })}`],
    ["a token with an empty sub", async () => `Bearer ${await hs("HS256", claims(""))}`],
    ["a token with a 257-character sub", async () => `Bearer ${await hs("HS256", claims("s".repeat(257)))}`],
    ["a token not valid yet (nbf in an hour)", async () => `Bearer ${await hs("HS256", { ...claims(), nbf: now() + 3600 })}`],
    [
      "a token whose payload was swapped after signing",
      async () => {
        const [header, , signature] = (await signLocalToken(secret(), "alice", { expiresIn: "1h" })).split(".");
        return `Bearer ${header}.${b64(claims("bob"))}.${signature}`;
      },
    ],
  ];
  for (const [name, authorization] of cases) {
    test(name, async () => {
      const failures = await failuresWith(await authorization());
      assert.deepEqual(failures, [], `routes that did not answer 401 auth.unauthorized:\n${failures.join("\n")}`);
    });
  }

  test("the same routes with a valid token pass authentication and never answer 5xx", async () => {
    const t = await tenant(api);
    const wrong: string[] = [];
    for (const op of operations) {
      const res = await t.json(op.path, { method: op.method, ...(op.hasBody ? { body: {} } : {}) });
      if (res.status === 401 || res.status >= 500) wrong.push(`${op.method} ${op.template}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    assert.deepEqual(wrong, []);
  });

  test("a lower-case bearer scheme and a token with a 256-character sub are accepted", async () => {
    const token = await signLocalToken(secret(), "s".repeat(256), { expiresIn: "1h" });
    const res = await api.json("/profiles", { headers: { authorization: `bearer ${token}` } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { items: [] });
  });
});

describe("remembered tokens", () => {
  test("a token that verified is refused once it expires, though it was remembered", async () => {
    const exp = now() + 5;
    const token = await signLocalToken(secret(), `t-${randomBytes(4).toString("hex")}`, { expiresIn: exp });
    assert.equal((await api.json("/profiles", { headers: { authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await api.json("/profiles", { headers: { authorization: `Bearer ${token}` } })).status, 200);
    // Waits until the token's exp (whole seconds) has passed, however long the requests took.
    await new Promise((wake) => setTimeout(wake, Math.max(0, exp * 1000 - Date.now()) + 1_100));
    const res = await api.json("/profiles", { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 401, JSON.stringify(res.body));
  });

  test("a remembered token's subject is never lent to a token that differs in one character", async () => {
    const token = await signLocalToken(secret(), "alice-remembered", { expiresIn: "1h" });
    assert.equal((await api.json("/profiles", { headers: { authorization: `Bearer ${token}` } })).status, 200);
    // The signature's first character: all of its bits count (the last one's low bits are padding).
    const at = token.lastIndexOf(".") + 1;
    const altered = `${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`;
    assert.equal((await api.json("/profiles", { headers: { authorization: `Bearer ${altered}` } })).status, 401);
  });
});

describe("public routes need no token", () => {
  test("/health answers JSON", async () => {
    for (const headers of [{}, { authorization: "Bearer garbage" }] as Record<string, string>[]) {
      const res = await api.json("/health", { headers });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      assert.deepEqual(res.body, { status: "ok" });
    }
  });

  test("/openapi.json answers the OpenAPI document", async () => {
    const res = await api.json("/openapi.json", { headers: { authorization: "Bearer garbage" } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    assert.match(res.body.openapi, /^3\./);
    assert.ok(Object.keys(res.body.paths).length > 0);
    assert.equal(res.body.components?.securitySchemes?.bearer?.scheme, "bearer");
  });

  test("/docs answers HTML", async () => {
    const res = await api.request("/docs");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await res.text(), /<html|<!doctype html/i);
  });

  test("an unknown route is a 401 without a token (as the authorizer answers on every non-public path) and a 404 JSON error with one", async () => {
    assertError(await api.json("/nowhere"), 401, "auth.unauthorized");
    assertError(await (await tenant(api)).json("/nowhere"), 404, "route.not_found");
  });

  test("a CORS preflight needs no token: 204 with the path's methods", async () => {
    const res = await api.request(`/history/${await randomId()}/favorite`, { method: "OPTIONS", headers: { origin: "https://studio.example.com", "access-control-request-method": "PUT" } });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("allow"), "DELETE, POST, PUT, OPTIONS");
  });

  test("a known path with a method it does not take is a 405 with Allow", async () => {
    const t = await tenant(api);
    const res = await t.json("/settings", { method: "DELETE" });
    assertError(res, 405, "route.method_not_allowed", "PUT");
    assert.equal(res.headers.get("allow"), "GET, HEAD, PUT");
    const favorite = await t.json(`/history/${await randomId()}/favorite`, { method: "PATCH" });
    assertError(favorite, 405, "route.method_not_allowed");
    assert.equal(favorite.headers.get("allow"), "DELETE, POST, PUT");
  });
});
