// Retention: generations older than retention_days go (favorites spared when keep_favorites), by a
// key range on the time-ordered ids, in batches that keep the stats exact; plus the daily sweep
// that queues retention and reconcile jobs and re-sends lost job messages.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { findJob, finishJob, newJobItem } from "@sonna/core/jobs/store";
import { requestRetention } from "@sonna/core/maintenance/jobs";
import { applyRetention, DAY_MS } from "@sonna/core/maintenance/retention";
import { runSweeps } from "@sonna/core/maintenance/sweeps";
import { tableName } from "@sonna/core/resources";
import { keys } from "@sonna/core/table/keys";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
import {
  assertStatsMatchRecount,
  createCompleted,
  createProfile,
  inParallel,
  jobsOf,
  objectExists,
  oldGeneration,
  putSettings,
  recount,
  waitForJob,
} from "./support/fixtures";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

async function retention(t: Tenant) {
  const job = await requestRetention(t.id);
  assert.equal(job.type, "retention");
  return (await waitForJob(t, job.id)).result;
}

async function present(t: Tenant, id: string): Promise<boolean> {
  const res = await t.json(`/history/${id}`);
  assert.ok(res.status === 200 || res.status === 404, `GET /history/${id}: ${res.status}`);
  return res.status === 200;
}

describe("retention job", () => {
  test("deletes what is older than retention_days, sparing favorites, then not once they're no longer kept", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    const withVersion = await oldGeneration(t, p.id, 45, { version: true });
    const pending = await oldGeneration(t, p.id, 31);
    const failed = await oldGeneration(t, p.id, 40, { failed: true });
    const oldFavorite = await oldGeneration(t, p.id, 45, { audio: true, favorite: true });
    const inside = await oldGeneration(t, p.id, 29, { audio: true });
    const fresh = await createCompleted(t, p.id);
    const freshFavorite = await createCompleted(t, p.id);
    assert.equal((await t.json(`/history/${freshFavorite.id}/favorite`, { method: "PUT" })).status, 200);
    await assertStatsMatchRecount(t);

    await putSettings(t, { retention_days: 30, keep_favorites: true });
    const first = await retention(t);
    assert.equal(first.deleted, 3);
    assert.equal(first.retention_days, 30);
    assert.equal(first.keep_favorites, true);
    assert.ok(Math.abs(Date.parse(first.cutoff) - (Date.now() - 30 * DAY_MS)) < 60_000, `cutoff ${first.cutoff}`);
    for (const gone of [withVersion, pending, failed]) assert.equal(await present(t, gone.id), false, `${gone.id} is older than 30 days`);
    assert.equal(await objectExists(withVersion.audio_path), false, "deleted records keep their audio");
    assert.equal(await objectExists(withVersion.version_audio!), false, "deleted records keep their versions' audio");
    for (const kept of [oldFavorite.id, inside.id, fresh.id, freshFavorite.id]) assert.equal(await present(t, kept), true, `${kept} should stay`);
    assert.equal(await objectExists(oldFavorite.audio_path), true);
    assert.equal(await objectExists(inside.audio_path), true);
    await assertStatsMatchRecount(t);

    await putSettings(t, { retention_days: 30, keep_favorites: false });
    const second = await retention(t);
    assert.equal(second.deleted, 1);
    assert.equal(await present(t, oldFavorite.id), false);
    assert.equal(await objectExists(oldFavorite.audio_path), false);
    for (const kept of [inside.id, fresh.id, freshFavorite.id]) assert.equal(await present(t, kept), true, "generations inside the window are untouched");
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 3);
    assert.equal(stats.favorites, 1);

    // Nothing is left to do: running again deletes nothing.
    assert.equal((await retention(t)).deleted, 0);
    assert.equal((await recount(t.id)).generations, 3);
  });

  test("without retention_days nothing is deleted, however old", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    const ancient = await oldGeneration(t, p.id, 3_000, { audio: true });
    const result = await retention(t);
    assert.deepEqual(result, { retention_days: null, keep_favorites: true, cutoff: null, deleted: 0 });
    assert.equal(await present(t, ancient.id), true);
    await putSettings(t, { retention_days: 3_650, keep_favorites: true });
    assert.equal((await retention(t)).deleted, 0, "3,000 days is inside a 3,650-day window");
    await assertStatsMatchRecount(t);
  });

  test("resumes after a crash mid-way, deleting each generation once", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    await inParallel(Array.from({ length: 130 }, (_, i) => i), 6, (i) => oldGeneration(t, p.id, 60 + (i % 7)));
    const young = await oldGeneration(t, p.id, 2);
    await putSettings(t, { retention_days: 7, keep_favorites: true });

    const crash = new Error("worker killed");
    await assert.rejects(
      applyRetention(t.id, {
        progress: (deleted) => {
          assert.equal(deleted, 100, "a page is 100 generations");
          throw crash;
        },
      }),
      crash,
    );
    assert.equal((await recount(t.id)).generations, 31);
    await assertStatsMatchRecount(t);

    const resumed = await applyRetention(t.id);
    assert.equal(resumed.deleted, 30);
    const { recount: left } = await assertStatsMatchRecount(t);
    assert.deepEqual(left.items.map((item) => item.id), [young.id]);
  });
});

describe("the daily sweep", () => {
  test("queues retention for tenants with retention_days and reconcile for every tenant; the jobs run", async () => {
    const [keeper, forever] = [await tenant(api), await tenant(api)];
    const pk = await createProfile(keeper);
    await createProfile(forever);
    const old = await oldGeneration(keeper, pk.id, 100, { audio: true });
    const recent = await createCompleted(keeper, pk.id);
    await putSettings(keeper, { retention_days: 90, keep_favorites: true });

    const mine = new Set([keeper.id, forever.id]);
    const result = await runSweeps({ tenants: (id) => mine.has(id) });
    assert.deepEqual(result, { tenants: 2, retention_jobs: 1, reconcile_jobs: 2, archive_jobs: 0, trash_jobs: 0, search_jobs: 0, resent_jobs: 0, abandoned_jobs: 0, errors: 0 });

    const keeperJobs = await jobsOf(keeper.id);
    assert.deepEqual(keeperJobs.map((j) => j.type).sort(), ["reconcile", "retention"]);
    assert.deepEqual((await jobsOf(forever.id)).map((j) => j.type), ["reconcile"]);
    for (const job of keeperJobs) await waitForJob(keeper, job.id);
    const [foreverJob] = await jobsOf(forever.id);
    await waitForJob(forever, foreverJob!.id);

    assert.equal(await present(keeper, old.id), false);
    assert.equal(await objectExists(old.audio_path), false);
    assert.equal(await present(keeper, recent.id), true);
    // Reconcile, with its default age of a day, leaves everything fresh alone.
    const reconcile = keeperJobs.find((j) => j.type === "reconcile")!;
    const { result: counts } = await waitForJob(keeper, reconcile.id);
    assert.equal(counts.orphans_deleted + counts.stale_pending + counts.missing_audio, 0);
    await assertStatsMatchRecount(keeper);
  });

  test("re-sends a job whose message was lost, and stops one that used up its attempts", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    await oldGeneration(t, p.id, 10);
    await putSettings(t, { retention_days: 5, keep_favorites: true });
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    const lost = { ...newJobItem(t.id, "retention", {}), created_at: hourAgo, updated_at: hourAgo };
    const exhausted = { ...newJobItem(t.id, "retention", {}), created_at: hourAgo, updated_at: hourAgo, status: "running" as const, attempts: 5 };
    const recentlyRunning = { ...newJobItem(t.id, "retention", {}), created_at: hourAgo, status: "running" as const, attempts: 1 };
    for (const job of [lost, exhausted, recentlyRunning]) {
      await dynamo.send(new PutCommand({ TableName: tableName(), Item: job }));
      await dynamo.send(new PutCommand({ TableName: tableName(), Item: { ...keys.openJob(job.id), tenant: t.id, job_id: job.id, created_at: job.created_at } }));
    }

    const result = await runSweeps({ tenants: (id) => id === t.id });
    assert.equal(result.resent_jobs, 1);
    assert.equal(result.abandoned_jobs, 1);
    assert.equal(result.retention_jobs, 1);
    assert.equal(result.errors, 0);

    const ran = await waitForJob(t, lost.id);
    assert.equal(ran.attempts, 1);
    const stopped = await findJob(t.id, exhausted.id);
    assert.equal(stopped?.status, "failed");
    const { Item: stillOpen } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.openJob(exhausted.id), ConsistentRead: true }));
    assert.equal(stillOpen, undefined);
    // A job that moved within the last 15 minutes is running somewhere: not sent twice.
    assert.equal((await findJob(t.id, recentlyRunning.id))?.attempts, 1);
    for (const job of await jobsOf(t.id)) if (job.id !== exhausted.id && job.id !== recentlyRunning.id) await waitForJob(t, job.id);
    assert.equal((await recount(t.id)).generations, 0);
    await assertStatsMatchRecount(t);
    // Close the job this test left "running", so nothing resumes it later.
    await finishJob(t.id, recentlyRunning, { status: "failed", error: "test cleanup" });
  });
});
