// POST /history/batch-get over real HTTP: items as GET /history/{id} shows them, in the order asked,
// everything that finds nothing in `missing`, the body's bounds, and the cost of 100 ids measured
// in-process (measureCapacity follows the async context of the call, so that one uses app.request).
//   npx tsx tests/support/run.ts tests/batch-get.test.ts
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { authorizedEnv } from "@sonna/local/gateway";
import { createGeneration } from "@sonna/core/generations/create";
import { mutateGeneration } from "@sonna/core/generations/repo";
import { measureCapacity } from "@sonna/core/table/capacity";
import { keys } from "@sonna/core/table/keys";
import { startApi, tenant, type Api, type JsonResponse, type Tenant } from "./support/server";
import { assertError, createCompleted, createPending, createProfile, failGeneration, randomId, smallWav } from "./support/fixtures";
import { fetchBytes, sameBytes } from "./support/transfer";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

const batchGet = (t: Tenant, body: unknown): Promise<JsonResponse> => t.json("/history/batch-get", { method: "POST", body });

/** POST /history/batch-get with `ids`; asserts 200 and that every id asked is answered once, as an item or as missing. */
async function batchGetOk(t: Tenant, ids: string[]) {
  const res = await batchGet(t, { ids });
  assert.equal(res.status, 200, `batch-get: ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as { items: Record<string, any>[]; missing: string[] };
  assert.equal(body.items.length + body.missing.length, ids.length, "each id asked is answered once");
  return body;
}

/** The presigned URL fields differ from one signing to the next; everything else must be what GET answers. */
const withoutUrl = ({ audio_url, audio_url_expires_at, ...rest }: Record<string, any>) => rest;

/**
 * Moves a generation to the trash as the trash feature stores it: deleted at `GEN#`, put at
 * `TRASH#` in the same transaction (through the foundation's transaction builder).
 */
async function moveToTrash(tenantId: string, id: string): Promise<void> {
  const deletedAt = new Date().toISOString();
  await mutateGeneration(tenantId, id, (item) => ({
    kind: "put",
    item: {
      ...item,
      ...keys.trashedGeneration(tenantId, id),
      ...keys.trashByDeletion(tenantId, deletedAt, id),
      entity: "trashed",
      deleted_at: deletedAt,
      purge_at: new Date(Date.now() + 86_400_000).toISOString(),
    },
  }));
}

describe("POST /history/batch-get", () => {
  let t: Tenant;
  let wavs: Uint8Array[];
  let completed: { id: string }[];
  let pending: { id: string };
  let failed: { id: string };

  before(async () => {
    t = await tenant(api);
    const [p, q] = [await createProfile(t), await createProfile(t)];
    wavs = [await smallWav(5_000), await smallWav(7_000)];
    completed = [await createCompleted(t, p.id, { wav: wavs[0], text: "first" }), await createCompleted(t, q.id, { wav: wavs[1], text: "second" })];
    pending = (await createPending(t, p.id, { text: "still pending" })).generation;
    failed = await failGeneration(t, (await createPending(t, q.id)).generation.id);
  });

  test("answers each generation exactly as GET /history/{id} does, in the order asked", async () => {
    const ids = [pending.id, completed[1]!.id, failed.id, completed[0]!.id];
    const { items, missing } = await batchGetOk(t, ids);
    assert.deepEqual(missing, []);
    assert.deepEqual(
      items.map((item) => item.id),
      ids,
    );
    for (const item of items) {
      const single = await t.json(`/history/${item.id}`);
      assert.equal(single.status, 200);
      assert.deepEqual(withoutUrl(item), withoutUrl(single.body));
      assert.ok(item.profile_name, "profile_name is the profile's current name");
    }
  });

  test("completed ones carry a downloadable audio_url; pending and failed ones null", async () => {
    const { items } = await batchGetOk(t, [completed[0]!.id, pending.id, completed[1]!.id, failed.id]);
    const [first, waiting, second, broken] = items;
    for (const [item, wav] of [
      [first!, wavs[0]!],
      [second!, wavs[1]!],
    ] as const) {
      assert.equal(typeof item.audio_url, "string");
      assert.ok(Date.parse(item.audio_url_expires_at) > Date.now());
      const { res, bytes } = await fetchBytes(item.audio_url);
      assert.equal(res.status, 200);
      sameBytes(bytes, wav, `the audio of ${item.id}`);
    }
    for (const item of [waiting!, broken!]) {
      assert.equal(item.audio_url, null);
      assert.equal(item.audio_url_expires_at, null);
    }
  });

  test("absent, malformed, deleted, trashed and another tenant's ids are missing, in the order asked; a repeated id is answered each time", async () => {
    const p = await createProfile(t);
    const deleted = (await createPending(t, p.id)).generation;
    assert.equal((await t.json(`/history/${deleted.id}`, { method: "DELETE" })).status, 204);
    const trashed = await createCompleted(t, p.id);
    await moveToTrash(t.id, trashed.id);
    const other = await tenant(api);
    const foreign = await createCompleted(other, (await createProfile(other)).id);
    const absent = await randomId();

    const ids = [completed[0]!.id, absent, foreign.id, deleted.id, "not-an-id", completed[0]!.id, trashed.id, pending.id, absent];
    const { items, missing } = await batchGetOk(t, ids);
    assert.deepEqual(
      items.map((item) => item.id),
      [completed[0]!.id, completed[0]!.id, pending.id],
    );
    assert.deepEqual(missing, [absent, foreign.id, deleted.id, "not-an-id", trashed.id, absent]);

    // The other tenant finds its own generation, and none of ours.
    const theirs = await batchGetOk(other, [foreign.id, completed[0]!.id, pending.id]);
    assert.deepEqual(
      theirs.items.map((item) => item.id),
      [foreign.id],
    );
    assert.deepEqual(theirs.missing, [completed[0]!.id, pending.id]);

    // Only missing ones: 200 with no items.
    assert.deepEqual(await batchGetOk(t, [absent, "x"]), { items: [], missing: [absent, "x"] });
  });

  test("is its own route, not GET /history/{id} with the id batch-get", async () => {
    const { items } = await batchGetOk(t, [pending.id]);
    assert.equal(items[0]!.id, pending.id);
    assertError(await t.json("/history/batch-get"), 404, "generation.not_found");
  });

  test("100 ids are taken; 0 and 101 ids, wrong types, empty or overlong ids and other fields are 400", async () => {
    const hundred = await batchGetOk(t, Array.from({ length: 100 }, (_, i) => (i % 2 ? pending.id : `no-${i}`)));
    assert.equal(hundred.items.length, 50);
    assert.equal(hundred.missing.length, 50);

    for (const body of [
      {},
      { ids: [] },
      { ids: Array.from({ length: 101 }, () => pending.id) },
      { ids: pending.id },
      { ids: null },
      { ids: [1] },
      { ids: [null] },
      { ids: [{ id: pending.id }] },
      { ids: [""] },
      { ids: ["x".repeat(65)] },
      { ids: [pending.id], extra: true },
      [pending.id],
      "ids",
    ]) {
      assertError(await batchGet(t, body), 400, "request.invalid");
    }
    assertError(await batchGet(t, { ids: Array.from({ length: 101 }, () => pending.id) }), 400, "request.invalid", "at most 100");
    assertError(await batchGet(t, { ids: [] }), 400, "request.invalid", "at least one");
    const text = await t.request("/history/batch-get", { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ ids: [pending.id] }) });
    assert.equal(text.status, 415);
    await text.body?.cancel();
  });
});

test("100 ids cost one BatchGetItem (one strongly consistent read per generation) and one read of the profile names", { timeout: 120_000 }, async () => {
  const { app } = await import("@sonna/functions/app");
  const t = await tenant(api);
  const profiles = [await createProfile(t), await createProfile(t)];
  const ids: string[] = [];
  for (let start = 0; start < 100; start += 20) {
    const batch = await Promise.all(
      Array.from({ length: 20 }, (_, k) => createGeneration(t.id, { profile_id: profiles[(start + k) % 2]!.id, text: `Line ${start + k} of the story` })),
    );
    ids.push(...batch.map(({ generation }) => generation.id));
  }
  // Asked in reverse, to show the order is the request's and not the table's.
  ids.reverse();
  const { result, capacity } = await measureCapacity(async () => {
    const res = await app.request(
      "/history/batch-get",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ids }) },
      authorizedEnv({ sub: t.id }),
    );
    assert.equal(res.status, 200);
    return (await res.json()) as { items: { id: string; profile_name: string | null }[]; missing: string[] };
  });
  console.log(`capacity batch-get of 100: read ${capacity.read} RCU, write ${capacity.write} WCU, ${capacity.calls} calls`);
  assert.deepEqual(
    result.items.map((item) => item.id),
    ids,
  );
  assert.deepEqual(result.missing, []);
  for (const item of result.items) assert.ok(profiles.some((p) => p.name === item.profile_name));
  // One BatchGetItem of the 100 keys and one Query of the name items, nothing per generation.
  assert.equal(capacity.calls, 2);
  // Each item is under 4 KB: 1 RCU each, strongly consistent; the names Query 0.5 RCU.
  assert.equal(capacity.read, 100 + 0.5);
  assert.equal(capacity.write, 0);
});
