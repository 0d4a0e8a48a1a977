import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { makeWav } from "@sonna/core/wav/make";
import { startApi, tenant, type Api, type JsonResponse, type Tenant } from "./support/server";
import {
  assertError,
  assertStatsMatchRecount,
  assertZeroStats,
  createCompleted,
  createPending,
  createProfile,
  failGeneration,
  getStats,
  inParallel,
  recount,
  uploadAudio,
} from "./support/fixtures";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

describe("stats", () => {
  test("a fresh tenant has all zeros, and 30 consecutive days ending today", async () => {
    const t = await tenant(api);
    const stats = await getStats(t);
    assertZeroStats(stats);
    if (stats.generations_per_day !== undefined) {
      const days: string[] = stats.generations_per_day.map((d: { day: string }) => d.day);
      assert.equal(days.length, 30);
      assert.equal(days.at(-1), new Date().toISOString().slice(0, 10));
      for (let i = 1; i < days.length; i++) assert.equal(Date.parse(days[i]!) - Date.parse(days[i - 1]!), 86_400_000);
    }
    // A profile alone changes nothing.
    await createProfile(t);
    assertZeroStats(await getStats(t));
  });

  test("per profile: exact counts, durations and bytes; profiles without generations are absent", async () => {
    const t = await tenant(api);
    const [a, b, c] = [await createProfile(t), await createProfile(t), await createProfile(t)];
    const a1 = await createCompleted(t, a.id, { wav: makeWav({ frames: 12_000 }), engine: "kokoro", language: "de" });
    const a2 = await createCompleted(t, a.id, { wav: makeWav({ frames: 24_000 }) });
    await createPending(t, a.id);
    const failed = await createPending(t, a.id, { language: "de" });
    await failGeneration(t, failed.generation.id);
    const b1 = await createCompleted(t, b.id, { wav: makeWav({ sampleRate: 8_000, frames: 2_001 }), engine: "kokoro" });

    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.generations_by_profile, { [a.id]: 4, [b.id]: 1 });
    assert.deepEqual(stats.profiles[a.id], { generations: 4, duration_seconds: 1.5, bytes: a1.size_bytes + a2.size_bytes });
    assert.deepEqual(stats.profiles[b.id], { generations: 1, duration_seconds: 0.25, bytes: b1.size_bytes });
    assert.equal(stats.profiles[c.id], undefined);
    assert.equal(stats.total_duration_seconds, 1.75);
    assert.deepEqual(stats.generations_by_status, { pending: 1, completed: 3, failed: 1 });
    if (stats.by_engine !== undefined) {
      assert.deepEqual(stats.by_engine, { kokoro: { generations: 2, duration_seconds: 0.75 }, qwen: { generations: 3, duration_seconds: 1 } });
      assert.deepEqual(stats.by_language, { de: { generations: 2, duration_seconds: 0.5 }, en: { generations: 3, duration_seconds: 1.25 } });
    }

    // Deleting B's only generation removes B from the per-profile figures.
    assert.equal((await t.json(`/history/${b1.id}`, { method: "DELETE" })).status, 204);
    const after = (await assertStatsMatchRecount(t)).stats;
    assert.deepEqual(after.generations_by_profile, { [a.id]: 4 });
    assert.equal(after.profiles[b.id], undefined);
  });

  test("DELETE /history/failed deletes only failed generations, across batches, and returns the count", async () => {
    const t = await tenant(api);
    const other = await tenant(api);
    const [a, b] = [await createProfile(t), await createProfile(t)];
    const otherProfile = await createProfile(other);
    const otherFailed = (await createPending(other, otherProfile.id)).generation;
    await failGeneration(other, otherFailed.id);

    const failedIds = await inParallel(Array.from({ length: 27 }, (_, i) => i), 6, async (i) => {
      const { generation } = await createPending(t, i % 2 ? a.id : b.id);
      await failGeneration(t, generation.id);
      if (i % 9 === 0) await t.json(`/history/${generation.id}/favorite`, { method: "PUT" });
      return generation.id;
    });
    const kept = [
      (await createPending(t, a.id)).generation.id,
      (await createPending(t, b.id)).generation.id,
      (await createCompleted(t, a.id)).id,
      (await createCompleted(t, b.id)).id,
    ];
    await t.json(`/history/${kept[3]}/favorite`, { method: "PUT" });
    assert.equal((await getStats(t)).generations_by_status.failed, 27);

    const res = await t.json("/history/failed", { method: "DELETE" });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { deleted: 27 });
    for (const id of failedIds.slice(0, 5)) assertError(await t.json(`/history/${id}`), 404, "generation.not_found");
    for (const id of kept) assert.equal((await t.json(`/history/${id}`)).status, 200);
    const { stats } = await assertStatsMatchRecount(t);
    assert.deepEqual(stats.generations_by_status, { pending: 2, completed: 2, failed: 0 });
    assert.equal(stats.favorites, 1);
    const list = await t.json("/history?status=failed");
    assert.deepEqual(list.body, { items: [], total: 0, next_cursor: null });

    assert.deepEqual((await t.json("/history/failed", { method: "DELETE" })).body, { deleted: 0 });
    // Another tenant's failed generation is untouched.
    assert.equal((await other.json(`/history/${otherFailed.id}`)).body.status, "failed");
    assert.equal((await getStats(other)).generations_by_status.failed, 1);
  });

  test("DELETE /history/failed on a tenant with none deletes nothing", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    await createCompleted(t, p.id);
    assert.deepEqual((await t.json("/history/failed", { method: "DELETE" })).body, { deleted: 0 });
    assert.equal((await assertStatsMatchRecount(t)).stats.total_generations, 1);
  });
});

type Op =
  | { kind: "create"; profile: number; engine: number; language: number }
  | { kind: "complete"; pick: number; frames: number }
  | { kind: "fail"; pick: number }
  | { kind: "favorite"; pick: number }
  | { kind: "delete"; pick: number }
  | { kind: "doubleDelete"; pick: number }
  | { kind: "deleteFailed" };

const ENGINES = ["qwen", "kokoro"];
const LANGUAGES = ["en", "de", "ja"];
const pick = fc.nat({ max: 1_000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("create" as const), profile: fc.nat({ max: 1 }), engine: fc.nat({ max: 1 }), language: fc.nat({ max: 2 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("complete" as const), pick, frames: fc.integer({ min: 1, max: 9_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("fail" as const), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("favorite" as const), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("doubleDelete" as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deleteFailed" as const) }) },
);

interface ModelGeneration {
  id: string;
  status: "pending" | "completed" | "failed" | "deleted";
  favorited: boolean;
  upload: { url: string; method: "PUT"; headers: Record<string, string>; expires_at: string };
}

/** Runs a random sequence of operations, checking each answer against a model, then stats against a recount. */
async function runScenario(ops: Op[]): Promise<void> {
  const t: Tenant = await tenant(api);
  const profileIds = [(await createProfile(t)).id, (await createProfile(t)).id];
  const gens: ModelGeneration[] = [];
  const chosen = (n: number) => (gens.length ? gens[n % gens.length]! : undefined);
  const log: string[] = [];
  const expectStatus = (what: string, res: JsonResponse, expected: number) => {
    assert.equal(res.status, expected, `${what}: ${res.status} ${JSON.stringify(res.body)}\nafter: ${log.join("; ")}`);
    if (expected === 404) assertError(res, 404, "generation.not_found");
    if (expected === 409) assertError(res, 409, "generation.not_pending");
  };


  for (const op of ops) {
    log.push(JSON.stringify(op));
    if (op.kind === "create") {
      const { generation, upload } = await createPending(t, profileIds[op.profile]!, { engine: ENGINES[op.engine], language: LANGUAGES[op.language] });
      gens.push({ id: generation.id, status: "pending", favorited: false, upload });
    } else if (op.kind === "deleteFailed") {
      const res = await t.json("/history/failed", { method: "DELETE" });
      expectStatus("delete failed", res, 200);
      const failed = gens.filter((g) => g.status === "failed");
      assert.deepEqual(res.body, { deleted: failed.length });
      for (const g of failed) g.status = "deleted";
    } else {
      const g = chosen(op.pick);
      if (!g) continue;
      const gone = g.status === "deleted";
      if (op.kind === "complete") {
        if (g.status === "pending") await uploadAudio(g.upload, makeWav({ sampleRate: 8_000, frames: op.frames }));
        const res = await t.json(`/history/${g.id}/complete`, { method: "POST" });
        expectStatus("complete", res, gone ? 404 : g.status === "failed" ? 409 : 200);
        if (g.status === "pending") g.status = "completed";
      } else if (op.kind === "fail") {
        const res = await t.json(`/history/${g.id}/fail`, { method: "POST", body: { error: "boom" } });
        expectStatus("fail", res, gone ? 404 : g.status === "completed" ? 409 : 200);
        if (g.status === "pending") g.status = "failed";
      } else if (op.kind === "favorite") {
        const res = await t.json(`/history/${g.id}/favorite`, { method: "POST" });
        expectStatus("favorite", res, gone ? 404 : 200);
        if (!gone) {
          g.favorited = !g.favorited;
          assert.deepEqual(res.body, { is_favorited: g.favorited });
        }
      } else if (op.kind === "delete") {
        const res = await t.json(`/history/${g.id}`, { method: "DELETE" });
        expectStatus("delete", res, gone ? 404 : 204);
        g.status = "deleted";
      } else if (op.kind === "doubleDelete") {
        const results = await Promise.all([1, 2].map(() => t.json(`/history/${g.id}`, { method: "DELETE" })));
        const statuses = results.map((res) => res.status).sort();
        assert.deepEqual(statuses, gone ? [404, 404] : [204, 404], `double delete\nafter: ${log.join("; ")}`);
        g.status = "deleted";
      }
    }
  }

  const { stats } = await assertStatsMatchRecount(t);
  const live = gens.filter((g) => g.status !== "deleted");
  assert.equal(stats.total_generations, live.length);
  assert.deepEqual(stats.generations_by_status, {
    pending: live.filter((g) => g.status === "pending").length,
    completed: live.filter((g) => g.status === "completed").length,
    failed: live.filter((g) => g.status === "failed").length,
  });
  assert.equal(stats.favorites, live.filter((g) => g.favorited).length);
  const counted = await recount(t.id);
  assert.deepEqual(counted.items.map((item) => item.id).sort(), live.map((g) => g.id).sort());
}

test("after a random mix of operations, stats equal a recount (fast-check, fixed seed)", { timeout: 240_000 }, async () => {
  await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 25, maxLength: 35 }), runScenario), {
    seed: 20_261_124,
    numRuns: 10,
    endOnFailure: true,
  });
});
