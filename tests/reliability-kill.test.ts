// Processes killed with SIGKILL in the middle of a request: a single-generation export after the
// first part of its multi-part ZIP upload, an in-request import and a large import after placing
// the audio and before the record, and a large import after its record committed. The victim is
// a separate API process (tests/support/victim.ts) on the shared local stack that stops at a
// given S3 or DynamoDB call; it is killed there. Then: no record points at missing audio, the same
// request sent again succeeds with the right result (and creates nothing twice), reconcile removes
// exactly what the kill orphaned, and stats equal a recount. The cascade (a profile delete job
// killed mid-way) is in tests/jobs-kill.test.ts.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, test } from "node:test";
import { reconcileTenant } from "@sonna/core/maintenance/reconcile";
import { objectKeys } from "@sonna/core/storage/keys";
import { assertConsistent, assertError, bucketKeys, createCompleted, createProfile, recount, smallWav } from "./support/fixtures";
import { startVictim, type StopAt } from "./support/kill";
import { startApi, tenant, type Api, type JsonResponse, type Tenant } from "./support/server";
import { addVersion, completeLarge, exportZip, importInRequest, sameBytes, startLarge } from "./support/transfer";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

const figures = { suite: "kill", processes_killed: 0, killed_at: {} as Record<string, number>, retries_succeeded: 0, retries_told_to_wait: 0, orphans_reconciled: 0, duplicates: 0 };
after(() => console.log(`RELIABILITY ${JSON.stringify(figures)}`));

/** Sends `send` to a victim that stops at `stopAt`, and kills it there. */
async function killedDuring(t: Tenant, stopAt: StopAt, send: (victim: Tenant) => Promise<unknown>, env: Record<string, string> = {}): Promise<void> {
  const victim = await startVictim(stopAt, env);
  await victim.killAtStop(send(await tenant(victim, t.id)));
  figures.processes_killed++;
  const where = `${stopAt.when} ${stopAt.command} call ${stopAt.nth}`;
  figures.killed_at[where] = (figures.killed_at[where] ?? 0) + 1;
}

/** After a kill: what the kill orphaned is exactly `orphans` objects, which reconcile removes; then everything is in step. */
async function reconciled(t: Tenant, orphans: number): Promise<void> {
  const found = await assertConsistent(t, { orphansAllowed: true });
  assert.equal(found.orphans.length, orphans, `objects orphaned by the kill: ${found.orphans.join(", ")}`);
  const result = await reconcileTenant(t.id, { minAgeMs: 0 });
  assert.equal(result.orphans_deleted, orphans, JSON.stringify(result));
  assert.equal(result.missing_audio, 0, JSON.stringify(result));
  figures.orphans_reconciled += result.orphans_deleted;
  await assertConsistent(t);
}

const prefixOf = (key: string) => key.slice(0, key.lastIndexOf("/") + 1);

/** The generation an import answered is the archive's clip, and the only one it added. */
async function assertImportedOnce(t: Tenant, res: JsonResponse, source: Record<string, any>, before: number) {
  assert.equal(res.status, 201, `the retried import: ${res.status} ${JSON.stringify(res.body)}`);
  figures.retries_succeeded++;
  assert.deepEqual([res.body.text, res.body.duration, res.body.size_bytes], [source.text, source.duration, source.size_bytes]);
  const { items } = await recount(t.id);
  const added = items.length - before;
  if (added > 1) figures.duplicates += added - 1;
  assert.equal(added, 1, `the import added ${added} generations`);
  assert.ok(items.some((item) => item.id === res.body.id), "the answered generation is not stored");
}

test("GET /history/{id}/export killed after the first part of its multi-part ZIP upload: no archive appears, the retry exports", { timeout: 120_000 }, async () => {
  const t = await tenant(api);
  const profile = await createProfile(t);
  // About 5 MB each: the ZIP needs two 8 MiB upload parts.
  const original = await smallWav(2_600_000);
  const louder = await smallWav(2_500_000);
  const gen = await createCompleted(t, profile.id, { wav: original, text: "A long read" });
  await addVersion(t, gen.id, "louder", [{ type: "gain", params: { db: 3 } }], louder);

  await killedDuring(t, { client: "s3", command: "UploadPartCommand", nth: 1, when: "after" }, (v) => v.json(`/history/${gen.id}/export`));
  const exportsPrefix = prefixOf(objectKeys.exportArchive(t.id, "x"));
  assert.deepEqual(await bucketKeys(exportsPrefix), [], "the killed export left an archive behind");
  await assertConsistent(t);

  const { entries } = await exportZip(t, gen.id);
  figures.retries_succeeded++;
  sameBytes(entries["audio.wav"]!, original, "audio.wav");
  const versions = Object.keys(entries).filter((name) => name.startsWith("versions/"));
  assert.equal(versions.length, 1, Object.keys(entries).join(", "));
  sameBytes(entries[versions[0]!]!, louder, versions[0]!);
  await reconciled(t, 0);
});

test("POST /history/import killed after placing the audio, before the record: the retry imports it once, reconcile removes the orphan", async () => {
  const t = await tenant(api);
  const profile = await createProfile(t);
  const gen = await createCompleted(t, profile.id, { text: "Imported after a crash" });
  const { bytes } = await exportZip(t, gen.id);
  const before = (await recount(t.id)).generations;

  await killedDuring(t, { client: "s3", command: "CopyObjectCommand", nth: 1, when: "after" }, (v) => importInRequest(v, bytes));
  assert.equal((await recount(t.id)).generations, before, "the killed import left a record");
  await assertImportedOnce(t, await importInRequest(t, bytes), gen, before);
  await reconciled(t, 1);
});

const LARGE_KILLS: [string, StopAt, number][] = [
  ["after placing the audio, before the record", { client: "s3", command: "CopyObjectCommand", nth: 1, when: "after" }, 1],
  ["after the record's transaction committed", { client: "dynamo", command: "TransactWriteItemsCommand", nth: 1, when: "after" }, 0],
];
for (const [where, stopAt, orphans] of LARGE_KILLS) {
  test(`POST /history/imports/{id}/complete killed ${where}: the same request then answers the one generation`, async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const gen = await createCompleted(t, profile.id, { text: "A large import, interrupted" });
    const { bytes } = await exportZip(t, gen.id);
    const before = (await recount(t.id)).generations;
    const { import_id } = await startLarge(t, bytes);

    // The victim's claim on the import lasts a second instead of a minute, so the test need not wait it out.
    await killedDuring(t, stopAt, (v) => completeLarge(v, import_id), { SONNA_IMPORT_LEASE_MS: "1000" });
    let retry = await completeLarge(t, import_id);
    // While the dead process's claim holds, a retry is told to come back later.
    for (let waits = 0; retry.status === 409; waits++) {
      assertError(retry, 409, "import.in_progress");
      assert.ok(Number(retry.headers.get("retry-after")) > 0, "409 without Retry-After");
      assert.ok(waits < 300, "the dead process's claim never ran out");
      figures.retries_told_to_wait++;
      await sleep(50);
      retry = await completeLarge(t, import_id);
    }
    await assertImportedOnce(t, retry, gen, before);
    const again = await completeLarge(t, import_id);
    assert.equal(again.status, 201);
    assert.equal(again.body.id, retry.body.id, "completing again answers the same generation");
    await reconciled(t, orphans);
  });
}
