// Reliability, security side: every id route of /openapi.json answers another tenant's real ids
// exactly like a missing id (404, same code); bad tokens answer 401; every presigned URL the API
// hands out names one key under the caller's own prefix, expires within 15 minutes and carries no
// x-amz-checksum parameter; subjects crafted to look like another tenant's prefix reach nothing.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SignJWT } from "jose";
import { signLocalToken } from "@sonna/local/tokens";
import { bucketName } from "@sonna/core/resources";
import { tenantSegment } from "@sonna/core/table/keys";
import { createCompleted, createPending, createProfile, randomId, smallWav, uploadAudio, waitForJob } from "./support/fixtures";
import { startApi, tenant, type Api, type Tenant } from "./support/server";

let api: Api;
let victim: Tenant;
let attacker: Tenant;
const ids: Record<string, string> = {};
const figures = { routes_checked: 0, cross_tenant_requests: 0, token_cases: 0, urls_checked: 0, crafted_subjects: 0, leaks: 0 };

before(async () => {
  api = await startApi();
  victim = await tenant(api);
  attacker = await tenant(api);
  const profile = await createProfile(victim, "Victim voice");
  const gen = await createCompleted(victim, profile.id, { text: "victim secret" });
  const version = await victim.json(`/history/${gen.id}/versions`, { method: "POST", body: { label: "v" } });
  assert.equal(version.status, 201);
  const job = await victim.json("/history/exports", { method: "POST", body: { ids: [gen.id] } });
  assert.equal(job.status, 202);
  const imp = await victim.json("/history/imports", { method: "POST", body: {} });
  assert.equal(imp.status, 201);
  const hook = await victim.json("/webhooks", { method: "POST", body: { url: "http://127.0.0.1:9/victim", events: ["generation.completed"] } });
  assert.equal(hook.status, 201, JSON.stringify(hook.body));
  assert.equal((await victim.json("/settings", { method: "PUT", body: { trash_days: 5 } })).status, 200);
  const trashed = await createCompleted(victim, profile.id, { text: "victim trash" });
  assert.equal((await victim.json(`/history/${trashed.id}`, { method: "DELETE" })).status, 204);
  Object.assign(ids, {
    profile: profile.id,
    generation: gen.id,
    version: version.body.version.id,
    job: job.body.id,
    import: imp.body.import_id,
    webhook: hook.body.id,
    trashed: trashed.id,
  });
});
after(async () => {
  console.log(`RELIABILITY ${JSON.stringify({ suite: "security", ...figures })}`);
  await api?.close();
});

const BODIES: Record<string, unknown> = {
  "/history/{id}": { note: "x" },
  "/webhooks/{id}": { description: "x" },
  "/history/{id}/fail": { error: "x" },
  "/history/{id}/versions": { label: "x" },
  "/profiles/{id}": { description: "x" },
};

function fill(path: string, real: boolean, missing: string): string {
  return path
    .replace("{versionId}", real ? ids.version! : missing)
    .replace("{import_id}", real ? ids.import! : missing)
    .replace("{id}", real ? realId(path) : missing);
}

/** The victim's id of the kind the path names. */
function realId(path: string): string {
  if (path.startsWith("/profiles")) return ids.profile!;
  if (path.startsWith("/jobs")) return ids.job!;
  if (path.startsWith("/webhooks")) return ids.webhook!;
  if (path.startsWith("/history/trash")) return ids.trashed!;
  return ids.generation!;
}

describe("security", () => {
  test("every id route answers another tenant's real ids like a missing id", async () => {
    const doc = (await api.json("/openapi.json")).body;
    const missing = await randomId();
    const checked: string[] = [];
    const versionsBefore = (await victim.json(`/history/${ids.generation}`)).body.versions.map((v: { id: string; label: string }) => `${v.id} ${v.label}`);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      if (!path.includes("{")) continue;
      for (const method of Object.keys(item).filter((m) => ["get", "post", "put", "patch", "delete"].includes(m))) {
        const withBody = method === "post" || method === "put" || method === "patch";
        const body = withBody ? (BODIES[path] ?? {}) : undefined;
        const init = { method: method.toUpperCase(), body, redirect: "manual" as const };
        const theirs = await attacker.json(fill(path, true, missing), init);
        const absent = await attacker.json(fill(path, false, missing), init);
        figures.cross_tenant_requests += 2;
        if (theirs.status !== 404) figures.leaks++;
        assert.equal(theirs.status, 404, `${method} ${path} with another tenant's id: ${theirs.status} ${JSON.stringify(theirs.body)}`);
        assert.equal(theirs.body?.code, absent.body?.code, `${method} ${path}: another tenant's id and a missing id differ`);
        checked.push(`${method} ${path}`);
      }
    }
    figures.routes_checked = checked.length;
    assert.ok(checked.length >= 15, checked.join(", "));
    // The victim's data is untouched.
    const mine = await victim.json(`/history/${ids.generation}`);
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body.versions.map((v: { id: string; label: string }) => `${v.id} ${v.label}`), versionsBefore, "the victim's versions changed");
    assert.equal((await victim.json(`/profiles/${ids.profile}`)).status, 200);
  });

  test("missing, expired, wrongly signed, wrong-audience, wrong-issuer and alg-none tokens answer 401", async () => {
    const secret = process.env.SONNA_JWT_SECRET!;
    const good = await signLocalToken(secret, "someone", { expiresIn: "1h" });
    const [, payload] = good.split(".");
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const cases: Record<string, string | undefined> = {
      missing: undefined,
      empty: "",
      expired: await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("someone").setIssuer(JSON.parse(Buffer.from(payload!, "base64url").toString()).iss).setAudience(JSON.parse(Buffer.from(payload!, "base64url").toString()).aud).setIssuedAt(1_000).setExpirationTime(2_000).sign(new TextEncoder().encode(secret)),
      "wrong secret": await signLocalToken("x".repeat(64), "someone", { expiresIn: "1h" }),
      "wrong audience": await signLocalToken(secret, "someone", { expiresIn: "1h", audience: "someone-else" }),
      "wrong issuer": await signLocalToken(secret, "someone", { expiresIn: "1h", issuer: "https://evil.example/" }),
      "alg none": `${b64({ alg: "none", typ: "JWT" })}.${payload}.`,
      "alg none, signature kept": `${b64({ alg: "none" })}.${payload}.${good.split(".")[2]}`,
      "payload swapped": `${good.split(".")[0]}.${b64({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), sub: victim.id })}.${good.split(".")[2]}`,
      garbage: "not.a.token",
    };
    for (const [name, token] of Object.entries(cases)) {
      for (const path of ["/history", `/history/${ids.generation}`, "/history/stats"]) {
        const res = await fetch(new URL(path, api.baseUrl), { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
        const body = (await res.json().catch(() => null)) as { code?: unknown } | null;
        figures.token_cases++;
        assert.equal(res.status, 401, `${name} on ${path}: ${res.status}`);
        assert.equal(typeof body?.code, "string");
      }
    }
  });

  test("every presigned URL names one key under the caller's prefix, expires in at most 15 minutes, carries no checksum", async () => {
    const t = await tenant(api);
    const seg = tenantSegment(t.id);
    const urls: [string, string][] = [];
    const profile = await createProfile(t, "Links");
    const { generation, upload } = await createPending(t, profile.id);
    urls.push(["upload", upload.url]);
    await uploadAudio(upload, await smallWav());
    await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    urls.push(["audio_url", (await t.json(`/history/${generation.id}`)).body.audio_url]);
    const version = await t.json(`/history/${generation.id}/versions`, { method: "POST", body: { label: "v" } });
    urls.push(["version upload", version.body.upload.url]);
    urls.push(["export", (await t.json(`/history/${generation.id}/export`)).body.url]);
    urls.push(["export-audio", (await t.json(`/history/${generation.id}/export-audio`)).body.url]);
    const redirect = await t.request(`/history/${generation.id}/export-audio`, { redirect: "manual" });
    urls.push(["export-audio 302", redirect.headers.get("location")!]);
    urls.push(["large import upload", (await t.json("/history/imports", { method: "POST", body: {} })).body.upload.url]);
    // A retried create of a generation completed meanwhile: still the upload key, never the served audio.
    const idempotent = { "Idempotency-Key": `replay-${generation.id}` };
    const first = await createPending(t, profile.id, { text: "replayed" }, idempotent);
    await uploadAudio(first.upload, await smallWav());
    assert.equal((await t.json(`/history/${first.generation.id}/complete`, { method: "POST" })).status, 200);
    urls.push(["replayed create's upload", (await createPending(t, profile.id, { text: "replayed" }, idempotent)).upload.url]);
    const job = await t.json("/history/exports", { method: "POST", body: { ids: [generation.id] } });
    const done = await waitForJob(t, job.body.id);
    if (done.result?.url) urls.push(["bulk export", done.result.url]);
    for (const [i, part] of ((done.result?.parts ?? []) as { url?: string }[]).entries()) if (part.url) urls.push([`bulk part ${i + 1}`, part.url]);
    assert.ok(urls.length >= 8, urls.map(([n]) => n).join(", "));
    for (const [name, raw] of urls) {
      figures.urls_checked++;
      assert.ok(raw, `${name}: no URL`);
      const url = new URL(raw);
      const path = decodeURIComponent(url.pathname);
      const bucketPrefix = `/${bucketName()}/`;
      const key = path.startsWith(bucketPrefix) ? path.slice(bucketPrefix.length) : path.slice(1);
      assert.ok([`t/${seg}/`, `exports/${seg}/`, `imports/${seg}/`, `uploads/${seg}/`].some((p) => key.startsWith(p)), `${name}: key ${key} is not under the caller's prefix (${seg})`);
      // Served audio is written by the service alone: no URL may PUT under t/.
      if (name.includes("upload")) assert.ok(!key.startsWith("t/"), `${name}: an upload URL names served audio (${key})`);
      assert.ok(!key.includes("..") && !key.endsWith("/") && !key.includes("*"), `${name}: key ${key} is not one object`);
      const expires = Number(url.searchParams.get("X-Amz-Expires"));
      assert.ok(expires > 0 && expires <= 900, `${name}: X-Amz-Expires ${expires}`);
      for (const param of url.searchParams.keys()) assert.ok(!param.toLowerCase().startsWith("x-amz-checksum"), `${name}: carries ${param}`);
      assert.ok(!(url.searchParams.get("X-Amz-SignedHeaders") ?? "").includes("checksum"), `${name}: signs a checksum header`);
    }
  });

  test("subjects crafted to look like another tenant's prefix reach nothing of it", async () => {
    const seg = tenantSegment(victim.id);
    const crafted = [`${victim.id}/`, `${victim.id}#`, `${victim.id}#x`, `${victim.id} `, seg, `${seg}/`, `${seg}=`, victim.id.toUpperCase(), `${victim.id}\u0000`, `t/${seg}`];
    for (const sub of crafted) {
      figures.crafted_subjects++;
      const evil = await tenant(api, sub);
      assert.notEqual(tenantSegment(sub), seg);
      const list = await evil.json("/history");
      assert.equal(list.status, 200, `${JSON.stringify(sub)}: ${list.status} ${JSON.stringify(list.body)}`);
      assert.equal(list.body.total, 0, `${JSON.stringify(sub)} sees the victim's history`);
      assert.equal((await evil.json(`/history/${ids.generation}`)).status, 404);
      assert.equal((await evil.json(`/profiles/${ids.profile}`)).status, 404);
      assert.equal((await evil.json(`/jobs/${ids.job}`)).status, 404);
      const stats = await evil.json("/history/stats");
      assert.equal(stats.body.total_generations, 0);
      const profile = await createProfile(evil, "Evil");
      const { upload } = await createPending(evil, profile.id);
      const key = decodeURIComponent(new URL(upload.url).pathname).slice(`/${bucketName()}/`.length);
      assert.ok(!key.startsWith(`t/${seg}/`), `${JSON.stringify(sub)} uploads into the victim's prefix: ${key}`);
    }
  });
});
