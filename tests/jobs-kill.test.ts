// A worker process really killed (SIGKILL, at whatever point it has reached) in the middle of a
// profile.delete job: the job is picked up again and finishes, and reconcile removes any audio the
// killed worker deleted the records of but not yet the objects.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { s3 } from "@sonna/core/storage/client";
import { newGenerationItem } from "@sonna/core/generations/create";
import type { JobItem } from "@sonna/core/jobs/model";
import { runJob } from "@sonna/core/jobs/run";
import { findJob } from "@sonna/core/jobs/store";
import { requestReconcile } from "@sonna/core/maintenance/jobs";
import { deleteProfile } from "@sonna/core/profiles/delete";
import { createProfile } from "@sonna/core/profiles/service";
import { bucketName, tableName } from "@sonna/core/resources";
import { objectKeys } from "@sonna/core/storage/keys";
import { keys } from "@sonna/core/table/keys";
import { assertStatsMatchRecount, inParallel, recount, smallWav, waitForJob } from "./support/fixtures";
import { putCountedGenerations } from "./support/seed";
import { startApi, tenant, type Api } from "./support/server";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

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
    item.size_bytes = wav.byteLength;
    item.duration = 0.042;
    item.versions = [
      { id: item.id, label: "original", effects_chain: [], is_default: true, status: "completed", audio_path: item.audio_path, duration: item.duration, size_bytes: wav.byteLength, created_at: item.created_at },
    ];
    item.active_version_id = item.id;
    return item;
  });
  const { PutObjectCommand } = await import("@aws-sdk/client-s3");
  await inParallel(items, 8, (item) => s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: item.audio_path, Body: wav })));
  await putCountedGenerations(tenantId, items);
}

test("a worker killed with SIGKILL mid-job: a new worker finishes, reconcile sweeps up the audio in between", { timeout: 120_000 }, async () => {
  const t = await tenant(api);
  const profile = await createProfile(t.id, { name: "Killed voice" });
  await seedCompleted(t.id, profile.id, 300);
  await assertStatsMatchRecount(t);

  // Record the job without anyone running it (the message is "lost": jobs go to SQS, which has no link here).
  const saved = { jobs: process.env.SONNA_LOCAL_JOBS, endpoint: process.env.AWS_ENDPOINT_URL_SQS };
  delete process.env.SONNA_LOCAL_JOBS;
  process.env.AWS_ENDPOINT_URL_SQS = "http://127.0.0.1:9";
  try {
    await assert.rejects(deleteProfile(t.id, profile.id), /SST links|not linked/);
  } finally {
    process.env.SONNA_LOCAL_JOBS = saved.jobs;
    if (saved.endpoint === undefined) delete process.env.AWS_ENDPOINT_URL_SQS;
    else process.env.AWS_ENDPOINT_URL_SQS = saved.endpoint;
  }
  const { Items } = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :job)",
      ExpressionAttributeValues: { ":pk": keys.tenantPartition(t.id), ":job": "JOB#" },
      ConsistentRead: true,
    }),
  );
  const job = (Items ?? [])[0] as JobItem;
  assert.equal(job?.type, "profile.delete");
  const message = { tenant: t.id, job_id: job.id };

  // A separate worker process runs it; it is killed once it has recorded progress.
  const worker = spawn(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", `import { runJob } from "@sonna/core/jobs/run"; await runJob(${JSON.stringify(message)});`],
    { cwd: repoRoot, env: process.env, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  worker.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => worker.on("exit", (code, signal) => done({ code, signal })));
  let killedAt: number | undefined;
  for (let polls = 0; killedAt === undefined; polls++) {
    const current = await findJob(t.id, job.id);
    if (current?.status === "succeeded" || worker.exitCode !== null) break;
    if ((current?.progress.done ?? 0) > 0) {
      worker.kill("SIGKILL");
      killedAt = current!.progress.done;
    }
    assert.ok(polls < 3_000, `the worker never made progress: ${stderr.slice(0, 2000)}`);
    await new Promise((wake) => setTimeout(wake, 10));
  }
  const { signal } = await exited;
  console.log(`# worker killed after ${killedAt ?? "(finished first)"} deletions, signal ${signal}`);
  if (killedAt !== undefined) {
    assert.equal(signal, "SIGKILL");
    const midway = await findJob(t.id, job.id);
    assert.equal(midway?.status, "running");
    // Whatever point it died at, every record it deleted took its counts with it.
    await assertStatsMatchRecount(t);
  }

  // The restarted worker (the message redelivered) finishes the job.
  await runJob(message);
  const done = await findJob(t.id, job.id);
  assert.equal(done?.status, "succeeded", JSON.stringify(done));
  assert.equal((await recount(t.id)).generations, 0);
  const left = await tenantObjects(t.id);
  assert.ok(left.length <= 25, `at most one batch of audio can be orphaned by a kill, found ${left.length}`);
  console.log(`# objects orphaned by the kill: ${left.length}`);

  // Records go before audio, so a kill can only leave orphaned objects; reconcile removes them.
  const reconcile = await requestReconcile(t.id, { minAgeMs: 0 });
  const { result } = await waitForJob(t, reconcile.id);
  assert.equal(result.orphans_deleted, left.length);
  assert.equal(result.missing_audio, 0);
  assert.deepEqual(await tenantObjects(t.id), []);
  const { stats } = await assertStatsMatchRecount(t);
  assert.equal(stats.total_generations, 0);
  assert.equal(stats.total_bytes, 0);
});
