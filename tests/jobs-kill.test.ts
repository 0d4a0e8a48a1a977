// A cascade killed with SIGKILL: DELETE /profiles/{id} sent to a separate API process
// (tests/support/victim.ts) whose in-process runner starts the profile.delete job and is killed at
// a fixed point inside it, after a batch's records went and before their audio did. The job's
// message is delivered again and finishes it; reconcile removes exactly the audio left behind.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { s3 } from "@sonna/core/storage/client";
import { newGenerationItem } from "@sonna/core/generations/create";
import { runJob } from "@sonna/core/jobs/run";
import { findJob } from "@sonna/core/jobs/store";
import { requestReconcile } from "@sonna/core/maintenance/jobs";
import { createProfile } from "@sonna/core/profiles/service";
import { newId } from "@sonna/core/ids";
import { bucketName } from "@sonna/core/resources";
import { objectKeys } from "@sonna/core/storage/keys";
import { assertConsistent, assertError, assertStatsMatchRecount, inParallel, smallWav, waitForJob } from "./support/fixtures";
import { startVictim } from "./support/kill";
import { putCountedGenerations } from "./support/seed";
import { startApi, tenant, type Api } from "./support/server";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

/**
 * Completed generations with real audio, written the way completeGeneration leaves them (item,
 * original version, counters), in batches: what matters here is many objects for the killed worker
 * to be in the middle of deleting.
 */
async function seedCompleted(tenantId: string, profileId: string, count: number): Promise<void> {
  const wav = await smallWav(1_000);
  const items = Array.from({ length: count }, (_, i) => {
    const item = newGenerationItem(tenantId, { profile_id: profileId, text: `line ${i}` });
    item.status = "completed";
    // Completed audio lives under the tenant's prefix; a new item's audio_path is still its upload key.
    item.audio_path = objectKeys.audio(tenantId, item.id, newId());
    item.size_bytes = wav.byteLength;
    item.duration = 0.042;
    item.versions = [
      { id: item.id, label: "original", effects_chain: [], is_default: true, status: "completed", audio_path: item.audio_path, duration: item.duration, size_bytes: wav.byteLength, created_at: item.created_at, error: null, error_code: null, archive: null },
    ];
    item.active_version_id = item.id;
    return item;
  });
  await inParallel(items, 8, (item) => s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: item.audio_path, Body: wav })));
  await putCountedGenerations(tenantId, items);
}

const figures = { suite: "kill-cascade", processes_killed: 0, generations: 0, deleted_before_kill: 0, orphans_reconciled: 0 };
after(() => console.log(`RELIABILITY ${JSON.stringify(figures)}`));

test("DELETE /profiles/{id} whose process is killed mid-cascade, between a batch's records and its audio: the redelivered job finishes, reconcile removes that batch's audio", { timeout: 120_000 }, async () => {
  const t = await tenant(api);
  const profile = await createProfile(t.id, { name: "Killed voice" });
  // More than a page (100), so the job is mid-way through its first page when it dies.
  const seeded = 150;
  await seedCompleted(t.id, profile.id, seeded);
  figures.generations += seeded;
  await assertStatsMatchRecount(t);

  // TransactWriteItems 1 records the job; 2 and 3 each delete a batch of records (as many as fit one
  // transaction with their counters, index items and change-log entries), and each batch's audio
  // goes right after its transaction. Stopping after 3 leaves exactly one batch of audio orphaned.
  const victim = await startVictim({ client: "dynamo", command: "TransactWriteItemsCommand", nth: 3, when: "after" });
  const answered = (await tenant(victim, t.id)).json(`/profiles/${profile.id}`, { method: "DELETE" });
  await victim.killAtStop();
  figures.processes_killed++;
  const accepted = await answered;
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  const job = await findJob(t.id, accepted.body.id);
  assert.equal(job?.status, "running", "the killed process's job should still be running");

  // Records go before audio: whatever was deleted took its counts with it, and nothing points at missing audio.
  const midway = await assertConsistent(t, { orphansAllowed: true });
  const batch = midway.orphans.length;
  assert.ok(batch >= 25 && batch < 50, `audio orphaned by the kill: ${batch}, one batch`);
  assert.equal(midway.recount.generations, seeded - 2 * batch);
  figures.deleted_before_kill += seeded - midway.recount.generations;
  // The profile went with the request; the same request again finds it gone, the job owns the rest.
  assertError(await t.json(`/profiles/${profile.id}`, { method: "DELETE" }), 404, "profile.not_found");

  // The queue redelivers the message to another worker, which finishes the job.
  await runJob({ tenant: t.id, job_id: job!.id });
  const done = await waitForJob(t, job!.id);
  assert.deepEqual(done.result, { profile_id: profile.id, deleted_generations: seeded - 2 * batch });
  const left = await assertConsistent(t, { orphansAllowed: true });
  assert.equal(left.recount.generations, 0);
  assert.equal(left.orphans.length, batch);

  const reconcile = await requestReconcile(t.id, { minAgeMs: 0 });
  const { result } = await waitForJob(t, reconcile.id);
  assert.equal(result.orphans_deleted, batch);
  assert.equal(result.missing_audio, 0);
  figures.orphans_reconciled += result.orphans_deleted;
  const { stats, objects } = await assertConsistent(t);
  assert.deepEqual(objects, []);
  assert.equal(stats.total_generations, 0);
  assert.equal(stats.total_bytes, 0);
});
