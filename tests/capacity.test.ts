// DynamoDB capacity per request, measured in-process (measureCapacity follows the async context of
// the call, so the app is called with app.request rather than over HTTP): reads that must not grow
// with the size of a tenant's history.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { signLocalToken } from "@sonna/core/auth/tokens";
import { createGeneration } from "@sonna/core/generations/create";
import { measureCapacity, type CapacityTally } from "@sonna/core/table/capacity";
import { assertLoopbackEnv } from "./support/server";

type App = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };
let app: App;
let headers: Record<string, string>;
const tenantId = `capacity-${Date.now()}`;
let profileIds: string[];
let created = 0;
const figures: Record<string, CapacityTally> = {};

before(async () => {
  assert.equal(process.env.SONNA_TEST_STACK, "1", "run through tests/support/run.ts");
  assertLoopbackEnv();
  ({ app } = await import("@sonna/functions/app"));
  headers = { authorization: `Bearer ${await signLocalToken(process.env.SONNA_JWT_SECRET!, tenantId, { expiresIn: "1h" })}` };
  profileIds = [];
  for (const name of ["Left", "Right"]) {
    const res = await app.request("/profiles", { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ name }) });
    assert.equal(res.status, 201);
    profileIds.push(((await res.json()) as { id: string }).id);
  }
});

/** Grows the tenant's history to `total` generations through core, 20 at a time. */
async function growTo(total: number): Promise<void> {
  while (created < total) {
    const batch = Math.min(20, total - created);
    await Promise.all(
      Array.from({ length: batch }, (_, k) => {
        const i = created + k;
        // Same-sized items, so every page reads the same number of bytes.
        return createGeneration(tenantId, { profile_id: profileIds[i % 2]!, text: `Line number ${String(i).padStart(6, "0")} of the script` });
      }),
    );
    created += batch;
  }
}

async function measure(label: string, path: string): Promise<{ body: any; capacity: CapacityTally }> {
  const { result, capacity } = await measureCapacity(async () => {
    const res = await app.request(path, { headers });
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return res.json();
  });
  figures[label] = capacity;
  console.log(`capacity ${label.padEnd(34)} read ${capacity.read} RCU, write ${capacity.write} WCU, ${capacity.calls} calls  (GET ${path.split("cursor=")[0]})`);
  return { body: result, capacity };
}

/** Follows next_cursor `pages` times without measuring; returns the cursor of the next page. */
async function cursorAfter(query: string, pages: number): Promise<string> {
  let cursor = "";
  for (let i = 0; i < pages; i++) {
    const res = await app.request(`/history?${query}${cursor ? `&cursor=${cursor}` : ""}`, { headers });
    const body = (await res.json()) as { next_cursor: string | null };
    assert.ok(body.next_cursor, `page ${i + 1} has a next page`);
    cursor = body.next_cursor;
  }
  return cursor;
}

test("read capacity of stats, first pages and deep pages does not grow with the history", { timeout: 240_000 }, async () => {
  await growTo(10);
  const stats10 = await measure("stats at 10", "/history/stats");
  assert.equal(stats10.body.total_generations, 10);

  await growTo(100);
  const first100 = await measure("first page at 100", "/history?limit=50");
  const profile100 = await measure("profile first page at 100", `/history?limit=50&profile_id=${profileIds[0]}`);
  assert.equal(first100.body.items.length, 50);
  assert.equal(first100.body.total, 100);
  assert.equal(profile100.body.total, 50);

  await growTo(1_000);
  const stats1000 = await measure("stats at 1,000", "/history/stats");
  assert.equal(stats1000.body.total_generations, 1_000);
  const first1000 = await measure("first page at 1,000", "/history?limit=50");
  const profile1000 = await measure("profile first page at 1,000", `/history?limit=50&profile_id=${profileIds[0]}`);
  assert.equal(first1000.body.total, 1_000);
  assert.equal(profile1000.body.total, 500);

  const deep = await measure("page 16 via cursor at 1,000", `/history?limit=50&cursor=${await cursorAfter("limit=50", 15)}`);
  assert.equal(deep.body.items.length, 50);
  const profileDeep = await measure(
    "profile page 8 via cursor at 1,000",
    `/history?limit=50&profile_id=${profileIds[0]}&cursor=${await cursorAfter(`limit=50&profile_id=${profileIds[0]}`, 7)}`,
  );
  assert.equal(profileDeep.body.items.length, 50);

  assert.ok(stats10.capacity.read > 0, "capacity is measured at all");
  assert.equal(stats1000.capacity.read, stats10.capacity.read, "stats read the same at 10 and 1,000 generations");
  assert.equal(first1000.capacity.read, first100.capacity.read, "the first page reads the same at 100 and 1,000 generations");
  assert.equal(profile1000.capacity.read, profile100.capacity.read, "a profile's first page reads the same at 100 and 1,000 generations");
  assert.equal(deep.capacity.read, first1000.capacity.read, "a deep page via cursor reads the same as the first page");
  assert.equal(profileDeep.capacity.read, profile1000.capacity.read, "a profile's deep page via cursor reads the same as its first page");
  for (const [label, capacity] of Object.entries(figures)) assert.equal(capacity.write, 0, `${label} writes nothing`);
});
