// Tags and notes: set on create and by PATCH /history/{id}, normalised (trimmed, lower-cased,
// duplicates collapsed) and validated; GET /history?tag=... combined with every other filter,
// cursor and exact total (held against a brute-force filter of the full list); GET /history/tags
// exact after every kind of write; bulk deletes and exports by a tag filter; the read capacity of
// a rare tag's list in a large history.
//   npx tsx tests/support/run.ts tests/tags.test.ts
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { strFromU8, unzipSync } from "fflate";
import { startApi, tenant, toJson, type Api, type Tenant } from "./support/server";
import {
  assertError,
  assertStatsMatchRecount,
  assertTagsMatchRecount,
  bruteForceList,
  createCompleted,
  createPending,
  createProfile,
  failGeneration,
  randomId,
  smallWav,
  tenantWithProfile,
  uploadAudio,
  waitForJob,
  type GenerationBody,
  type ListQuery,
} from "./support/fixtures";
import { fetchBytes } from "./support/transfer";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

const setup = () => tenantWithProfile(api);

const patch = (t: Tenant, id: string, body: unknown) => t.json(`/history/${id}`, { method: "PATCH", body });

async function patched(t: Tenant, id: string, body: unknown) {
  const res = await patch(t, id, body);
  assert.equal(res.status, 200, `PATCH /history/${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function detail(t: Tenant, id: string) {
  const res = await t.json(`/history/${id}`);
  assert.equal(res.status, 200, `GET /history/${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The detail without its presigned URL, which is signed anew on every read. */
const unsigned = ({ audio_url, audio_url_expires_at, ...rest }: Record<string, any>) => ({
  ...rest,
  has_audio_url: audio_url !== null,
  has_expiry: audio_url_expires_at !== null,
});

async function tagCounts(t: Tenant) {
  const res = await t.json("/history/tags");
  assert.equal(res.status, 200, `GET /history/tags: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.tags as { tag: string; count: number }[];
}

/** Bodies with a value for `field` that POST /history and PATCH /history/{id} both refuse, and the name the error gives. */
const invalidAnnotations: [Record<string, unknown>, string][] = [
  [{ tags: Array.from({ length: 21 }, (_, i) => `tag ${i}`) }, "tags"],
  [{ tags: ["x".repeat(41)] }, "tags[0]"],
  [{ tags: ["ok", ` ${"y".repeat(41)} `] }, "tags[1]"],
  [{ tags: [""] }, "tags[0]"],
  [{ tags: ["   "] }, "tags[0]"],
  [{ tags: ["\t\n"] }, "tags[0]"],
  [{ tags: [5] }, "tags[0]"],
  [{ tags: [null] }, "tags[0]"],
  [{ tags: [["nested"]] }, "tags[0]"],
  [{ tags: ["line\nbreak"] }, "tags[0]"],
  [{ tags: ["bell\u0007"] }, "tags[0]"],
  [{ tags: ["lone \uD800"] }, "tags[0]"],
  [{ tags: ["\u200b"] }, "tags[0]"],
  [{ tags: ["two\u2028lines"] }, "tags[0]"],
  [{ tags: ["🎙".repeat(41)] }, "tags[0]"],
  [{ tags: "intro" }, "tags"],
  [{ tags: null }, "tags"],
  [{ tags: { 0: "a" } }, "tags"],
  [{ note: "n".repeat(2_001) }, "note"],
  [{ note: 5 }, "note"],
  [{ note: ["a"] }, "note"],
  [{ note: "lone \uDC00" }, "note"],
];

describe("tags and note on create", () => {
  test("stored trimmed, lower-cased and without duplicates, first occurrence first; the note as sent", async () => {
    const { t, profileId } = await setup();
    const note = "Take 2.\nKeep the breath before \"hello\". 🎙️";
    const { generation } = await createPending(t, profileId, {
      tags: [" Intro ", "INTRO", "Calm Voice", "calm voice ", "Ünïcode Ä", "#1", "intro"],
      note,
    });
    assert.deepEqual(generation.tags, ["intro", "calm voice", "ünïcode ä", "#1"]);
    // One tag however it is composed; 40 emoji are 40 characters.
    const composed = (await createPending(t, profileId, { tags: ["caf\u00e9", "cafe\u0301", "🎙".repeat(40)] })).generation;
    assert.deepEqual(composed.tags, ["caf\u00e9", "🎙".repeat(40)]);
    assert.equal(generation.note, note);
    const got = await detail(t, generation.id);
    assert.deepEqual([got.tags, got.note], [generation.tags, note]);
    await assertStatsMatchRecount(t);
  });

  test("without them: no tags and a null note; an empty list and null are accepted", async () => {
    const { t, profileId } = await setup();
    const plain = (await createPending(t, profileId)).generation;
    assert.deepEqual([plain.tags, plain.note], [[], null]);
    const explicit = (await createPending(t, profileId, { tags: [], note: null })).generation;
    assert.deepEqual([explicit.tags, explicit.note], [[], null]);
    assert.deepEqual(await tagCounts(t), []);
  });

  test("the limits themselves are accepted: 20 tags of 40 characters (before trimming spaces), a note of 2,000", async () => {
    const { t, profileId } = await setup();
    const tags = Array.from({ length: 20 }, (_, i) => `  ${String(i).padStart(2, "0")}${"t".repeat(38)}  `);
    const { generation } = await createPending(t, profileId, { tags, note: "n".repeat(2_000) });
    assert.deepEqual(generation.tags, tags.map((tag) => tag.trim()));
    assert.equal(generation.note!.length, 2_000);
    // 21 entries that collapse to fewer are still 21 tags sent.
    const res = await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "x", tags: Array.from({ length: 21 }, () => "same") } });
    assertError(res, 400, "request.invalid", "tags");
    await assertStatsMatchRecount(t);
  });

  test("invalid tags or notes are 400 request.invalid naming the field, and create nothing", async () => {
    const { t, profileId } = await setup();
    for (const [fields, name] of invalidAnnotations) {
      const res = await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "Hello", ...fields } });
      assertError(res, 400, "request.invalid", name);
    }
    assert.equal((await t.json("/history")).body.total, 0);
    assert.deepEqual(await tagCounts(t), []);
  });

  test("Idempotency-Key covers tags and note: a retry with others is 422; the same ones, spelled differently, replay", async () => {
    const { t, profileId } = await setup();
    const headers = { "idempotency-key": `tags-${randomBytes(6).toString("hex")}` };
    const first = await createPending(t, profileId, { text: "once", tags: ["a", "b"], note: "n" }, headers);
    const replay = await createPending(t, profileId, { text: "once", tags: [" A", "b", "B"], note: "n" }, headers);
    assert.equal(replay.generation.id, first.generation.id);
    for (const changed of [{ tags: ["a"] }, { tags: ["b", "a"] }, { tags: [] }, { note: "other" }, { note: null }, { tags: undefined }]) {
      const body = { profile_id: profileId, text: "once", tags: ["a", "b"], note: "n", ...changed };
      assertError(await t.json("/history", { method: "POST", body, headers }), 422, "request.idempotency_key_reused");
    }
    // A key first used without tags or note still replays the same body.
    const plainKey = { "idempotency-key": `plain-${randomBytes(6).toString("hex")}` };
    const plain = await createPending(t, profileId, { text: "plain" }, plainKey);
    assert.equal((await createPending(t, profileId, { text: "plain", tags: [], note: null }, plainKey)).generation.id, plain.generation.id);
    assertError(await t.json("/history", { method: "POST", body: { profile_id: profileId, text: "plain", tags: ["x"] }, headers: plainKey }), 422, "request.idempotency_key_reused");
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 2);
  });
});

describe("PATCH /history/{id}", () => {
  test("tags replace the set, the note is replaced or cleared, and the answer is the generation as GET shows it", async () => {
    const { t, profileId } = await setup();
    const g = await createCompleted(t, profileId, { tags: ["one", "two"], note: "first" });

    const retagged = await patched(t, g.id, { tags: ["Three", "one", "THREE"] });
    assert.deepEqual([retagged.tags, retagged.note], [["three", "one"], "first"]);
    assert.ok(retagged.updated_at > g.updated_at, "updated_at moves");
    assert.equal(typeof retagged.audio_url, "string", "the answer carries audio_url like GET");
    assert.deepEqual(unsigned(retagged), unsigned(await detail(t, g.id)));

    const renoted = await patched(t, g.id, { note: "second" });
    assert.deepEqual([renoted.tags, renoted.note], [["three", "one"], "second"]);
    const cleared = await patched(t, g.id, { note: null });
    assert.equal(cleared.note, null);
    const both = await patched(t, g.id, { tags: [], note: "only a note" });
    assert.deepEqual([both.tags, both.note], [[], "only a note"]);
    const emptyNote = await patched(t, g.id, { note: "" });
    assert.equal(emptyNote.note, "");
    assert.deepEqual(unsigned(emptyNote), unsigned(await detail(t, g.id)));
    // Nothing else moved.
    for (const field of ["text", "status", "duration", "size_bytes", "is_favorited", "versions", "profile_id", "created_at"]) {
      assert.deepEqual(emptyNote[field], g[field], field);
    }
    await assertStatsMatchRecount(t);
  });

  test("the same tags and note again change nothing, not even updated_at", async () => {
    const { t, profileId } = await setup();
    const { generation } = await createPending(t, profileId, { tags: ["a", "b"], note: "n" });
    const same = await patched(t, generation.id, { tags: ["A", "b "], note: "n" });
    assert.equal(same.updated_at, generation.updated_at);
    assert.deepEqual(same.tags, ["a", "b"]);
  });

  test("pending and failed generations take tags too, and their answers have no audio_url", async () => {
    const { t, profileId } = await setup();
    const pending = (await createPending(t, profileId)).generation;
    const failed = await failGeneration(t, (await createPending(t, profileId)).generation.id);
    for (const g of [pending, failed]) {
      const res = await patched(t, g.id, { tags: ["draft"] });
      assert.deepEqual([res.status, res.tags, res.audio_url, res.profile_name === null], [g.status, ["draft"], null, false]);
    }
    assert.deepEqual(await tagCounts(t), [{ tag: "draft", count: 2 }]);
    await assertStatsMatchRecount(t);
  });

  test("invalid bodies are 400 naming the field: bad tags or notes, no field at all, unknown fields, not an object", async () => {
    const { t, profileId } = await setup();
    const { generation } = await createPending(t, profileId, { tags: ["keep"], note: "keep" });
    const cases: [unknown, string][] = [
      ...invalidAnnotations,
      [{}, "tags, note"],
      [{ tags: ["a"], text: "changed" }, "text"],
      [{ is_favorited: true }, "is_favorited"],
      [{ note: "n", profile_id: profileId }, "profile_id"],
      [[], "(root)"],
      ["tags", "(root)"],
      [null, "(root)"],
    ];
    for (const [body, name] of cases) assertError(await patch(t, generation.id, body), 400, "request.invalid", name);
    const raw = (body: string, type: string) => t.request(`/history/${generation.id}`, { method: "PATCH", body, headers: { "content-type": type } }).then(toJson);
    assert.equal((await raw("{\"tags\": [", "application/json")).status, 400);
    assertError(await raw("tags=a", "application/x-www-form-urlencoded"), 415, "request.unsupported_media_type");
    const got = await detail(t, generation.id);
    assert.deepEqual([got.tags, got.note, got.updated_at], [["keep"], "keep", generation.updated_at]);
    assert.deepEqual(await tagCounts(t), [{ tag: "keep", count: 1 }]);
  });

  test("unknown, malformed, deleted and another tenant's ids are 404 generation.not_found and change nothing", async () => {
    const [{ t, profileId }, other] = [await setup(), await setup()];
    const foreign = await createCompleted(other.t, other.profileId, { tags: ["theirs"] });
    const gone = (await createPending(t, profileId, { tags: ["gone"] })).generation;
    assert.equal((await t.json(`/history/${gone.id}`, { method: "DELETE" })).status, 204);
    for (const id of [await randomId(), "not-a-uuid", "00000000-0000-4000-8000-000000000000", foreign.id, gone.id]) {
      assertError(await patch(t, id, { tags: ["mine"] }), 404, "generation.not_found");
    }
    assert.deepEqual((await detail(other.t, foreign.id)).tags, ["theirs"]);
    assert.deepEqual(await tagCounts(t), []);
    assert.deepEqual(await tagCounts(other.t), [{ tag: "theirs", count: 1 }]);
  });

  test("a generation in the trash is 404 to PATCH, and out of the tag counts and tag lists", async () => {
    const { t, profileId } = await setup();
    const kept = (await createPending(t, profileId, { tags: ["shared"] })).generation;
    const binned = (await createPending(t, profileId, { tags: ["shared", "binned"] })).generation;
    // Moved as the trash moves it: the same item at its trash key, through the one writer of generations.
    const [{ mutateGeneration }, { keys }] = await Promise.all([import("@sonna/core/generations/repo"), import("@sonna/core/table/keys")]);
    const now = new Date().toISOString();
    await mutateGeneration(t.id, binned.id, (item) => ({
      kind: "put",
      item: { ...item, ...keys.trashedGeneration(t.id, item.id), entity: "trashed", deleted_at: now, purge_at: now },
    }));
    assertError(await patch(t, binned.id, { tags: ["back"] }), 404, "generation.not_found");
    assert.deepEqual(await tagCounts(t), [{ tag: "shared", count: 1 }]);
    assert.deepEqual(ids((await t.json(`/history?${qs({ tag: "shared" })}`)).body.items), [kept.id]);
    assert.deepEqual((await t.json(`/history?${qs({ tag: "binned" })}`)).body, { items: [], total: 0, next_cursor: null });
    await assertStatsMatchRecount(t);
  });

  test("concurrent PATCHes of one generation leave one of the sets, and the counts match it", async () => {
    const { t, profileId } = await setup();
    const { generation } = await createPending(t, profileId, { tags: ["start"] });
    const sets = Array.from({ length: 8 }, (_, i) => [`set${i}`, "shared", ...(i % 2 ? ["odd"] : [])]);
    const results = await Promise.all(sets.map((tags) => patch(t, generation.id, { tags })));
    for (const res of results) assert.ok(res.status === 200 || res.status === 409, `${res.status} ${JSON.stringify(res.body)}`);
    assert.ok(results.some((res) => res.status === 200));
    const final = (await detail(t, generation.id)).tags;
    assert.ok(sets.some((set) => JSON.stringify(set) === JSON.stringify(final)), `final tags ${JSON.stringify(final)} are one of the sets`);
    assert.deepEqual(
      await tagCounts(t),
      final.map((tag: string) => ({ tag, count: 1 })).sort((a: any, b: any) => (a.tag < b.tag ? -1 : 1)),
    );
    await assertStatsMatchRecount(t);
  });
});

describe("GET /history/tags", () => {
  test("is its own route, not a generation id: a new tenant has no tags", async () => {
    const t = await tenant(api);
    assert.deepEqual(await tagCounts(t), []);
  });

  test("exact after create, change, completion, favorite, delete and bulk deletes; most used first, then by tag", async () => {
    const { t, profileId } = await setup();
    const a = (await createPending(t, profileId, { tags: ["x", "y"] })).generation;
    const b = (await createPending(t, profileId, { tags: ["y", "z"] })).generation;
    const c = await createCompleted(t, profileId, { tags: ["z", "y", "w"] });
    await createPending(t, profileId);
    assert.deepEqual(await tagCounts(t), [
      { tag: "y", count: 3 },
      { tag: "z", count: 2 },
      { tag: "w", count: 1 },
      { tag: "x", count: 1 },
    ]);
    await assertStatsMatchRecount(t);

    await patched(t, a.id, { tags: ["w"] });
    assert.deepEqual(await tagCounts(t), [
      { tag: "w", count: 2 },
      { tag: "y", count: 2 },
      { tag: "z", count: 2 },
    ]);
    // Changes of other fields carry the tags along.
    await uploadAudio((await createPending(t, profileId)).upload, await smallWav());
    assert.equal((await t.json(`/history/${b.id}/favorite`, { method: "PUT" })).status, 200);
    await failGeneration(t, b.id);
    await assertStatsMatchRecount(t);

    assert.equal((await t.json(`/history/${c.id}`, { method: "DELETE" })).status, 204);
    assert.deepEqual(await tagCounts(t), [
      { tag: "w", count: 1 },
      { tag: "y", count: 1 },
      { tag: "z", count: 1 },
    ]);

    const byIds = await t.json("/history/delete", { method: "POST", body: { ids: [a.id] } });
    await waitForJob(t, byIds.body.id);
    assert.deepEqual(await tagCounts(t), [
      { tag: "y", count: 1 },
      { tag: "z", count: 1 },
    ]);
    const failed = await t.json("/history/failed", { method: "DELETE" });
    assert.deepEqual(failed.body, { deleted: 1 });
    assert.deepEqual(await tagCounts(t), []);
    await assertStatsMatchRecount(t);
  });

  test("counts many generations with many tags exactly, and only the caller's", async () => {
    const [{ t, profileId }, other] = [await setup(), await setup()];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        createPending(t, profileId, { tags: Array.from({ length: 1 + (i % 20) }, (_, k) => `t${(i + k) % 23}`) }),
      ),
    );
    await createPending(other.t, other.profileId, { tags: ["t1", "foreign"] });
    const counted = await assertTagsMatchRecount(t);
    assert.ok(counted.length >= 20 && !counted.some((c) => c.tag === "foreign"));
    assert.deepEqual(await tagCounts(other.t), [
      { tag: "foreign", count: 1 },
      { tag: "t1", count: 1 },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Lists by tag, against a brute-force filter of the full list

type Query = ListQuery;

const qs = (query: Query): string => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) for (const one of Array.isArray(value) ? value : [value]) params.append(name, one);
  return params.toString();
};

const ids = (items: Record<string, any>[]): string[] => items.map((g) => g.id as string);

describe("GET /history?tag=", () => {
  let t: Tenant;
  let profiles: string[];
  /** Every generation of the tenant, newest first, as the unfiltered list returns it. */
  let all: Record<string, any>[];
  const N = 48;
  const TEXTS = ["Hello world", "Grüße aus Köln", "The quick fox"];

  const tagsOf = (i: number): string[] => [
    ...(i % 2 === 0 ? [" Common"] : []),
    ...(i % 3 === 0 ? ["MID"] : []),
    ...(i % 8 === 5 ? ["rare", "Rare "] : []),
    ...(i % 5 === 1 ? ["alpha"] : []),
  ];

  before(async () => {
    t = await tenant(api);
    profiles = [(await createProfile(t)).id, (await createProfile(t)).id];
    const wav = await smallWav(2_400);
    // Batches in sequence, so ids (and created_at) spread over time.
    for (let start = 0; start < N; start += 6) {
      await Promise.all(
        Array.from({ length: 6 }, (_, k) => start + k).map(async (i) => {
          const { generation, upload } = await createPending(t, profiles[i % 2]!, {
            text: `${TEXTS[i % 3]} #${i}`,
            engine: ["qwen", "kokoro"][(i >> 1) % 2],
            language: ["en", "de"][(i >> 2) % 2],
            tags: tagsOf(i),
          });
          if (i % 7 === 1) {
            await uploadAudio(upload, wav);
            assert.equal((await t.json(`/history/${generation.id}/complete`, { method: "POST" })).status, 200);
          } else if (i % 7 === 2) await failGeneration(t, generation.id);
          if (i % 5 === 3) assert.equal((await t.json(`/history/${generation.id}/favorite`, { method: "PUT" })).status, 200);
        }),
      );
    }
    const res = await t.json("/history?limit=200");
    all = res.body.items;
    assert.equal(all.length, N);
  });

  /** The generations a query should list, from the full list, in its order. */
  const expected = (query: Query): Record<string, any>[] => bruteForceList(all, query);

  async function list(query: Query) {
    const res = await t.json(`/history?${qs(query)}`);
    assert.equal(res.status, 200, `GET /history?${qs(query)}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { items: Record<string, any>[]; total: number; next_cursor: string | null };
  }

  test("the data has every tag combination worth testing", () => {
    const count = (query: Query) => expected(query).length;
    assert.deepEqual([count({ tag: "common" }), count({ tag: "mid" }), count({ tag: "rare" }), count({ tag: "alpha" })], [24, 16, 6, 10]);
    assert.ok(count({ tag: ["common", "mid"] }) > 0 && count({ tag: ["rare", "alpha"] }) > 0 && count({ tag: ["rare", "common"] }) === 0);
    for (const tag of ["common", "mid"]) {
      for (const other of [{ status: "completed" }, { status: "failed" }, { status: "pending" }, { favorites: "true" }, { engine: "kokoro" }, { language: "de" }] as Query[]) {
        assert.ok(expected({ tag, ...other }).length > 0, `${tag} with ${JSON.stringify(other)}`);
      }
    }
  });

  test("every tag filter alone and combined with the others: the right items, in order, with an exact total", async () => {
    const [p0, p1] = profiles as [string, string];
    const middle = [...all].reverse()[N / 2]!.created_at;
    const queries: Query[] = [
      { tag: "common" },
      { tag: "mid" },
      { tag: "rare" },
      { tag: "alpha" },
      { tag: "nobody" },
      { tag: ["common", "mid"] },
      { tag: ["mid", "common"] },
      { tag: ["common", "mid", "alpha"] },
      { tag: ["rare", "alpha"] },
      { tag: ["rare", "common"] },
      { tag: ["common", "nobody"] },
      { tag: "common", sort: "asc" },
      { tag: ["common", "mid"], sort: "asc" },
      { tag: "common", profile_id: p0 },
      { tag: "mid", profile_id: p1 },
      { tag: "common", status: "pending" },
      { tag: "mid", status: "completed" },
      { tag: "common", status: "failed" },
      { tag: "mid", favorites: "true" },
      { tag: "common", favorites: "false" },
      { tag: "common", engine: "kokoro" },
      { tag: "mid", language: "de" },
      { tag: "common", search: "köln" },
      { tag: "mid", search: "#1" },
      { tag: ["common", "mid"], search: "HELLO" },
      { tag: "common", created_after: middle },
      { tag: "mid", created_before: middle },
      { tag: "common", created_after: middle, sort: "asc" },
      { tag: ["common", "alpha"], profile_id: p0, status: "pending" },
      { tag: "mid", profile_id: p0, favorites: "true", engine: "kokoro" },
      { tag: "common", search: "fox", language: "en", created_after: middle },
      { tag: "rare", status: "completed", sort: "asc" },
      { tag: "common", profile_id: "not-a-uuid" },
    ];
    for (const query of queries) {
      const want = expected(query);
      const page = await list({ ...query, limit: "200" });
      assert.deepEqual(ids(page.items), ids(want), `items for ${qs(query)}`);
      assert.equal(page.total, want.length, `total for ${qs(query)}`);
      assert.equal(page.next_cursor, null);
      assert.equal((await list({ ...query, limit: "1" })).total, want.length, `total at limit 1 for ${qs(query)}`);
    }
  });

  test("items are listed like the unfiltered list's, profile names and tags included", async () => {
    const page = await list({ tag: "rare", limit: "200" });
    for (const item of page.items) assert.deepEqual(item, all.find((g) => g.id === item.id));
  });

  test("tag values are normalised like stored tags: case, spaces and repeats do not matter", async () => {
    const want = ids(expected({ tag: ["common", "mid"] }));
    for (const tag of [[" COMMON ", "Mid"], ["common", "mid", "MID", "common "], ["mid", "common"]]) {
      assert.deepEqual(ids((await list({ tag, limit: "200" })).items), want, JSON.stringify(tag));
    }
  });

  test("next_cursor pages visit every match exactly once, for page sizes 1, 4 and 50, both orders, with and without other filters", async () => {
    const queries: Query[] = [{ tag: "common" }, { tag: ["common", "mid"] }, { tag: "mid", status: "pending" }, { tag: "common", search: "o" }];
    for (const base of queries) {
      for (const sort of ["desc", "asc"]) {
        for (const size of [1, 4, 50]) {
          const query = { ...base, sort };
          const want = ids(expected(query));
          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const page = await list({ ...query, limit: String(size), ...(cursor ? { cursor } : {}) });
            pages++;
            assert.equal(page.total, want.length, `total on page ${pages} of ${qs(query)}`);
            if (page.next_cursor !== null) assert.equal(page.items.length, size, "only the last page may be short");
            seen.push(...ids(page.items));
            cursor = page.next_cursor;
            assert.ok(pages <= N + 1, "paging ends");
          } while (cursor);
          assert.deepEqual(seen, want, `pages of ${size} over ${qs(query)}`);
        }
      }
    }
  });

  test("offset skips matches", async () => {
    for (const query of [{ tag: "common" }, { tag: "mid", status: "pending" }, { tag: "common", search: "o" }] as Query[]) {
      const page = await list({ ...query, offset: "3", limit: "5" });
      assert.deepEqual(ids(page.items), ids(expected(query).slice(3, 8)), qs(query));
      assert.equal(page.total, expected(query).length);
    }
  });

  test("a cursor belongs to its tags: with other tags, or none, it is 400 request.invalid_cursor", async () => {
    const { next_cursor: cursor } = await list({ tag: "common", limit: "3" });
    assert.ok(cursor);
    for (const query of [{ tag: "mid" }, { tag: ["common", "mid"] }, {}] as Query[]) {
      assertError(await t.json(`/history?${qs({ ...query, cursor })}`), 400, "request.invalid_cursor");
    }
    const { next_cursor: untagged } = await list({ limit: "3" });
    assertError(await t.json(`/history?${qs({ tag: "common", cursor: untagged! })}`), 400, "request.invalid_cursor");
  });

  test("invalid tag parameters are 400 request.invalid naming tag", async () => {
    const cases = [
      qs({ tag: "" }),
      qs({ tag: "   " }),
      qs({ tag: "x".repeat(41) }),
      qs({ tag: "bell\u0007" }),
      qs({ tag: ["ok", ""] }),
      qs({ tag: Array.from({ length: 21 }, (_, i) => `t${i}`) }),
    ];
    for (const query of cases) assertError(await t.json(`/history?${query}`), 400, "request.invalid", "tag");
    // Twenty are fine.
    assert.equal((await t.json(`/history?${qs({ tag: Array.from({ length: 20 }, (_, i) => `t${i}`) })}`)).status, 200);
  });

  test("another tenant's tags list nothing", async () => {
    const other = await tenant(api);
    assert.deepEqual((await other.json(`/history?${qs({ tag: "common" })}`)).body, { items: [], total: 0, next_cursor: null });
  });
});

// ---------------------------------------------------------------------------------------------
// Lists follow changes, bulk jobs select by tag

describe("tag filters follow changes and drive bulk jobs", () => {
  test("a list by tag follows PATCH, favorite, completion and delete", async () => {
    const { t, profileId } = await setup();
    const g = (await createPending(t, profileId, { tags: ["draft"] })).generation;
    const listed = async (query: Query) => ids((await t.json(`/history?${qs(query)}`)).body.items);
    assert.deepEqual(await listed({ tag: "draft" }), [g.id]);
    await patched(t, g.id, { tags: ["final"] });
    assert.deepEqual(await listed({ tag: "draft" }), []);
    assert.deepEqual(await listed({ tag: "final" }), [g.id]);
    assert.deepEqual(await listed({ tag: "final", favorites: "true" }), []);
    assert.equal((await t.json(`/history/${g.id}/favorite`, { method: "PUT" })).status, 200);
    assert.deepEqual(await listed({ tag: "final", favorites: "true" }), [g.id]);
    await failGeneration(t, g.id);
    assert.deepEqual(await listed({ tag: "final", status: "failed" }), [g.id]);
    assert.equal((await t.json(`/history/${g.id}`, { method: "DELETE" })).status, 204);
    assert.deepEqual((await t.json(`/history?${qs({ tag: "final" })}`)).body, { items: [], total: 0, next_cursor: null });
  });

  test("bulk delete by a filter with tags: exactly the generations carrying every tag and matching the rest go", async () => {
    const [{ t, profileId }, other] = [await setup(), await setup()];
    const doomed = [
      (await createPending(t, profileId, { tags: ["old", "take"] })).generation,
      (await createPending(t, profileId, { tags: ["take", "old", "x"], text: "Hello again" })).generation,
    ];
    const kept = [
      (await createPending(t, profileId, { tags: ["old"] })).generation,
      (await createPending(t, profileId, { tags: ["take"] })).generation,
      (await createPending(t, profileId, { tags: ["old", "take"], text: "a different text" })).generation,
      await createCompleted(t, profileId, { tags: ["old", "take"] }),
      (await createPending(t, profileId)).generation,
    ];
    const foreign = (await createPending(other.t, other.profileId, { tags: ["old", "take"] })).generation;
    const res = await t.json("/history/delete", { method: "POST", body: { filter: { tag: ["Old", "take"], status: "pending", search: "hello" } } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const job = await waitForJob(t, res.body.id);
    assert.equal(job.result.deleted, doomed.length);
    const left = ids((await t.json("/history?limit=200")).body.items);
    assert.deepEqual(left.sort(), ids(kept).sort());
    assert.equal((await other.t.json(`/history/${foreign.id}`)).status, 200);
    await assertStatsMatchRecount(t);
    await assertStatsMatchRecount(other.t);
  });

  test("bulk filters refuse malformed tags: not a list, empty, blank, too many", async () => {
    const { t } = await setup();
    for (const tag of ["old", [], [""], Array.from({ length: 21 }, (_, i) => `t${i}`), [1]]) {
      assertError(await t.json("/history/delete", { method: "POST", body: { filter: { tag } } }), 400, "request.invalid");
      assertError(await t.json("/history/exports", { method: "POST", body: { filter: { tag } } }), 400, "request.invalid");
    }
  });

  test("bulk export by a tag filter: exactly the completed generations carrying the tag, each generation.json with its tags and note", async () => {
    const { t, profileId } = await setup();
    const tagged = [
      await createCompleted(t, profileId, { tags: ["export me", "a"], note: "first note" }),
      await createCompleted(t, profileId, { tags: ["Export Me"], text: "Second" }),
    ];
    await createCompleted(t, profileId, { tags: ["other"] });
    await createPending(t, profileId, { tags: ["export me"] });
    const res = await t.json("/history/exports", { method: "POST", body: { filter: { tag: ["export me"] } } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const job = await waitForJob(t, res.body.id);
    assert.deepEqual([job.result.exported, job.result.skipped], [2, 1]);
    const entries = unzipSync((await fetchBytes(job.result.parts[0].url)).bytes);
    const manifests = Object.entries(entries)
      .filter(([name]) => name.endsWith("/generation.json"))
      .map(([, data]) => JSON.parse(strFromU8(data)).generation);
    assert.deepEqual(
      manifests.map((g) => [g.id, g.tags, g.note]).sort(),
      tagged.map((g: GenerationBody) => [g.id, g.tags, g.note]).sort(),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// What a rare tag's list reads (in process: measureCapacity follows the call's async context)

describe("capacity of a rare tag's list", { skip: process.env.SONNA_TEST_STACK !== "1" && "needs the local stack" }, () => {
  test("does not grow with the untagged history around it", { timeout: 240_000 }, async () => {
    const [{ app }, { authorizedEnv }, { createGeneration }, { measureCapacity }] = await Promise.all([
      import("@sonna/functions/app"),
      import("@sonna/local/gateway"),
      import("@sonna/core/generations/create"),
      import("@sonna/core/table/capacity"),
    ]);
    const tenantId = `tag-capacity-${randomBytes(6).toString("hex")}`;
    const env = authorizedEnv({ sub: tenantId });
    const call = async (path: string, init?: RequestInit) => {
      const res = await app.request(path, init, env);
      const body = (await res.json()) as any;
      assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    };
    const profileId = (await call("/profiles", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Cap" }) })).id;
    let created = 0;
    const growTo = async (total: number) => {
      for (; created < total; created += 20) {
        await Promise.all(
          Array.from({ length: 20 }, (_, k) =>
            createGeneration(tenantId, { profile_id: profileId, text: `Untagged line ${String(created + k).padStart(6, "0")} of the script` }),
          ),
        );
      }
    };
    for (let i = 0; i < 3; i++) await createGeneration(tenantId, { profile_id: profileId, text: `Rare line ${i}`, tags: ["rare"] });
    const measure = async (path: string) => {
      const { result, capacity } = await measureCapacity(() => call(path));
      return { body: result, read: capacity.read };
    };
    const paths = ["/history?tag=rare", "/history?tag=rare&status=pending", "/history?tag=rare&search=rare", "/history/tags"];

    // One at a time: each measurement must see only its own calls.
    const measureAll = async () => {
      const figures = [];
      for (const path of paths) figures.push(await measure(path));
      return figures;
    };
    await growTo(60);
    const small = await measureAll();
    await growTo(300);
    const large = await measureAll();
    for (const [i, path] of paths.entries()) {
      console.log(`capacity ${path.padEnd(34)} read ${small[i]!.read} RCU at 63 generations, ${large[i]!.read} RCU at 303`);
      assert.equal(large[i]!.read, small[i]!.read, `${path} reads the same with 240 more untagged generations`);
      assert.ok(large[i]!.read <= 5, `${path} reads ${large[i]!.read} RCU`);
    }
    for (const { body } of large.slice(0, 3)) assert.deepEqual([body.items.length, body.total], [3, 3]);
    assert.deepEqual(large[3]!.body, { tags: [{ tag: "rare", count: 3 }] });
    const unfiltered = await measure("/history?search=rare");
    assert.ok(unfiltered.read > 4 * large[2]!.read, `a search without the tag reads the history (${unfiltered.read} RCU)`);
  });
});
