// Reliability under injected faults: a middleware on the process's own S3 and DynamoDB clients
// (packages/core/src/aws.ts) throws realistic errors (503 ServiceUnavailable, ECONNRESET) for the
// next N calls of a command, then is removed. After each fault: the API answered 503 with
// Retry-After (or succeeded through the SDK's retries), never a 500 or a 4xx blaming the client;
// no record points at missing audio; stats equal a recount; the retried request succeeds.
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { s3 } from "@sonna/core/storage/client";
import { newGenerationItem } from "@sonna/core/generations/create";
import { enqueueJob } from "@sonna/core/jobs/enqueue";
import type { JobItem } from "@sonna/core/jobs/model";
import { runJob } from "@sonna/core/jobs/run";
import { reconcileTenant } from "@sonna/core/maintenance/reconcile";
import { findJob } from "@sonna/core/jobs/store";
import { bucketName, tableName } from "@sonna/core/resources";
import { objectKeys } from "@sonna/core/storage/keys";
import { keys } from "@sonna/core/table/keys";
import { assertStatsMatchRecount, createCompleted, createPending, createProfile, inParallel, recount, smallWav, uploadAudio } from "./support/fixtures";
import { putCountedGenerations, withMessageLost } from "./support/seed";
import { startApi, tenant, type Api, type JsonResponse, type Tenant } from "./support/server";

let api: Api;
let t: Tenant;
let profileId: string;
before(async () => {
  api = await startApi();
  t = await tenant(api);
  profileId = (await createProfile(t, "Faulty voice")).id;
});
after(() => api?.close());
/** Each test gets its own tenant, so one test's leftovers never fail another's checks. */
beforeEach(async () => {
  if (!api) return;
  t = await tenant(api);
  profileId = (await createProfile(t, "Faulty voice")).id;
});

const figures = { faults_injected: 0, faults_by_command: {} as Record<string, number>, requests_503: 0, sdk_retried_ok: 0, five_hundreds: 0, client_blamed_4xx: 0, lost_records: 0, orphan_objects: 0 };
after(() => console.log(`RELIABILITY ${JSON.stringify({ suite: "faults", ...figures })}`));

const unavailable = () =>
  Object.assign(new Error("Service Unavailable"), { name: "ServiceUnavailable", $fault: "server", $metadata: { httpStatusCode: 503, attempts: 1 } });
const reset = () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", $metadata: {} });

type Step = "initialize" | "deserialize";
let installed: (() => void)[] = [];
afterEach(() => {
  for (const remove of installed) remove();
  installed = [];
});

/**
 * Fails the next `times` calls whose command name matches. At "initialize" the error bypasses the
 * SDK's retry loop (the app sees it); at "deserialize" it is inside it (the SDK retries).
 */
function inject(client: typeof s3 | typeof dynamo, match: RegExp, times: number, error: () => Error, step: Step = "initialize") {
  const name = `reliability-fault-${Math.random().toString(36).slice(2)}`;
  const state = { left: times, hit: 0 };
  (client.middlewareStack as any).add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (state.left > 0 && match.test(context.commandName ?? "")) {
        state.left--;
        state.hit++;
        figures.faults_injected++;
        figures.faults_by_command[context.commandName!] = (figures.faults_by_command[context.commandName!] ?? 0) + 1;
        throw error();
      }
      return next(args);
    },
    { step, name, priority: step === "initialize" ? "high" : "low" },
  );
  const remove = () => (client.middlewareStack as any).remove(name);
  installed.push(remove);
  return { state, remove };
}

/** The answer to a faulted request: 503 with Retry-After and the error shape, or a success. */
function assertFaultAnswer(res: JsonResponse, what: string): "503" | "ok" {
  if (res.status >= 500 && res.status !== 503) figures.five_hundreds++;
  if (res.status >= 400 && res.status < 500) figures.client_blamed_4xx++;
  if (res.status === 503) {
    figures.requests_503++;
    assert.ok(Number(res.headers.get("retry-after")) > 0, `${what}: 503 without Retry-After`);
    assert.equal(res.body?.code, "service.unavailable", `${what}: ${JSON.stringify(res.body)}`);
    assert.equal(typeof res.body?.detail, "string");
    return "503";
  }
  assert.ok(res.status >= 200 && res.status < 300, `${what}: expected 503 or success, got ${res.status} ${JSON.stringify(res.body)}`);
  return "ok";
}

async function exists(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucketName(), Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

async function tenantObjects(tenantId: string): Promise<string[]> {
  const found: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucketName(), Prefix: objectKeys.tenantPrefix(tenantId), ContinuationToken }));
    found.push(...(page.Contents ?? []).map((o) => o.Key!));
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return found;
}

/** Stats equal a recount, no completed record lacks its audio, and (unless allowed) no object lacks its record. */
async function assertConsistent(who: Tenant = t, { orphansAllowed = false } = {}): Promise<{ orphans: string[] }> {
  const { recount: counted } = await assertStatsMatchRecount(who);
  const owned = new Set<string>();
  const missing: string[] = [];
  for (const item of counted.items) {
    owned.add(item.audio_path);
    for (const v of item.versions ?? []) owned.add(v.audio_path);
    if (item.status === "completed" && !(await exists(item.audio_path))) missing.push(item.audio_path);
    for (const v of item.versions ?? []) if (v.status === "completed" && !(await exists(v.audio_path))) missing.push(v.audio_path);
  }
  figures.lost_records += missing.length;
  assert.deepEqual(missing, [], "records point at missing audio");
  const orphans = (await tenantObjects(who.id)).filter((key) => !owned.has(key));
  figures.orphan_objects += orphans.length;
  if (!orphansAllowed) assert.deepEqual(orphans, [], "objects no record owns");
  return { orphans };
}

describe("faults the app must answer with 503 and survive", () => {
  test("DynamoDB TransactWriteItems fails during DELETE /history/{id}: 503, nothing changed, retry deletes", async () => {
    const gen = await createCompleted(t, profileId);
    inject(dynamo, /TransactWrite/, 1, unavailable);
    const res = await t.json(`/history/${gen.id}`, { method: "DELETE" });
    assert.equal(assertFaultAnswer(res, "delete"), "503");
    assert.equal((await t.json(`/history/${gen.id}`)).status, 200, "the record went although the transaction failed");
    assert.ok(await exists(gen.audio_path), "the audio went although the delete failed");
    await assertConsistent();
    assert.equal((await t.json(`/history/${gen.id}`, { method: "DELETE" })).status, 204);
    assert.equal(await exists(gen.audio_path), false);
    await assertConsistent();
  });

  test("S3 DeleteObjects fails during DELETE /history/{id}: 204, no record lacks audio, reconcile removes the orphan", async (ctx) => {
    const gen = await createCompleted(t, profileId);
    const fault = inject(s3, /DeleteObjects?Command/, 3, unavailable);
    const res = await t.json(`/history/${gen.id}`, { method: "DELETE" });
    assertFaultAnswer(res, "delete with DeleteObjects down");
    const { orphans } = await assertConsistent(t, { orphansAllowed: true });
    const retry = await t.json(`/history/${gen.id}`, { method: "DELETE" });
    assert.ok([204, 404].includes(retry.status), `retry: ${retry.status}`);
    const after = await assertConsistent(t, { orphansAllowed: true });
    ctx.diagnostic(`delete answered ${res.status}; orphans after the fault ${orphans.length}, after the retry ${after.orphans.length}`);
    // The record and its counts went, so the client is not told to retry; the orphan is reconcile's.
    assert.equal(res.status, 204);
    assert.equal(retry.status, 404);
    fault.remove();
    const reconciled = await reconcileTenant(t.id, { minAgeMs: 0 });
    assert.equal(reconciled.orphans_deleted, orphans.length, JSON.stringify(reconciled));
    await assertConsistent();
  });


  test("S3 HeadObject fails during POST /history/{id}/complete: 503, still pending, retry completes", async () => {
    const { generation, upload } = await createPending(t, profileId);
    await uploadAudio(upload, await smallWav());
    // The local upload notification may complete it on its own; wait for that to settle first.
    await new Promise((wake) => setTimeout(wake, 300));
    const before = (await t.json(`/history/${generation.id}`)).body;
    inject(s3, /HeadObject|GetObject/, 1, unavailable);
    const res = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    if (before.status === "pending") assert.equal(assertFaultAnswer(res, "complete"), "503");
    else assertFaultAnswer(res, "complete (already completed)");
    await assertConsistent();
    const retry = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.equal(retry.body.status, "completed");
    await assertConsistent();
  });

  test("S3 upload fails mid-way through a ZIP export: 503, retry exports", async () => {
    const gen = await createCompleted(t, profileId, { text: "export me" });
    const fault = inject(s3, /PutObject|UploadPart|CreateMultipartUpload|CompleteMultipartUpload/, 1, unavailable);
    const res = await t.json(`/history/${gen.id}/export`);
    assert.equal(assertFaultAnswer(res, "export"), "503");
    assert.equal(fault.state.hit, 1);
    fault.remove();
    const retry = await t.json(`/history/${gen.id}/export`);
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    const zip = await fetch(retry.body.url);
    assert.equal(zip.status, 200);
    assert.equal((await zip.arrayBuffer()).byteLength, retry.body.size_bytes);
    await assertConsistent();
  });

  test("S3 PutObject fails during POST /history/import: 503, nothing persisted, retry imports", async () => {
    const gen = await createCompleted(t, profileId, { text: "import me" });
    const exp = await t.json(`/history/${gen.id}/export`);
    const archive = new Uint8Array(await (await fetch(exp.body.url)).arrayBuffer());
    const before = (await recount(t.id)).generations;
    const send = async () => {
      const form = new FormData();
      form.set("file", new Blob([archive], { type: "application/zip" }), "clip.zip");
      const res = await t.request("/history/import", { method: "POST", body: form, headers: { accept: "application/json" } });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text } as JsonResponse;
    };
    inject(s3, /PutObject|UploadPart|CreateMultipartUpload/, 1, reset);
    assert.equal(assertFaultAnswer(await send(), "import"), "503");
    assert.equal((await recount(t.id)).generations, before, "a refused import left a record");
    await assertConsistent();
    const retry = await send();
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    await assertConsistent();
  });

  test("DynamoDB connection resets: GET /history, stats, a profile and settings answer 503, then work", async () => {
    for (const path of ["/history", "/history/stats", `/profiles/${profileId}`, "/settings"]) {
      const fault = inject(dynamo, /./, 1, reset);
      assert.equal(assertFaultAnswer(await t.json(path), path), "503");
      fault.remove();
    }
    assert.equal((await t.json("/history")).status, 200);
    await assertConsistent();
  });

  test("DynamoDB TransactWriteItems fails during favorite and POST /history: 503, counts unchanged, retry works", async () => {
    const gen = await createCompleted(t, profileId);
    inject(dynamo, /TransactWrite/, 2, unavailable);
    assert.equal(assertFaultAnswer(await t.json(`/history/${gen.id}/favorite`, { method: "PUT" }), "favorite"), "503");
    assert.equal(assertFaultAnswer(await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "never" } }), "create"), "503");
    await assertConsistent();
    assert.equal((await t.json(`/history/${gen.id}/favorite`, { method: "PUT" })).status, 200);
    assert.equal((await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "now" } })).status, 201);
    await assertConsistent();
  });

  test("faults inside the SDK's retry loop are retried: one 503 per call is invisible", async () => {
    const gen = await createCompleted(t, profileId);
    const d = inject(dynamo, /GetItem|Query|TransactWrite/, 2, unavailable, "deserialize");
    const s = inject(s3, /HeadObject|GetObject|PutObject/, 1, unavailable, "deserialize");
    const read = await t.json(`/history/${gen.id}`);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    const fav = await t.json(`/history/${gen.id}/favorite`, { method: "POST" });
    assert.equal(fav.status, 200, JSON.stringify(fav.body));
    const created = await createCompleted(t, profileId);
    assert.ok(created.id);
    figures.sdk_retried_ok += d.state.hit + s.state.hit;
    await assertConsistent();
  });
});

async function seedPending(tenantId: string, profile: string, count: number, text: string): Promise<void> {
  const items = Array.from({ length: count }, (_, i) => newGenerationItem(tenantId, { profile_id: profile, text: `${text} ${i}`, engine: "qwen" }));
  await putCountedGenerations(tenantId, items);
}

test("a bulk delete by filter whose worker dies mid-way, then hits a DynamoDB fault, finishes with exact stats", { timeout: 60_000 }, async () => {
  const u = await tenant(api);
  const keep = await createProfile(u, "Keep");
  const doomed = await createProfile(u, "Doomed");
  await seedPending(u.id, doomed.id, 260, "drop");
  await seedPending(u.id, keep.id, 30, "drop");
  const voiced = await inParallel([0, 1, 2, 3, 4], 5, () => createCompleted(u, doomed.id, { text: "drop voiced" }));
  await assertStatsMatchRecount(u);

  await withMessageLost(() => enqueueJob(u.id, "history.delete", { filter: { profile_id: doomed.id, search: "drop" } }));
  const { Items } = await dynamo.send(
    new QueryCommand({ TableName: tableName(), KeyConditionExpression: "pk = :pk AND begins_with(sk, :j)", ExpressionAttributeValues: { ":pk": keys.tenantPartition(u.id), ":j": "JOB#" }, ConsistentRead: true }),
  );
  const job = (Items as JobItem[])[0]!;
  const message = { tenant: u.id, job_id: job.id };

  const killed = new Error("worker killed");
  await assert.rejects(runJob(message, { afterProgress: () => { throw killed; } }), killed);
  figures.faults_injected++;
  figures.faults_by_command["worker killed"] = 1;
  assert.equal((await findJob(u.id, job.id))?.status, "running");
  const half = await assertConsistent(u);
  assert.ok(half.orphans.length === 0);
  const midway = (await recount(u.id)).generations;
  assert.ok(midway < 295 && midway > 30, `mid-way ${midway}`);

  // The second worker meets a DynamoDB outage on its first transaction and gives up too.
  inject(dynamo, /TransactWrite/, 1, unavailable);
  await assert.rejects(runJob(message));
  await assertConsistent(u);

  await runJob(message);
  const done = await findJob(u.id, job.id);
  assert.equal(done?.status, "succeeded", JSON.stringify(done));
  assert.equal(done?.attempts, 3);
  const final = await assertConsistent(u);
  assert.deepEqual(final.orphans, []);
  const left = await recount(u.id);
  assert.equal(left.generations, 30);
  assert.deepEqual(Object.keys(left.by_profile), [keep.id]);
  for (const g of voiced) assert.equal(await exists(g.audio_path), false, "a deleted generation's audio is still there");
});
