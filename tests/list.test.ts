import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
import { assertError, bruteForceList, createPending, createProfile, failGeneration, inParallel, randomId, smallWav, uploadAudio } from "./support/fixtures";

let api: Api;
let t: Tenant;
let profiles: { id: string; name: string }[];
/** Every generation of the tenant as the unfiltered list returns it, newest first. */
let all: Record<string, any>[];

const N = 60;
const ENGINES = ["qwen", "kokoro", "eleven.v2"];
const LANGUAGES = ["en", "de", "pt-BR", "en"];
const TEXTS = ["Hello world", "Grüße aus Köln", "ÄRGER im Büro", "The quick brown fox", "straße und STRASSE", "日本語のテキスト"];

before(async () => {
  api = await startApi();
  t = await tenant(api);
  profiles = [];
  for (const name of ["Alpha", "Beta", "Gamma"]) profiles.push(await createProfile(t, name));
  const wav = await smallWav(2_400);
  const plan = Array.from({ length: N }, (_, i) => i);
  // Batches in sequence, so ids (and created_at) spread over time; each batch in parallel.
  for (let start = 0; start < N; start += 6) {
    await Promise.all(
      plan.slice(start, start + 6).map(async (i) => {
        const { generation, upload } = await createPending(t, profiles[i % 3]!.id, {
          text: `${TEXTS[i % TEXTS.length]} #${i}`,
          engine: ENGINES[(i >> 1) % 3],
          language: LANGUAGES[i % 4],
        });
        if (i % 6 === 1) {
          await uploadAudio(upload, wav);
          const done = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
          assert.equal(done.status, 200);
        } else if (i % 7 === 2) {
          await failGeneration(t, generation.id);
        }
        if (i % 5 === 0) assert.equal((await t.json(`/history/${generation.id}/favorite`, { method: "PUT" })).status, 200);
      }),
    );
  }
  const res = await t.json("/history?limit=200");
  assert.equal(res.status, 200);
  all = res.body.items;
  assert.equal(all.length, N);
  assert.equal(res.body.total, N);
});
after(() => api?.close());

type Query = Record<string, string>;
const qs = (query: Query) => new URLSearchParams(query).toString();

/** The generations a filter should select, from the unfiltered list, in the requested order. */
const expected = (query: Query): Record<string, any>[] => bruteForceList(all, query);

const ids = (items: Record<string, any>[]): string[] => items.map((g) => g.id as string);

async function list(query: Query) {
  const res = await t.json(`/history?${qs(query)}`);
  assert.equal(res.status, 200, `GET /history?${qs(query)}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { items: Record<string, any>[]; total: number; next_cursor: string | null };
}

/** Follows next_cursor to the end; asserts the total on every page and no empty trailing page. */
async function pageThrough(query: Query, limit: number) {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await list({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    pages++;
    assert.ok(page.items.length <= limit);
    assert.equal(page.total, expected(query).length, `total on page ${pages} of ${qs(query)}`);
    if (page.next_cursor !== null) assert.equal(page.items.length, limit, "only the last page may be short");
    seen.push(...ids(page.items));
    cursor = page.next_cursor;
    assert.ok(pages <= N + 1, "paging does not end");
  } while (cursor);
  return { seen, pages };
}

describe("order and windows", () => {
  test("newest first by default: ids descending, created_at never increasing", async () => {
    for (let i = 1; i < all.length; i++) {
      assert.ok(all[i - 1]!.id > all[i]!.id, `ids descend at ${i}`);
      assert.ok(all[i - 1]!.created_at >= all[i]!.created_at, `created_at does not increase at ${i}`);
    }
    const page = await list({});
    assert.equal(page.items.length, 50, "default limit is 50");
    assert.deepEqual(ids(page.items), ids(all.slice(0, 50)));
    assert.notEqual(page.next_cursor, null);
  });

  test("sort=asc is the exact reverse; sort=desc the default", async () => {
    assert.deepEqual(ids((await list({ sort: "asc", limit: "200" })).items), ids([...all].reverse()));
    assert.deepEqual(ids((await list({ sort: "desc", limit: "200" })).items), ids(all));
  });

  test("limit and offset select exact windows, with the total of everything", async () => {
    for (const [limit, offset, sort] of [
      [10, 0, "desc"],
      [10, 10, "desc"],
      [7, 55, "desc"],
      [5, 60, "desc"],
      [50, 30, "desc"],
      [1, 59, "desc"],
      [13, 20, "asc"],
      [200, 0, "asc"],
      [10, 1000, "desc"],
    ] as const) {
      const page = await list({ limit: String(limit), offset: String(offset), sort });
      const ordered = sort === "asc" ? [...all].reverse() : all;
      assert.deepEqual(ids(page.items), ids(ordered.slice(offset, offset + limit)), `limit ${limit} offset ${offset} ${sort}`);
      assert.equal(page.total, N);
      assert.equal(page.next_cursor !== null, offset + limit < N, `next_cursor at limit ${limit} offset ${offset}`);
    }
  });

  test("offset with a filter skips matches, not items", async () => {
    const query = { status: "pending", offset: "3", limit: "5" };
    const page = await list(query);
    assert.deepEqual(ids(page.items), ids(expected({ status: "pending" }).slice(3, 8)));
    assert.equal(page.total, expected({ status: "pending" }).length);
  });

  test("invalid limit, offset and filters are 400 request.invalid naming the parameter", async () => {
    const cases: [string, string][] = [
      ["limit=0", "limit"],
      ["limit=201", "limit"],
      ["limit=-1", "limit"],
      ["limit=abc", "limit"],
      ["limit=1.5", "limit"],
      ["limit=", "limit"],
      ["offset=-1", "offset"],
      ["offset=abc", "offset"],
      ["offset=0.5", "offset"],
      ["status=done", "status"],
      ["sort=sideways", "sort"],
      ["favorites=yes", "favorites"],
      ["created_after=yesterday", "created_after"],
      ["created_before=2026-13-45", "created_before"],
      ["engine=a%20b", "engine"],
      ["language=english!", "language"],
      [`search=${"s".repeat(201)}`, "search"],
      [`profile_id=${"p".repeat(65)}`, "profile_id"],
      [`cursor=${"c".repeat(513)}`, "cursor"],
    ];
    for (const [query, name] of cases) assertError(await t.json(`/history?${query}`), 400, "request.invalid", name);
  });
});

describe("filters and exact totals", () => {
  test("each filter alone and in combination: the right items and an exact total", async () => {
    const [p0, p1] = [profiles[0]!.id, profiles[1]!.id];
    const middle = [...all].reverse()[N / 2]!.created_at;
    const queries: Query[] = [
      {},
      { status: "pending" },
      { status: "completed" },
      { status: "failed" },
      { favorites: "true" },
      { engine: "qwen" },
      { engine: "eleven.v2" },
      { engine: "nobody" },
      { language: "de" },
      { language: "pt-BR" },
      { search: "hello" },
      { profile_id: p0 },
      { profile_id: p1, status: "completed" },
      { profile_id: p1, favorites: "true" },
      { profile_id: p0, status: "failed", favorites: "true" },
      { status: "completed", favorites: "true" },
      { status: "pending", engine: "kokoro", language: "en" },
      { search: "köln", profile_id: p1 },
      { search: "#1", status: "pending" },
      { created_after: middle },
      { created_before: middle },
      { created_after: middle, status: "pending" },
      { created_after: middle, profile_id: p0 },
      { created_before: middle, favorites: "true" },
      { created_after: middle, search: "fox", language: "en" },
    ];
    await inParallel(queries, 4, async (query) => {
      const page = await list({ ...query, limit: "200" });
      const want = expected(query);
      assert.deepEqual(ids(page.items), ids(want), `items for ${qs(query)}`);
      assert.equal(page.total, want.length, `total for ${qs(query)}`);
      assert.equal(page.next_cursor, null);
      // The total does not depend on the page size.
      assert.equal((await list({ ...query, limit: "1" })).total, want.length, `total at limit 1 for ${qs(query)}`);
    });
    assert.ok(expected({ status: "completed" }).length >= 5 && expected({ status: "failed" }).length >= 5, "the data has every status");
  });

  test("search is a case-insensitive substring match, also beyond ASCII", async () => {
    const cases: [string, string][] = [
      ["HELLO", "Hello world"],
      ["llo wor", "Hello world"],
      ["Grüße", "Grüße aus Köln"],
      ["grüße", "Grüße aus Köln"],
      ["KÖLN", "Grüße aus Köln"],
      ["ÄRGER", "ÄRGER im Büro"],
      ["ärger", "ÄRGER im Büro"],
      ["büro", "ÄRGER im Büro"],
      ["STRASSE", "straße und STRASSE"],
      ["Straße", "straße und STRASSE"],
      ["日本語", "日本語のテキスト"],
    ];
    for (const [search, source] of cases) {
      const page = await list({ search, limit: "200" });
      const want = all.filter((g) => g.text.startsWith(source));
      assert.ok(want.length > 0);
      assert.deepEqual(ids(page.items), ids(want), `search ${search}`);
      assert.equal(page.total, want.length, `total for search ${search}`);
    }
    for (const search of ["%", "_", "*", "nothing like this", "ärgerlich"]) {
      assert.deepEqual(await list({ search }), { items: [], total: 0, next_cursor: null }, `search ${search}`);
    }
  });

  test("a profile_id that is not a UUID or belongs to nobody lists nothing", async () => {
    for (const profile_id of ["abc", await randomId()]) {
      assert.deepEqual(await list({ profile_id }), { items: [], total: 0, next_cursor: null });
    }
  });

  test("profile_name is the profile's current name, also after a rename", async () => {
    const target = profiles[1]!;
    for (const g of all) assert.equal(g.profile_name, profiles.find((p) => p.id === g.profile_id)!.name);
    const renamed = await t.json(`/profiles/${target.id}`, { method: "PATCH", body: { name: "Beta Prime" } });
    assert.equal(renamed.status, 200);
    target.name = "Beta Prime";
    const byProfile = await list({ profile_id: target.id, limit: "200" });
    assert.ok(byProfile.items.length > 0);
    for (const g of byProfile.items) assert.equal(g.profile_name, "Beta Prime");
    for (const g of (await list({ limit: "200" })).items) {
      assert.equal(g.profile_name, profiles.find((p) => p.id === g.profile_id)!.name);
    }
    const one = byProfile.items[0]!;
    assert.equal((await t.json(`/history/${one.id}`)).body.profile_name, "Beta Prime");
  });
});

describe("time bounds", () => {
  test("created_after is inclusive, created_before exclusive, to the millisecond", async () => {
    const asc = [...all].reverse();
    const a = asc[10]!;
    const b = asc[40]!;
    const check = async (query: Query, mustHave: string[], mustLack: string[]) => {
      const page = await list({ ...query, limit: "200" });
      const want = expected(query);
      assert.deepEqual(ids(page.items), ids(want), qs(query));
      assert.equal(page.total, want.length, `total for ${qs(query)}`);
      for (const id of mustHave) assert.ok(ids(page.items).includes(id), `${qs(query)} includes ${id}`);
      for (const id of mustLack) assert.ok(!ids(page.items).includes(id), `${qs(query)} excludes ${id}`);
    };
    await check({ created_after: a.created_at }, [a.id], []);
    await check({ created_before: b.created_at }, [], [b.id]);
    await check({ created_after: a.created_at, created_before: b.created_at }, [a.id], [b.id]);
    await check({ created_after: new Date(Date.parse(a.created_at) + 1).toISOString() }, [], [a.id]);
    await check({ created_before: new Date(Date.parse(b.created_at) + 1).toISOString() }, [b.id], []);
    // The same instant written with another offset.
    const shifted = new Date(Date.parse(a.created_at) + 2 * 3600_000).toISOString().replace("Z", "+02:00");
    await check({ created_after: shifted }, [a.id], []);
    await check({ created_after: a.created_at, sort: "asc" }, [a.id], []);
  });

  test("date-only bounds and bounds outside the data", async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    assert.equal((await list({ created_after: "1970-01-01" })).total, N);
    assert.equal((await list({ created_before: tomorrow })).total, N);
    assert.deepEqual(await list({ created_before: "1970-01-02" }), { items: [], total: 0, next_cursor: null });
    assert.deepEqual(await list({ created_after: tomorrow }), { items: [], total: 0, next_cursor: null });
  });

  test(
    "created_after later than created_before lists nothing (not a server error)",
    async () => {
      const asc = [...all].reverse();
      const res = await t.json(`/history?${qs({ created_after: asc[40]!.created_at, created_before: asc[10]!.created_at })}`);
      assert.ok(res.status === 200 || res.status === 400, `${res.status} ${JSON.stringify(res.body)}`);
      if (res.status === 200) assert.deepEqual(res.body, { items: [], total: 0, next_cursor: null });
      else assertError(res, 400, "request.invalid");
    },
  );
});

describe("cursors", () => {
  test("paging with next_cursor visits every item exactly once, for page sizes 1, 7 and 50, both orders, with and without filters", async () => {
    // Unfiltered, a FilterExpression, the profile index, and key-range bounds; page size 1 for the first three.
    const filters: [Query, number[]][] = [
      [{}, [1, 7, 50]],
      [{ status: "pending" }, [1, 7, 50]],
      [{ profile_id: profiles[0]!.id }, [1, 7, 50]],
      [{ search: "grüße", favorites: "true" }, [7, 50]],
      [{ created_after: [...all].reverse()[15]!.created_at, language: "en" }, [7, 50]],
    ];
    const combos = filters.flatMap(([filter, sizes]) => ["desc", "asc"].flatMap((sort) => sizes.map((size) => ({ query: { ...filter, sort }, size }))));
    await inParallel(combos, 4, async ({ query, size }) => {
      const want = ids(expected(query));
      const { seen, pages } = await pageThrough(query, size);
      assert.deepEqual(seen, want, `pages of ${size} over ${qs(query)}`);
      assert.equal(pages, Math.max(1, Math.ceil(want.length / size)), `page count for ${size} over ${qs(query)}`);
    });
  });

  test("next_cursor is null on a last page that is exactly full", async () => {
    const n = expected({ status: "completed" }).length;
    const page = await list({ status: "completed", limit: String(n) });
    assert.equal(page.items.length, n);
    assert.equal(page.next_cursor, null);
    const first = await list({ limit: "30" });
    const second = await list({ limit: "30", cursor: first.next_cursor! });
    assert.equal(second.items.length, 30);
    assert.equal(second.next_cursor, null);
  });

  test("the page size may change between pages", async () => {
    const first = await list({ limit: "7" });
    const rest = await list({ limit: "200", cursor: first.next_cursor! });
    assert.deepEqual([...ids(first.items), ...ids(rest.items)], ids(all));
  });

  test("a cursor used with other filters or another order is 400 request.invalid_cursor", async () => {
    const { next_cursor: cursor } = await list({ limit: "7" });
    assert.ok(cursor);
    const others: Query[] = [
      { status: "pending" },
      { sort: "asc" },
      { profile_id: profiles[0]!.id },
      { search: "hello" },
      { favorites: "true" },
      { engine: "qwen" },
      { language: "en" },
      { created_after: "2020-01-01" },
      { created_before: "2999-01-01" },
    ];
    for (const query of others) assertError(await t.json(`/history?${qs({ ...query, cursor })}`), 400, "request.invalid_cursor");
    const filtered = await list({ status: "pending", limit: "3" });
    assertError(await t.json(`/history?${qs({ cursor: filtered.next_cursor! })}`), 400, "request.invalid_cursor");
    assertError(await t.json(`/history?${qs({ status: "failed", cursor: filtered.next_cursor! })}`), 400, "request.invalid_cursor");
  });

  test("offset together with cursor is a 400 naming both; offset=0 alone is fine", async () => {
    const { next_cursor: cursor } = await list({ limit: "7" });
    assertError(await t.json(`/history?${qs({ cursor: cursor!, offset: "0" })}`), 400, "request.invalid", ["offset", "cursor"]);
    assert.equal((await t.json(`/history?${qs({ offset: "0" })}`)).status, 200);
  });

  test("garbage cursors are 400 request.invalid_cursor", async () => {
    const { next_cursor: cursor } = await list({ limit: "7" });
    const decoded = JSON.parse(Buffer.from(cursor!, "base64url").toString("utf8"));
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const garbage = [
      "abc",
      "!!!",
      "e30",
      encode(null),
      encode([1, 2]),
      encode({ ...decoded, id: "not-an-id" }),
      encode({ ...decoded, id: "00000000-0000-4000-8000-000000000000" }),
      encode({ ...decoded, id: 42 }),
      encode({ ...decoded, q: "x" }),
      encode({ id: decoded.id }),
      `${cursor}x`,
    ];
    for (const bad of garbage) assertError(await t.json(`/history?${qs({ cursor: bad })}`), 400, "request.invalid_cursor");
  });
});
