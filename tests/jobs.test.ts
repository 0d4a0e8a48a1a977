// Jobs end to end: a 5,000-generation profile delete that survives a worker killed mid-way, the SQS
// subscriber driven with real SQS event shapes, and job visibility across tenants.
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { s3 } from "@sonna/core/storage/client";
import { createGeneration, newGenerationItem } from "@sonna/core/generations/create";
import { completeGeneration } from "@sonna/core/generations/lifecycle";
import { completeVersion, createVersion } from "@sonna/core/generations/versions";
import { enqueueJob } from "@sonna/core/jobs/enqueue";
import type { JobItem, JobMessage } from "@sonna/core/jobs/model";
import { MAX_JOB_ATTEMPTS, runJob } from "@sonna/core/jobs/run";
import { findJob, newJobItem } from "@sonna/core/jobs/store";
import { deleteProfile } from "@sonna/core/profiles/delete";
import { createProfile } from "@sonna/core/profiles/service";
import { bucketName, tableName } from "@sonna/core/resources";
import { objectKeys } from "@sonna/core/storage/keys";
import { keys } from "@sonna/core/table/keys";
import { handler as jobsWorker } from "@sonna/functions/jobs-worker";
import { assertError, assertStatsMatchRecount, createCompleted, createPending, inParallel, jobsOf, objectExists, recount, smallWav, uploadAudio } from "./support/fixtures";
import { putCountedGenerations, withMessageLost } from "./support/seed";
import { startApi, tenant, type Api } from "./support/server";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

async function isOpen(jobId: string): Promise<boolean> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.openJob(jobId), ConsistentRead: true }));
  return Item !== undefined;
}

/** Every object key under the tenant's prefix. */
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

const putToUrl = async (url: string, bytes: Uint8Array) => {
  const res = await fetch(url, { method: "PUT", body: bytes });
  assert.ok(res.ok, `PUT ${res.status}`);
  await res.arrayBuffer();
};

/**
 * `count` pending generations of one profile, stored as createGeneration stores them (the same
 * newGenerationItem) with the same counters (statsUpdates over all of them, summed, as bulk deletes
 * do), but written 25 at a time: DynamoDB Local serializes the 5,000 transactions createGeneration
 * would run on the same three counter items to a few dozen a second.
 */
async function seedPending(tenantId: string, profileId: string, count: number): Promise<void> {
  const items = Array.from({ length: count }, (_, i) => newGenerationItem(tenantId, { profile_id: profileId, text: `line ${i}`, engine: i % 2 ? "qwen" : "kokoro" }));
  await putCountedGenerations(tenantId, items);
}

/** An SQS event record as Lambda delivers it. */
function sqsRecord(body: string) {
  const messageId = randomUUID();
  const now = String(Date.now());
  return {
    messageId,
    receiptHandle: `AQEB${createHash("sha256").update(messageId).digest("base64")}`,
    body,
    attributes: { ApproximateReceiveCount: "1", SentTimestamp: now, SenderId: "AROAEXAMPLE:sonna-api", ApproximateFirstReceiveTimestamp: now },
    messageAttributes: {},
    md5OfBody: createHash("md5").update(body).digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:sonna-history-test-JobsQueue",
    awsRegion: "us-east-1",
  };
}

describe("profile.delete", () => {
  test("5,000 generations go completely, across a worker killed mid-way and restarted", { timeout: 120_000 }, async () => {
    const started = Date.now();
    const t = await tenant(api);
    const profile = await createProfile(t.id, { name: "Big voice" });
    await seedPending(t.id, profile.id, 4_950);
    // 50 through the service's own path, with real audio, and processed versions on 5 of them, so
    // objects of both kinds must go too.
    const wav = await smallWav();
    const withAudio = await inParallel(Array.from({ length: 50 }, (_, i) => i), 8, async (i) => {
      const { generation, upload } = await createGeneration(t.id, { profile_id: profile.id, text: `voiced ${i}`, engine: "kokoro" });
      await putToUrl(upload.url, wav);
      await completeGeneration(t.id, generation.id);
      return { id: generation.id };
    });
    await inParallel(withAudio.slice(0, 5), 5, async ({ id }) => {
      const { version, upload } = await createVersion(t.id, id, { label: "louder", effects_chain: [{ type: "gain", params: { db: 3 } }] });
      await putToUrl(upload.url, await smallWav(3_000));
      await completeVersion(t.id, id, version.id);
    });
    // (The full recount comes mid-way and at the end; the counters alone are checked here.)
    const before = (await t.json("/history/stats")).body;
    assert.equal(before.total_generations, 5_000);
    assert.deepEqual(before.generations_by_status, { pending: 4_950, completed: 50, failed: 0 });
    assert.equal((await tenantObjects(t.id)).length, 55);
    console.log(`# setup of 5,000 generations: ${Date.now() - started} ms`);

    // The profile goes at once, with the job recorded in the same transaction; its message is lost.
    await withMessageLost(() => deleteProfile(t.id, profile.id));
    assertError(await t.json(`/profiles/${profile.id}`), 404, "profile.not_found");
    const [job] = await jobsOf(t.id);
    assert.ok(job, "deleteProfile recorded no job");
    assert.equal(job.type, "profile.delete");
    assert.equal(job.status, "queued");
    assert.ok(await isOpen(job.id), "the job is not in the open-jobs index, so no sweep could ever resend it");
    const message: JobMessage = { tenant: t.id, job_id: job.id };

    // First worker: killed after its second progress step (two pages of 100).
    const killed = new Error("worker killed");
    let steps = 0;
    await assert.rejects(
      runJob(message, {
        afterProgress: () => {
          if (++steps === 2) throw killed;
        },
      }),
      killed,
    );
    const midway = await findJob(t.id, job.id);
    assert.equal(midway?.status, "running");
    assert.equal(midway?.attempts, 1);
    assert.equal(midway?.progress.done, 200);
    assert.ok(await isOpen(job.id));
    // Half-done is still consistent: every deleted record took its counts with it.
    const half = await assertStatsMatchRecount(t);
    assert.equal(half.recount.generations, 4_800);

    // A second worker picks the same message up and finishes.
    await runJob(message);
    const done = await findJob(t.id, job.id);
    assert.equal(done?.status, "succeeded", JSON.stringify(done));
    assert.equal(done?.attempts, 2);
    assert.equal(done?.result?.profile_id, profile.id);
    assert.equal(Number(done?.result?.deleted_generations) + 200, 5_000, `result ${JSON.stringify(done?.result)}`);
    assert.ok(done!.progress.done <= 5_000 && done!.progress.done >= 4_800, `progress ${JSON.stringify(done?.progress)}`);
    assert.equal(await isOpen(job.id), false, "a finished job stays in the open-jobs index");
    const res = await t.json(`/jobs/${job.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "succeeded");

    // Nothing is left: no record, no object, no profile counters; the tenant's stats are zero and exact.
    assert.equal((await recount(t.id)).generations, 0);
    assert.deepEqual(await tenantObjects(t.id), []);
    const { Item: profileStats } = await dynamo.send(
      new GetCommand({ TableName: tableName(), Key: keys.profileStats(t.id, profile.id), ConsistentRead: true }),
    );
    assert.equal(profileStats, undefined, "the profile's stats item is left behind");
    const after = await assertStatsMatchRecount(t);
    assert.equal(after.stats.total_generations, 0);
    assert.equal(after.stats.total_bytes, 0);
    assert.deepEqual(after.stats.profiles, {});

    // A late redelivery of the same message is a no-op.
    await runJob(message);
    assert.equal((await findJob(t.id, job.id))?.attempts, 2);
    console.log(`# whole test: ${Date.now() - started} ms`);
  });
});

describe("the SQS subscriber (jobs-worker.handler)", () => {
  test("runs real SQS records, skips malformed ones without throwing, and reports only the failing one", async () => {
    const t = await tenant(api);
    const profile = (await t.json("/profiles", { method: "POST", body: { name: "Worker voice" } })).body as { id: string };
    const [a, b, c] = [await createCompleted(t, profile.id), await createCompleted(t, profile.id), await createCompleted(t, profile.id)];
    await withMessageLost(() => enqueueJob(t.id, "history.delete", { ids: [a.id, b.id] }));
    const [job] = await jobsOf(t.id);
    assert.ok(job);

    // A job whose handler throws (an unknown type stands in for any bug or outage), on its first attempt.
    const broken = { ...newJobItem(t.id, "history.delete", {}), type: "no.such.type" } as unknown as JobItem;
    await dynamo.send(new PutCommand({ TableName: tableName(), Item: broken }));
    await dynamo.send(new PutCommand({ TableName: tableName(), Item: { ...keys.openJob(broken.id), tenant: t.id, job_id: broken.id, created_at: broken.created_at } }));

    const good = sqsRecord(JSON.stringify({ tenant: t.id, job_id: job.id }));
    const failing = sqsRecord(JSON.stringify({ tenant: t.id, job_id: broken.id }));
    const event = {
      Records: [sqsRecord("{not json"), sqsRecord(JSON.stringify({ tenant: 42, job: "x" })), sqsRecord(""), good, failing],
    };
    const response = await jobsWorker(event);
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: failing.messageId }] });

    const finished = await findJob(t.id, job.id);
    assert.equal(finished?.status, "succeeded");
    assert.deepEqual(finished?.result, { deleted: 2 });
    assertError(await t.json(`/history/${a.id}`), 404, "generation.not_found");
    assertError(await t.json(`/history/${b.id}`), 404, "generation.not_found");
    assert.equal((await t.json(`/history/${c.id}`)).status, 200);
    assert.equal(await objectExists(a.audio_path), false);
    assert.equal(await objectExists(c.audio_path), true);
    await assertStatsMatchRecount(t);

    // SQS delivers at least once: the same record again changes nothing and fails nothing.
    assert.deepEqual(await jobsWorker({ Records: [good] }), { batchItemFailures: [] });
    assert.equal((await findJob(t.id, job.id))?.attempts, 1);

    // The broken job is still open, to be retried; on its last attempt it is failed for good and
    // the message is no longer reported (so it does not sit in the dead-letter queue for nothing).
    const retried = await findJob(t.id, broken.id);
    assert.equal(retried?.status, "running");
    assert.equal(retried?.attempts, 1);
    for (let attempt = 2; attempt < MAX_JOB_ATTEMPTS; attempt++) {
      assert.deepEqual(await jobsWorker({ Records: [failing] }), { batchItemFailures: [{ itemIdentifier: failing.messageId }] });
    }
    assert.deepEqual(await jobsWorker({ Records: [failing] }), { batchItemFailures: [] });
    const gaveUp = await findJob(t.id, broken.id);
    assert.equal(gaveUp?.status, "failed");
    assert.equal(gaveUp?.attempts, MAX_JOB_ATTEMPTS);
    assert.equal(await isOpen(broken.id), false);
  });

  test("an empty batch is fine", async () => {
    assert.deepEqual(await jobsWorker({ Records: [] }), { batchItemFailures: [] });
  });
});

describe("GET /jobs/{id}", () => {
  test("is the owner's alone: another tenant gets 404, like a job that does not exist", async () => {
    const owner = await tenant(api);
    const other = await tenant(api);
    const profile = (await owner.json("/profiles", { method: "POST", body: { name: "Owner voice" } })).body as { id: string };
    const { generation } = await createPending(owner, profile.id);
    const res = await owner.json("/history/delete", { method: "POST", body: { ids: [generation.id] } });
    assert.equal(res.status, 202);
    const location = res.headers.get("location");
    assert.equal(location, `/jobs/${res.body.id}`);

    const mine = await owner.json(location!);
    assert.equal(mine.status, 200);
    assert.equal(mine.body.id, res.body.id);
    assertError(await other.json(location!), 404, "job.not_found");
    assertError(await owner.json(`/jobs/${randomUUID()}`), 404, "job.not_found");
    // The other tenant's own view of the world is untouched by the owner's job.
    assert.equal((await jobsOf(other.id)).length, 0);
  });

  test("a finished job keeps its result readable", async () => {
    const t = await tenant(api);
    const profile = (await t.json("/profiles", { method: "POST", body: { name: "Reader voice" } })).body as { id: string };
    const { generation, upload } = await createPending(t, profile.id);
    await uploadAudio(upload, await smallWav());
    const res = await t.json("/history/delete", { method: "POST", body: { ids: [generation.id] } });
    assert.equal(res.status, 202);
    for (let i = 0; i < 200; i++) {
      const job = await t.json(`/jobs/${res.body.id}`);
      if (job.body.status === "succeeded") {
        assert.deepEqual(job.body.result, { deleted: 1 });
        assert.equal(job.body.error, null);
        return;
      }
      await new Promise((wake) => setTimeout(wake, 25));
    }
    assert.fail("the job did not finish");
  });
});
