// DynamoDB capacity per request, measured in-process (measureCapacity follows the async context of
// the call, so the app is called with app.request rather than over HTTP): reads that must not grow
// with the size of a tenant's history.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { PutCommand, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { authorizedEnv } from "@sonna/local/gateway";
import { dynamo } from "@sonna/core/aws";
import { createGeneration } from "@sonna/core/generations/create";
import { generationQuery } from "@sonna/core/generations/query";
import { NAME_ITEMS_PER_PROFILE } from "@sonna/core/profiles/names";
import { createProfile, updateProfile } from "@sonna/core/profiles/service";
import { tableName } from "@sonna/core/resources";
import { measureCapacity, type CapacityTally } from "@sonna/core/table/capacity";
import { keys } from "@sonna/core/table/keys";
import { assertLoopbackEnv } from "./support/server";

type App = { request: (path: string, init: RequestInit | undefined, env: object) => Response | Promise<Response> };
let app: App;
const tenantId = `capacity-${Date.now()}`;
/** What the authorizer hands the app for the tenant under test. */
const env = authorizedEnv({ sub: tenantId });
let profileIds: string[];
let created = 0;
const figures: Record<string, CapacityTally> = {};

before(async () => {
  assert.equal(process.env.SONNA_TEST_STACK, "1", "run through tests/support/run.ts");
  assertLoopbackEnv();
  ({ app } = await import("@sonna/functions/app"));
  profileIds = [];
  for (const name of ["Left", "Right"]) {
    const res = await app.request("/profiles", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) }, env);
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
    const res = await app.request(path, undefined, env);
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
    const res = await app.request(`/history?${query}${cursor ? `&cursor=${cursor}` : ""}`, undefined, env);
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
  // Pages of the same 50 items sum to within one 4 KB rounding unit (0.5 RCU) of each other:
  // a page whose items total near a multiple of 4 KB reads 0.5 more or less as ids and numbers vary.
  const same = (a: number, b: number, message: string) => assert.ok(Math.abs(a - b) <= 0.5, `${message}: ${a} and ${b} RCU`);
  same(first1000.capacity.read, first100.capacity.read, "the first page reads the same at 100 and 1,000 generations");
  same(profile1000.capacity.read, profile100.capacity.read, "a profile's first page reads the same at 100 and 1,000 generations");
  same(deep.capacity.read, first1000.capacity.read, "a deep page via cursor reads the same as the first page");
  same(profileDeep.capacity.read, profile1000.capacity.read, "a profile's deep page via cursor reads the same as its first page");
  for (const [label, capacity] of Object.entries(figures)) assert.equal(capacity.write, 0, `${label} writes nothing`);
});

// The names of a page: what each profile count costs, beside the page's own reads measured with
// the same Query the list sends. Names used to cost a BatchGet of 0.5 RCU per distinct profile on
// the page; now one Query of the tenant's name items (~110 bytes each here), plus a BatchGet for
// whatever it does not name.
describe("profile names on a page, at several profile counts", () => {
  const GENERATIONS = 160;

  interface Scenario {
    tenant: string;
    env: ReturnType<typeof authorizedEnv>;
    profiles: { id: string; name: string }[];
  }

  /** A tenant with `count` profiles ("Voice 00", ...) and 160 same-sized generations, in turn over the ones `pick` picks. */
  async function scenario(count: number, pick: (profiles: Scenario["profiles"]) => Scenario["profiles"]): Promise<Scenario> {
    const tenant = `capacity-names-${count}-${Date.now()}`;
    const profiles: Scenario["profiles"] = [];
    for (let p = 0; p < count; p++) profiles.push(await createProfile(tenant, { name: `Voice ${String(p).padStart(2, "0")}` }));
    const used = pick(profiles);
    for (let start = 0; start < GENERATIONS; start += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, k) =>
          createGeneration(tenant, { profile_id: used[(start + k) % used.length]!.id, text: `Line number ${String(start + k).padStart(6, "0")} of the script` }),
        ),
      );
    }
    return { tenant, env: authorizedEnv({ sub: tenant }), profiles };
  }

  async function get(s: Scenario, path: string) {
    const { result, capacity } = await measureCapacity(async () => {
      const res = await app.request(path, undefined, s.env);
      assert.equal(res.status, 200, `${path}: ${res.status}`);
      return (await res.json()) as { items: { id: string; profile_id: string; profile_name: string | null }[]; next_cursor: string | null };
    });
    return { body: result, capacity };
  }

  /** RCU of a Query sent straight to DynamoDB. */
  async function direct(input: QueryCommandInput): Promise<number> {
    return (await measureCapacity(() => dynamo.send(new QueryCommand(input)))).capacity.read;
  }
  const pageQuery = (s: Scenario, filter: { profile_id?: string } = {}, after?: string) =>
    direct({
      ...generationQuery(s.tenant, filter, false),
      Limit: 51,
      ...(after ? { ExclusiveStartKey: { ...keys.generation(s.tenant, after), ...(filter.profile_id ? keys.generationByProfile(s.tenant, filter.profile_id, after) : {}) } } : {}),
    });
  const nameItemsQuery = (s: Scenario, limit: number) =>
    direct({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": keys.tenantPartition(s.tenant), ":prefix": keys.profileNamePrefix },
      Limit: limit,
    });

  const assertNames = (s: Scenario, items: { profile_id: string; profile_name: string | null }[]) => {
    for (const item of items) assert.equal(item.profile_name, s.profiles.find((p) => p.id === item.profile_id)!.name);
  };

  /**
   * Measures the first page, page 3 via cursor and one profile's page, and checks each against
   * its parts: the page Query, the `total` counter (a GetItem, 0.5 RCU) and `names` RCU of names
   * (a profile's page names one profile: a BatchGet of 0.5 RCU).
   */
  async function checkPages(label: string, s: Scenario, names: number, nameCalls: number) {
    const first = await get(s, "/history?limit=50");
    const page2 = await get(s, `/history?limit=50&cursor=${first.body.next_cursor}`);
    const deep = await get(s, `/history?limit=50&cursor=${page2.body.next_cursor}`);
    const profileId = first.body.items[0]!.profile_id;
    const byProfile = await get(s, `/history?limit=50&profile_id=${profileId}`);
    for (const page of [first, deep, byProfile]) assertNames(s, page.body.items);
    const distinct = new Set(first.body.items.map((item) => item.profile_id)).size;

    const firstQuery = await pageQuery(s);
    const deepQuery = await pageQuery(s, {}, page2.body.items.at(-1)!.id);
    const profileQuery = await pageQuery(s, { profile_id: profileId });
    const minimum = await direct({ ...generationQuery(s.tenant, {}, false), Limit: 50 });
    console.log(
      `capacity names: ${label.padEnd(44)} first ${first.capacity.read} RCU, deep ${deep.capacity.read}, profile ${byProfile.capacity.read}` +
        ` (page Query ${firstQuery}, names ${names}; a BatchGet of the ${distinct} profiles would be ${distinct * 0.5}; minimum ${minimum})`,
    );
    assert.equal(first.capacity.read, firstQuery + 0.5 + names, `${label}: first page = page Query + total + names`);
    assert.equal(first.capacity.calls, 2 + nameCalls);
    assert.equal(deep.capacity.read, deepQuery + 0.5 + names, `${label}: deep page = page Query + total + names`);
    assert.equal(deep.capacity.calls, 2 + nameCalls);
    assert.equal(byProfile.capacity.read, profileQuery + 0.5 + 0.5, `${label}: a profile's page names its one profile for 0.5 RCU`);
    assert.equal(byProfile.capacity.calls, 3);
    return { first: first.capacity.read, deep: deep.capacity.read, minimum, distinct };
  }

  test("5 profiles on every page: one Query of 0.5 RCU names them", { timeout: 240_000 }, async () => {
    const s = await scenario(5, (all) => all);
    const { first, deep, minimum } = await checkPages("5 profiles, 5 on a page", s, 0.5, 1);
    // 50 generations of ~40-character texts: 4.5 RCU for exactly 50, 4.5 for the list's 51, + 0.5
    // for the total + 0.5 for the names (the BatchGet of 5 profiles was 2.5: 7.5 RCU, 1.67x).
    assert.equal(minimum, 4.5);
    assert.equal(first, 5.5);
    assert.equal(deep, 5.5);
    assert.ok(deep / minimum <= 1.5, "a page within 1.5x of one Query of 50 (issue #5)");
  });

  test("30 profiles, 30 on every page: still one Query of 0.5 RCU, not 15 RCU of BatchGet", { timeout: 240_000 }, async () => {
    const s = await scenario(30, (all) => all);
    const { first, minimum, distinct } = await checkPages("30 profiles, 30 on a page", s, 0.5, 1);
    assert.equal(distinct, 30);
    assert.equal(first, 5.5);
    assert.ok(first / minimum <= 1.5, "a page within 1.5x of one Query of 50");
  });

  test("60 profiles, 2 on a page that sort past the Query's limit of 50: every name right, the rest from a BatchGet", { timeout: 240_000 }, async () => {
    const s = await scenario(60, (all) => all.slice(-2));
    const limited = await nameItemsQuery(s, 2 * NAME_ITEMS_PER_PROFILE);
    // The bound: the Query of 25 name items per profile costs about what its BatchGet would.
    assert.ok(limited <= 2 * 0.5, `50 name items read for ${limited} RCU`);
    await checkPages("60 profiles, the last 2 on a page", s, limited + 2 * 0.5, 2);
  });

  test("name items written before they held the display name: the BatchGet names those profiles", { timeout: 240_000 }, async () => {
    const s = await scenario(5, (all) => all);
    // The lock as it was written before: the profile id alone.
    for (const p of s.profiles) await dynamo.send(new PutCommand({ TableName: tableName(), Item: { ...keys.profileName(s.tenant, p.name), profile_id: p.id } }));
    await checkPages("5 profiles, every lock old", s, 0.5 + 5 * 0.5, 2);
    // A rename writes the new lock with its display name: one fewer for the BatchGet.
    const renamed = s.profiles[0]!;
    renamed.name = (await updateProfile(s.tenant, renamed.id, { name: "Voice renamed" })).name;
    await checkPages("5 profiles, 4 locks old", s, 0.5 + 4 * 0.5, 2);
  });
});

// The change feed: an idle poll reads one empty key range of the tenant's log, whatever the size of
// its history; a poll that returns changes reads what it returns.
describe("change feed polls", () => {
  test("an idle poll costs the same at 10 and 500 generations; a busy one grows with the changes it returns", { timeout: 240_000 }, async () => {
    const tenant = `capacity-feed-${Date.now()}`;
    const feedEnv = authorizedEnv({ sub: tenant });
    const profile = await createProfile(tenant, { name: "Feed" });
    const grow = async (count: number) => {
      for (let start = 0; start < count; start += 20) {
        await Promise.all(Array.from({ length: Math.min(20, count - start) }, (_, k) => createGeneration(tenant, { profile_id: profile.id, text: `Line ${start + k} of the feed` })));
      }
    };
    const poll = async (query: string) => {
      const { result, capacity } = await measureCapacity(async () => {
        const res = await app.request(`/history/changes?${query}`, undefined, feedEnv);
        assert.equal(res.status, 200);
        return (await res.json()) as { changes: unknown[]; next_cursor: string; has_more: boolean };
      });
      return { body: result, capacity };
    };
    const caughtUp = async () => {
      let cursor = "";
      for (;;) {
        const { body } = await poll(`limit=1000${cursor ? `&cursor=${cursor}` : ""}`);
        cursor = body.next_cursor;
        if (!body.has_more) return cursor;
      }
    };
    await grow(10);
    const idle10 = await poll(`cursor=${await caughtUp()}`);
    await grow(490);
    const idle500 = await poll(`cursor=${await caughtUp()}`);
    const mark = await caughtUp();
    await grow(100);
    const fifty = await poll(`limit=50&cursor=${mark}`);
    const hundred = await poll(`limit=100&cursor=${mark}`);
    console.log(
      `capacity feed: idle poll at 10 ${idle10.capacity.read} RCU, at 500 ${idle500.capacity.read} RCU; ` +
        `50 changes ${fifty.capacity.read} RCU, 100 changes ${hundred.capacity.read} RCU`,
    );
    assert.deepEqual(idle10.body.changes, []);
    assert.equal(idle500.capacity.read, idle10.capacity.read, "an idle poll does not grow with the history");
    assert.equal(idle10.capacity.calls, 1, "an idle poll is one Query");
    assert.equal(fifty.body.changes.length, 50);
    assert.equal(hundred.body.changes.length, 100);
    assert.ok(hundred.capacity.read <= 2 * fifty.capacity.read + 1, "twice the changes, about twice the reads");
    for (const p of [idle10, idle500, fifty, hundred]) assert.equal(p.capacity.write, 0);
  });
});
