// The change feed: order, completeness under concurrent writers and out-of-order commits, expiry,
// cursors, tenant walls.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { changeItem, reserve } from "@sonna/core/changes/log";
import { transact } from "@sonna/core/table/transact";
import { startApi, tenant, type Api, type Client, type Tenant } from "./support/server";
import { drain, poll, type Change } from "./support/feed";
import { assertError, createCompleted, createPending, createProfile, failGeneration, inParallel, waitForJob } from "./support/fixtures";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

/** A local copy kept only from the feed, as a desktop client would. */
class Mirror {
  generations = new Map<string, any>();
  profiles = new Map<string, any>();
  apply(changes: Change[]) {
    for (const change of changes) {
      const target = change.type.startsWith("generation.") ? this.generations : this.profiles;
      if (change.type.endsWith(".upserted")) target.set(change.id, change.data);
      else target.delete(change.id);
    }
  }
}

async function fullList(t: Client) {
  const generations = new Map<string, any>();
  let cursor: string | null = null;
  do {
    const res: any = await t.json(`/history?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
    assert.equal(res.status, 200);
    for (const { profile_name: _name, ...item } of res.body.items) generations.set(item.id, item);
    cursor = res.body.next_cursor;
  } while (cursor);
  const profiles = new Map<string, any>(((await t.json("/profiles")).body.items as any[]).map((p) => [p.id, p]));
  return { generations, profiles };
}

const sorted = (map: Map<string, any>) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b));

describe("GET /history/changes", () => {
  test("every kind of change appears once, in order, with the state GET shows", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const done = await createCompleted(t, profile.id, { text: "hello" });
    const pending = (await createPending(t, profile.id)).generation;
    await failGeneration(t, pending.id);
    assert.equal((await t.json(`/history/${done.id}/favorite`, { method: "PUT" })).status, 200);
    assert.equal((await t.json(`/profiles/${profile.id}`, { method: "PATCH", body: { name: "Renamed voice" } })).status, 200);
    assert.equal((await t.json(`/history/${pending.id}`, { method: "DELETE" })).status, 204);

    const { changes } = await drain(t);
    assert.deepEqual(
      changes.map((c) => [c.type, c.id]),
      [
        ["profile.upserted", profile.id],
        ["generation.upserted", done.id],
        ["generation.upserted", done.id],
        ["generation.upserted", pending.id],
        ["generation.upserted", pending.id],
        ["generation.upserted", done.id],
        ["profile.upserted", profile.id],
        ["generation.deleted", pending.id],
      ],
    );
    const current = (await t.json(`/history/${done.id}`)).body;
    const { audio_url: _u, audio_url_expires_at: _e, audio_archived: _a, profile_name: _n, ...shown } = current;
    assert.deepEqual(changes[5]!.data, shown);
    assert.equal(changes[5]!.data.is_favorited, true);
    assert.equal(changes[1]!.data.status, "pending");
    assert.equal(changes[2]!.data.status, "completed");
    assert.equal(changes[4]!.data.status, "failed");
    assert.equal(changes[6]!.data.name, "Renamed voice");
    assert.equal(changes[7]!.data, null);
    for (let i = 1; i < changes.length; i++) assert.ok(changes[i]!.changed_at >= changes[i - 1]!.changed_at);
  });

  test("a cursor reads on from where it was; from=now skips what came before", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const first = await drain(t);
    assert.equal(first.changes.length, 1);
    const now = await poll(t, "?from=now");
    assert.deepEqual(now.changes, []);
    assert.equal(now.has_more, false);
    const later = (await createPending(t, profile.id)).generation;
    const fromNow = await drain(t, now.next_cursor);
    assert.deepEqual(fromNow.changes.map((c) => c.id), [later.id]);
    const fromFirst = await drain(t, first.cursor);
    assert.deepEqual(fromFirst.changes.map((c) => c.id), [later.id]);
    // Caught up: asking again with the last cursor answers nothing new.
    assert.deepEqual((await poll(t, `?cursor=${fromFirst.cursor}`)).changes, []);
  });

  test("limit pages the feed; has_more says whether to read on at once", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    for (let i = 0; i < 4; i++) await createPending(t, profile.id);
    const one = await poll(t, "?limit=2");
    assert.equal(one.changes.length, 2);
    assert.equal(one.has_more, true);
    const two = await poll(t, `?limit=2&cursor=${one.next_cursor}`);
    assert.equal(two.changes.length, 2);
    const three = await poll(t, `?limit=2&cursor=${two.next_cursor}`);
    assert.equal(three.changes.length, 1);
    assert.equal(three.has_more, false);
  });

  test("bad input is a 400, an expired cursor a 410", async () => {
    const t = await tenant(api);
    for (const query of ["?cursor=junk", "?cursor=", "?limit=0", "?limit=1001", "?limit=ten", "?from=yesterday", "?from=now&cursor=x"]) {
      assertError(await t.json(`/history/changes${query}`), 400, query.includes("cursor=j") || query === "?cursor=" ? "request.invalid_cursor" : "request.invalid");
    }
    // A cursor as the service writes them: position, time, and the account it belongs to.
    const u = JSON.parse(Buffer.from((await poll(t, "?from=now")).next_cursor, "base64url").toString()).u;
    const cursor = (fields: object) => Buffer.from(JSON.stringify({ ...fields, u })).toString("base64url");
    assertError(await t.json(`/history/changes?cursor=${cursor({ s: -1, t: Date.now() })}`), 400, "request.invalid_cursor");
    const old = cursor({ s: 0, t: Date.now() - 31 * 86_400_000 });
    assertError(await t.json(`/history/changes?cursor=${old}`), 410, "changes.cursor_expired", "full list");
  });

  test("tenants never see each other's changes", async () => {
    const [a, b] = [await tenant(api), await tenant(api)];
    const profile = await createProfile(a);
    await createCompleted(a, profile.id);
    const cursorOfA = (await drain(a)).cursor;
    assert.deepEqual((await drain(b)).changes, []);
    // A cursor kept across an account switch is refused, not read against the other account's log.
    assertError(await b.json(`/history/changes?cursor=${cursorOfA}`), 400, "request.invalid_cursor", "another account");
  });

  test("a profile delete logs the profile and each generation it takes", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const gens = [await createCompleted(t, profile.id), (await createPending(t, profile.id)).generation];
    const { cursor } = await drain(t);
    const res = await t.json(`/profiles/${profile.id}`, { method: "DELETE" });
    assert.equal(res.status, 202);
    await waitForJob(t, res.body.id);
    const { changes } = await drain(t, cursor);
    assert.deepEqual(changes[0], { type: "profile.deleted", id: profile.id, changed_at: changes[0]!.changed_at, data: null });
    assert.deepEqual(new Set(changes.slice(1).map((c) => `${c.type} ${c.id}`)), new Set(gens.map((g) => `generation.deleted ${g.id}`)));
  });
});

describe("out-of-order commits", () => {
  test("a reader stops before a number still being written, and takes it once it commits", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const { cursor } = await drain(t);
    // A writer that has its number but has not committed yet...
    const slow = await reserve(t.id, 1);
    // ...while a later writer commits.
    const later = (await createPending(t, profile.id)).generation;
    const early = await poll(t, `?cursor=${cursor}`);
    assert.deepEqual(early.changes, [], "the later change must wait behind the open number");
    assert.equal(early.has_more, false);
    await transact([changeItem(t.id, slow.first, { type: "profile.upserted", event: null, id: profile.id, data: profile })]);
    const { changes } = await drain(t, early.next_cursor);
    assert.deepEqual(changes.map((c) => c.id), [profile.id, later.id]);
  });

  test("a number left open past the grace is voided, and its writer can no longer commit under it", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const { cursor } = await drain(t);
    const stalled = await reserve(t.id, 1);
    const later = (await createPending(t, profile.id)).generation;
    await sleep(5_500);
    const { changes } = await drain(t, cursor);
    assert.deepEqual(changes.map((c) => c.id), [later.id]);
    await assert.rejects(
      transact([changeItem(t.id, stalled.first, { type: "profile.upserted", event: null, id: profile.id, data: profile })]),
      (error: Error) => error.name === "ConditionFailed",
    );
  });

  test("from=now voids open numbers, so a change in flight lands after the cursor", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const inFlight = await reserve(t.id, 1);
    const { next_cursor } = await poll(t, "?from=now");
    await assert.rejects(
      transact([changeItem(t.id, inFlight.first, { type: "profile.upserted", event: null, id: profile.id, data: profile })]),
      (error: Error) => error.name === "ConditionFailed",
    );
    const late = (await createPending(t, profile.id)).generation;
    assert.deepEqual((await drain(t, next_cursor)).changes.map((c) => c.id), [late.id]);
  });
});

describe("a mirror kept from the feed", () => {
  for (const round of [1, 2, 3]) test(`equals a full list after many concurrent writers (round ${round})`, async () => {
    const t: Tenant = await tenant(api);
    const profiles = [await createProfile(t), await createProfile(t)];
    const mirror = new Mirror();
    let cursor: string | undefined;
    let writing = true;
    const perEntity = new Map<string, string[]>();
    const follow = (async () => {
      while (writing) {
        const page = await drain(t, cursor);
        mirror.apply(page.changes);
        for (const c of page.changes) perEntity.set(c.id, [...(perEntity.get(c.id) ?? []), c.data?.updated_at ?? "deleted"]);
        cursor = page.cursor;
        await sleep(20);
      }
    })();
    await inParallel(Array.from({ length: 48 }, (_, i) => i), 8, async (i) => {
      const profileId = profiles[i % 2]!.id;
      const g = i % 3 === 0 ? await createCompleted(t, profileId) : (await createPending(t, profileId)).generation;
      if (i % 4 === 0) await t.json(`/history/${g.id}/favorite`, { method: "PUT" });
      if (i % 5 === 0) await t.json(`/history/${g.id}`, { method: "DELETE" });
      if (i % 7 === 0) await t.json(`/profiles/${profiles[i % 2]!.id}`, { method: "PATCH", body: { description: `take ${i}` } });
      if (i % 6 === 1 && i % 5 !== 0) await failGeneration(t, g.id);
    });
    writing = false;
    await follow;
    // Whatever a writer left open is resolved within the grace: read until nothing more comes.
    await sleep(5_500);
    mirror.apply((await drain(t, cursor)).changes);
    const truth = await fullList(t);
    assert.deepEqual(sorted(mirror.generations), sorted(truth.generations));
    assert.deepEqual(sorted(mirror.profiles), sorted(truth.profiles));
    for (const [id, states] of perEntity) {
      const times = states.filter((s) => s !== "deleted");
      assert.deepEqual(times, [...times].sort(), `changes of ${id} out of commit order`);
    }
  });
});
