// Reliability under injected faults: a middleware on the process's own S3 and DynamoDB clients
// (packages/core/src/aws.ts) throws realistic errors (503 ServiceUnavailable, ECONNRESET) for the
// next N calls of a command, then is removed. After each fault: the API answered 503 with
// Retry-After (or succeeded through the SDK's retries), never a 500 or a 4xx blaming the client;
// no record points at missing audio; stats equal a recount; the retried request succeeds.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { unzipSync } from "fflate";
import { dynamo } from "@sonna/core/aws";
import { s3 } from "@sonna/core/storage/client";
import { newGenerationItem } from "@sonna/core/generations/create";
import { enqueueJob } from "@sonna/core/jobs/enqueue";
import type { JobItem } from "@sonna/core/jobs/model";
import { runJob } from "@sonna/core/jobs/run";
import { reconcileTenant } from "@sonna/core/maintenance/reconcile";
import { findJob } from "@sonna/core/jobs/store";
import { tableName } from "@sonna/core/resources";
import { objectKeys } from "@sonna/core/storage/keys";
import { keys } from "@sonna/core/table/keys";
import { assertConsistent as consistent, assertStatsMatchRecount, bucketKeys, createCompleted, createPending, createProfile, inParallel, objectExists as exists, recount, smallWav, uploadAudio, waitForJob } from "./support/fixtures";
import { assertFaultAnswer, breakDownload, cancelled, conflicted, countFault, faultFigures, inject, reset, throttled, unavailable } from "./support/faults";
import { putCountedGenerations, withMessageLost } from "./support/seed";
import { startApi, tenant, type Api, type JsonResponse, type Tenant } from "./support/server";
import { completeLarge, exportZip, fetchBytes, importInRequest, sameBytes, startLarge } from "./support/transfer";

let api: Api;
let t: Tenant;
let profileId: string;
before(async () => {
  api = await startApi();
});
after(() => api?.close());
/** Each test gets its own tenant, so one test's leftovers never fail another's checks. */
beforeEach(async () => {
  t = await tenant(api);
  profileId = (await createProfile(t, "Faulty voice")).id;
});

const figures = { sdk_retried_ok: 0, invariant_failures: 0, orphans_reconciled: 0 };
after(() => console.log(`RELIABILITY ${JSON.stringify({ suite: "faults", ...faultFigures, ...figures })}`));

/** The shared invariants, a failure counted in this suite's figures. */
const assertConsistent = (who: Tenant = t, options: { orphansAllowed?: boolean } = {}) =>
  consistent(who, options).catch((error: unknown) => {
    figures.invariant_failures++;
    throw error;
  });

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
    figures.orphans_reconciled += reconciled.orphans_deleted;
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

describe("DynamoDB contention: transaction conflicts and throttling (DynamoDB Local raises neither)", () => {
  test("a transaction cancelled by a conflict or a throttle is tried again: favorite, create, complete and delete succeed", async () => {
    for (const reason of ["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"] as const) {
      const gen = await createCompleted(t, profileId);
      const { generation, upload } = await createPending(t, profileId);
      await uploadAudio(upload, await smallWav());
      const steps: [string, () => Promise<JsonResponse>, number][] = [
        ["favorite", () => t.json(`/history/${gen.id}/favorite`, { method: "PUT" }), 200],
        ["create", () => t.json("/history", { method: "POST", body: { profile_id: profileId, text: "contended" } }), 201],
        ["complete", () => t.json(`/history/${generation.id}/complete`, { method: "POST" }), 200],
        ["delete", () => t.json(`/history/${gen.id}`, { method: "DELETE" }), 204],
      ];
      for (const [what, send, status] of steps) {
        const fault = inject(dynamo, /TransactWrite/, 2, cancelled(reason, 1));
        const res = await send();
        assert.equal(res.status, status, `${what} after two ${reason} cancellations: ${res.status} ${JSON.stringify(res.body)}`);
        assert.equal(fault.state.hit, 2);
        await assertConsistent();
      }
    }
  });

  test("conflicts that outlast the retries answer 503 with Retry-After and change nothing; then the request works", async () => {
    const gen = await createCompleted(t, profileId);
    const fault = inject(dynamo, /TransactWrite/, () => true, cancelled("TransactionConflict"));
    assert.equal(assertFaultAnswer(await t.json(`/history/${gen.id}/favorite`, { method: "PUT" }), "favorite under endless conflicts"), "503");
    fault.remove();
    assert.equal((await t.json(`/history/${gen.id}`)).body.is_favorited, false);
    await assertConsistent();
    assert.equal((await t.json(`/history/${gen.id}/favorite`, { method: "PUT" })).status, 200);
    await assertConsistent();
  });

  test("throttled calls are retried by the SDK; a throttle that outlasts them, or a single write's conflict, is a 503", async () => {
    const gen = await createCompleted(t, profileId);
    for (const name of ["ProvisionedThroughputExceededException", "ThrottlingException"] as const) {
      const absorbed = inject(dynamo, /GetItem|TransactWrite/, 2, throttled(name), "deserialize");
      const fav = await t.json(`/history/${gen.id}/favorite`, { method: "POST" });
      assert.equal(fav.status, 200, `${name} inside the SDK's retries: ${fav.status} ${JSON.stringify(fav.body)}`);
      assert.equal(absorbed.state.hit, 2);
      figures.sdk_retried_ok += absorbed.state.hit;
      inject(dynamo, /GetItem/, 1, throttled(name));
      assert.equal(assertFaultAnswer(await t.json(`/history/${gen.id}`), `GET after ${name}`), "503");
    }
    inject(dynamo, /PutItem|UpdateItem/, 1, conflicted);
    assert.equal(assertFaultAnswer(await t.json("/history/imports", { method: "POST", body: {} }), "start import under a conflict"), "503");
    await assertConsistent();
  });
});

/** An import's S3 GetObject of the uploaded archive (not the WAV header probes of its entries). */
const archiveRead = (command: string, input: { Key?: string }) => command === "GetObjectCommand" && String(input?.Key).endsWith(".zip");

describe("imports meeting faults answer 503, leave nothing a record could need behind, and the same request then imports", () => {
  // `uncertain`: a 5xx on the transaction may hide a commit, so the placed audio is left for
  // reconcile instead of deleted (deleting it could leave a committed record without audio).
  const FAULTS: { what: string; largeOnly?: boolean; uncertain?: boolean; install: () => { state: { hit: number } } }[] = [
    { what: "S3 GetObject of the uploaded archive fails", largeOnly: true, install: () => inject(s3, archiveRead, 1, unavailable) },
    { what: "the archive's download is reset mid-stream", largeOnly: true, install: () => breakDownload(s3, archiveRead, 4096) },
    { what: "S3 fails while staging an entry's audio", install: () => inject(s3, /PutObject|UploadPart|CreateMultipartUpload/, 1, reset) },
    { what: "S3 CopyObject fails while placing the audio", install: () => inject(s3, /CopyObject/, 1, unavailable) },
    { what: "DynamoDB fails at the final transaction", uncertain: true, install: () => inject(dynamo, /TransactWrite/, 1, unavailable) },
  ];
  for (const flow of ["POST /history/import", "POST /history/imports/{id}/complete"] as const) {
    test(flow, async () => {
      const gen = await createCompleted(t, profileId, { text: "import me", wav: await smallWav(40_000) });
      const { bytes: archive } = await exportZip(t, gen.id);
      let imported = (await recount(t.id)).generations;
      for (const fault of FAULTS.filter((f) => flow.includes("{id}") || !f.largeOnly)) {
        const what = `${flow}: ${fault.what}`;
        const importId = flow.includes("{id}") ? (await startLarge(t, archive)).import_id : undefined;
        const send = () => (importId ? completeLarge(t, importId) : importInRequest(t, archive));
        const injected = fault.install();
        assert.equal(assertFaultAnswer(await send(), what), "503");
        assert.equal(injected.state.hit, 1, `${what}: the fault was never reached`);
        assert.equal((await recount(t.id)).generations, imported, `${what}: the failed import left a record`);
        const { orphans } = await assertConsistent(t, { orphansAllowed: fault.uncertain });
        const retry = await send();
        assert.equal(retry.status, 201, `${what}, retried: ${retry.status} ${JSON.stringify(retry.body)}`);
        assert.deepEqual([retry.body.text, retry.body.duration, retry.body.size_bytes], [gen.text, gen.duration, gen.size_bytes], what);
        imported++;
        if (fault.uncertain) {
          assert.equal(orphans.length, 1, `${what}: the placed audio should wait for reconcile`);
          const reconciled = await reconcileTenant(t.id, { minAgeMs: 0 });
          assert.equal(reconciled.orphans_deleted, 1, `${what}: reconcile`);
          figures.orphans_reconciled += reconciled.orphans_deleted;
        }
        await assertConsistent();
      }
      // Staged entries and finished uploads are removed as the imports end.
      assert.deepEqual(await bucketKeys(objectKeys.importUpload(t.id, "").replace(/\.zip$/, "")), [], "objects left under the tenant's imports/");
    });
  }
});

test("S3 UploadPart fails during a bulk export's multi-part ZIP: the job is retried and its part holds every clip", { timeout: 120_000 }, async () => {
  // Two clips of about 5 MB make a part bigger than one 8 MiB upload part.
  const wavs = [await smallWav(2_600_000), await smallWav(2_650_000)];
  const gens = await Promise.all(wavs.map((wav, i) => createCompleted(t, profileId, { wav, text: `big ${i}` })));
  const fault = inject(s3, /UploadPart/, 1, unavailable);
  const started = await t.json("/history/exports", { method: "POST", body: { ids: gens.map((g) => g.id) } });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const job = await waitForJob(t, started.body.id, 110_000);
  assert.equal(fault.state.hit, 1, "the export never uploaded a part");
  assert.equal(job.attempts, 2, "the failed attempt was not retried");
  assert.equal(job.result.parts.length, 1);
  const entries = unzipSync((await fetchBytes(job.result.parts[0].url)).bytes);
  for (const [i, g] of gens.entries()) {
    const name = Object.keys(entries).find((n) => n.endsWith(`/${g.id}/audio.wav`));
    assert.ok(name, `no audio for ${g.id} in ${Object.keys(entries).join(", ")}`);
    sameBytes(entries[name]!, wavs[i]!, `clip ${i}`);
  }
  await assertConsistent();
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
  countFault("worker killed");
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
