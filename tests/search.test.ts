// The search index (packages/core/src/search) against a brute-force fold-and-match: random texts
// with Unicode, every filter combined, right after the tenant's own writes, across compactions,
// one of them crashed between its segment write and its manifest.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import * as v from "valibot";
import { dynamo } from "@sonna/core/aws";
import { foldText } from "@sonna/core/search/fold";
import { PageSelection } from "@sonna/core/search/select";
import { ListQuery } from "@sonna/core/shapes/list";
import { objectKeys } from "@sonna/core/storage/keys";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
import { bruteForceList, bucketKeys, createPending, createProfile, failGeneration, putSettings, type ListQuery as Query } from "./support/fixtures";
import { inject, interpose, removeAllFaults } from "./support/faults";

/**
 * Pieces texts and searches are made of: the case-folding edge cases, composed and decomposed, and
 * characters a segment line stores escaped (a quote, a backslash).
 */
const PIECES = ["a", "B", "ß", "ẞ", "SS", "s", "Σ", "σ", "ς", "é", "e\u0301", "É", "E\u0301", "İ", "ı", "i", "I", "ﬁ", "FI", "😀", " ", "K", "\u212A", "k", "ö", "Ö", '"', "\\"];
const piecesText = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((pieces) => pieces.join(""));

describe("folding", () => {
  test("the documented cases find each other, and those left apart stay apart", () => {
    const same: [string, string][] = [
      ["ÉCOLE", "école"],
      ["E\u0301COLE", "école"],
      ["STRASSE", "straße"],
      ["ẞ", "ss"],
      ["ΟΔΟΣ", "οδος"],
      ["ς", "σ"],
      ["ﬁ", "FI"],
      ["\u212A", "k"],
      ["İ", "i\u0307"],
    ];
    for (const [a, b] of same) assert.equal(foldText(a), foldText(b), `${a} ~ ${b}`);
    for (const [a, b] of [["ı", "i"], ["é", "e"], ["ö", "o"]] as const) assert.notEqual(foldText(a), foldText(b), `${a} !~ ${b}`);
  });

  test("folding ignores composition and case, and is idempotent", () => {
    fc.assert(
      fc.property(piecesText, (text) => {
        const folded = foldText(text);
        assert.equal(foldText(text.normalize("NFD")), folded);
        assert.equal(foldText(text.toUpperCase()), foldText(text.toUpperCase().normalize("NFD")));
        assert.equal(foldText(folded), folded);
      }),
    );
  });
});

describe("page selection", () => {
  test("one unordered pass keeps the same page and total as sorting everything", () => {
    const id = fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, "0"));
    fc.assert(
      fc.property(
        fc.uniqueArray(id, { maxLength: 300 }),
        fc.boolean(),
        fc.option(id, { nil: undefined }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 30 }),
        (ids, ascending, cursor, offset, limit) => {
          const selection = new PageSelection({ ascending, after: cursor, offset, limit });
          for (const one of ids) selection.add({ id: one } as never);
          const sorted = [...ids].sort();
          if (!ascending) sorted.reverse();
          const past = sorted.filter((one) => cursor === undefined || (ascending ? one > cursor : one < cursor));
          assert.equal(selection.total, ids.length);
          assert.deepEqual(selection.page(), { ids: past.slice(offset, offset + limit), hasMore: past.length > offset + limit });
        },
      ),
      { numRuns: 300 },
    );
  });
});

let api: Api;
before(async () => {
  api = await startApi();
});
after(async () => {
  removeAllFaults();
  await api?.close();
});

/** What a run does to its tenant; `pick` chooses among the generations (or trashed ones) at the time. */
type Action =
  | { kind: "create"; text: string; profile: number; language: string; engine: string; tags: string[] }
  | { kind: "favorite" | "fail" | "trash" | "restore" | "purge" | "delete"; pick: number }
  | { kind: "tags"; pick: number; tags: string[] }
  | { kind: "compact" }
  | { kind: "crashed compaction" };

const TAGS = ["x", "y", "z"];
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("create" as const), text: piecesText, profile: fc.nat(1), language: fc.constantFrom("en", "de"), engine: fc.constantFrom("qwen", "kokoro"), tags: fc.subarray(TAGS) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom("favorite" as const, "fail" as const, "trash" as const, "restore" as const, "purge" as const, "delete" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("tags" as const), pick: fc.nat(), tags: fc.subarray(TAGS) }) },
  { weight: 1, arbitrary: fc.constantFrom<Action>({ kind: "compact" }, { kind: "crashed compaction" }) },
);

/** A search: pieces of text, or a stretch of an existing text (`from`) with its case or composition changed. */
interface Search {
  text: string;
  from?: { pick: number; start: number; length: number; change: "upper" | "lower" | "nfd" | "none" };
  filters: Query;
  sort: "asc" | "desc";
}

const filters: fc.Arbitrary<Query> = fc
  .record(
    {
      status: fc.constantFrom("pending", "failed"),
      favorites: fc.constantFrom("true", "false"),
      engine: fc.constantFrom("qwen", "kokoro"),
      language: fc.constantFrom("en", "de"),
      tag: fc.constantFrom(...TAGS),
      profile: fc.nat(1),
      created_after: fc.constant("middle"),
    },
    { requiredKeys: [] },
  )
  .map((f) => f as unknown as Query);

const search: fc.Arbitrary<Search> = fc.record({
  text: piecesText,
  from: fc.option(fc.record({ pick: fc.nat(), start: fc.nat(12), length: fc.integer({ min: 1, max: 6 }), change: fc.constantFrom("upper" as const, "lower" as const, "nfd" as const, "none" as const) }), { nil: undefined }),
  filters,
  sort: fc.constantFrom("asc" as const, "desc" as const),
});

const changeCase = { upper: (s: string) => s.toUpperCase(), lower: (s: string) => s.toLowerCase(), nfd: (s: string) => s.normalize("NFD"), none: (s: string) => s };

class Run {
  profiles: string[] = [];
  /** Every generation the unfiltered list shows, newest first (the list without search is exact). */
  all: Record<string, any>[] = [];
  trashed: string[] = [];
  middle = new Date().toISOString();

  constructor(readonly t: Tenant) {}

  static async start(): Promise<Run> {
    const run = new Run(await tenant(api));
    for (const name of ["One", "Two"]) run.profiles.push((await createProfile(run.t, name)).id);
    await putSettings(run.t, { trash_days: 7 });
    return run;
  }

  async refresh(): Promise<void> {
    const res = await this.t.json("/history?limit=200");
    assert.equal(res.status, 200);
    this.all = res.body.items;
    if (this.all.length) this.middle = this.all[Math.floor(this.all.length / 2)]!.created_at;
  }

  pickLive(n: number) {
    return this.all.length ? this.all[n % this.all.length]!.id as string : undefined;
  }

  async apply(a: Action): Promise<void> {
    const { compactTenant } = await import("@sonna/core/search/compact");
    const { localJobRunner } = await import("@sonna/core/jobs/local-runner");
    const t = this.t;
    // A build the first search queued runs on the in-process job runner: let it end first.
    if (a.kind === "compact" || a.kind === "crashed compaction") await localJobRunner().idle();
    if (a.kind === "create") {
      await createPending(t, this.profiles[a.profile]!, { text: `w${a.text}`, language: a.language, engine: a.engine, tags: a.tags });
    } else if (a.kind === "compact") {
      assert.equal((await compactTenant(t.id)).committed, true);
    } else if (a.kind === "crashed compaction") {
      // The manifest write fails after the segment object was written: the index must be as before.
      const fault = inject(dynamo, (command, input) => /Put/.test(command) && JSON.stringify(input).includes("SEARCHIDX"), 1, () => new Error("worker killed"));
      await assert.rejects(compactTenant(t.id), /worker killed/);
      fault.remove();
    } else if (a.kind === "restore" || a.kind === "purge") {
      const id = this.trashed.length ? this.trashed.splice(a.pick % this.trashed.length, 1)[0]! : undefined;
      if (!id) return;
      const res = a.kind === "restore" ? await t.json(`/history/trash/${id}/restore`, { method: "POST", body: {} }) : await t.json(`/history/trash/${id}`, { method: "DELETE" });
      assert.ok(res.status === 200 || res.status === 204, `${a.kind}: ${res.status}`);
    } else {
      const id = this.pickLive(a.pick);
      if (!id) return;
      if (a.kind === "favorite") assert.equal((await t.json(`/history/${id}/favorite`, { method: "POST" })).status, 200);
      if (a.kind === "tags") assert.equal((await t.json(`/history/${id}`, { method: "PATCH", body: { tags: a.tags } })).status, 200);
      if (a.kind === "fail") {
        const current = this.all.find((g) => g.id === id)!;
        if (current.status === "pending") await failGeneration(t, id);
      }
      if (a.kind === "trash" || a.kind === "delete") {
        if (a.kind === "delete") await putSettings(t, { trash_days: 0 });
        assert.equal((await t.json(`/history/${id}`, { method: "DELETE" })).status, 204);
        if (a.kind === "delete") await putSettings(t, { trash_days: 7 });
        else this.trashed.push(id);
      }
    }
    await this.refresh();
  }

  query(s: Search): Query {
    const source = s.from && this.all.length ? (this.all[s.from.pick % this.all.length]!.text as string) : undefined;
    const text = source && s.from ? changeCase[s.from.change]([...source].slice(s.from.start % source.length).slice(0, s.from.length).join("")) : s.text;
    const { profile, created_after, ...rest } = s.filters as Query & { profile?: number };
    return {
      ...rest,
      search: text.trim() ? text : `${text}a`,
      sort: s.sort,
      ...(profile !== undefined ? { profile_id: this.profiles[Number(profile)]! } : {}),
      ...(created_after ? { created_after: this.middle } : {}),
    };
  }

  /** The search over HTTP page by page, and the index read directly, both against the brute force. */
  async check(s: Search, pageSize: number): Promise<void> {
    const query = this.query(s);
    const want = bruteForceList(this.all, query).map((g) => g.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const qs = new URLSearchParams({ ...(query as Record<string, string>), limit: String(pageSize), ...(cursor ? { cursor } : {}) });
      const res = await this.t.json(`/history?${qs}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.total, want.length, `total of ${JSON.stringify(query)}`);
      seen.push(...res.body.items.map((g: { id: string }) => g.id));
      cursor = res.body.next_cursor ?? undefined;
    } while (cursor);
    assert.deepEqual(seen, want, `pages of ${JSON.stringify(query)}`);
    // With a tag the API may answer from the tag's partition: the index itself is checked here too.
    const { searchGenerations } = await import("@sonna/core/search/search");
    const direct = await searchGenerations(this.t.id, v.parse(ListQuery, { ...query, limit: "200" }), undefined);
    assert.deepEqual([direct.found.map((g) => g.id), direct.total], [want, want.length], `index for ${JSON.stringify(query)}`);
  }
}

describe("search index against brute force", () => {
  test("random histories, every filter combined, checked after each write and across compactions", async () => {
    const { compactTenant } = await import("@sonna/core/search/compact");
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 4, maxLength: 18 }), fc.array(search, { minLength: 2, maxLength: 6 }), fc.boolean(), async (actions, searches, builtFirst) => {
        const run = await Run.start();
        if (builtFirst) await compactTenant(run.t.id);
        for (const [i, a] of actions.entries()) {
          await run.apply(a);
          await run.check(searches[i % searches.length]!, 3);
        }
        for (const s of searches) await run.check(s, 50);
      }),
      { numRuns: Number(process.env.SEARCH_RUNS ?? 12), endOnFailure: true, verbose: true, ...(process.env.SEARCH_SEED ? { seed: Number(process.env.SEARCH_SEED) } : {}) },
    );
  });

  test("a crashed compaction leaves an unlisted object that a later one deletes, and nothing found twice", async () => {
    const { compactTenant } = await import("@sonna/core/search/compact");
    const { LEASE_MS } = await import("@sonna/core/search/manifest");
    const run = await Run.start();
    for (const text of ["Straße eins", "STRASSE zwei", "strasse drei"]) await run.apply({ kind: "create", text, profile: 0, language: "en", engine: "qwen", tags: [] });
    await run.apply({ kind: "compact" });
    await run.apply({ kind: "create", text: "straße vier", profile: 1, language: "de", engine: "qwen", tags: [] });
    await run.apply({ kind: "crashed compaction" });
    const prefix = objectKeys.searchPrefix(run.t.id);
    assert.equal((await bucketKeys(prefix)).length, 2, "the listed segment and the crashed run's orphan");
    const found = await run.t.json("/history?search=STRASSE");
    assert.deepEqual([found.body.total, new Set(found.body.items.map((g: { id: string }) => g.id)).size], [4, 4]);
    // A later run keeps an unlisted object that may be a running compaction's, then deletes it once older than a lease.
    const later = await compactTenant(run.t.id, Date.now() + LEASE_MS + 1_000);
    assert.equal(later.committed, true);
    const keys = await bucketKeys(prefix);
    assert.equal(keys.length, later.segments);
    assert.equal((await run.t.json("/history?search=strasse")).body.total, 4);
  });

  test("a search whose segment a compaction retired meanwhile starts again from the new manifest", async () => {
    const { compactTenant } = await import("@sonna/core/search/compact");
    const { s3 } = await import("@sonna/core/storage/client");
    const run = await Run.start();
    const create = (text: string) => run.apply({ kind: "create", text, profile: 0, language: "en", engine: "qwen", tags: [] });
    for (const text of ["Köln eins", "KÖLN zwei", "köln drei"]) await create(text);
    await run.apply({ kind: "compact" });
    for (const text of ["Köln vier", "kÖln fünf", "KOLN sechs"]) await create(text);
    // Between the search's manifest read and its GET, a compaction merges the segment away and deletes it.
    const between = interpose(s3, /GetObject/, async () => assert.equal((await compactTenant(run.t.id)).committed, true));
    const res = await run.t.json("/history?search=k%C3%B6ln");
    between.remove();
    assert.equal(between.state.hit, 1);
    assert.deepEqual([res.status, res.body.total, res.body.items.length], [200, 5, 5]);
  });

  test("a tenant without an index is answered from its records, exactly, and a build is queued", async () => {
    const run = await Run.start();
    for (const text of ["ΟΔΟΣ", "οδος", "Ode"]) await run.apply({ kind: "create", text, profile: 0, language: "en", engine: "qwen", tags: ["x"] });
    const res = await run.t.json("/history?search=%CE%BF%CE%B4%CE%BF%CF%82"); // "οδος" with a final sigma
    assert.equal(res.body.total, 2);
    const { localJobRunner } = await import("@sonna/core/jobs/local-runner");
    await localJobRunner().idle();
    const { getManifest, usable } = await import("@sonna/core/search/manifest");
    assert.ok(usable(await getManifest(run.t.id)), "the first search queued a build");
    assert.equal((await run.t.json("/history?search=%CE%A3")).body.total, 2);
  });

  test("another tenant's index is never read, and a cursor of another query is refused", async () => {
    const a = await Run.start();
    const b = await Run.start();
    await a.apply({ kind: "create", text: "shared words", profile: 0, language: "en", engine: "qwen", tags: [] });
    await a.apply({ kind: "create", text: "shared words again", profile: 0, language: "en", engine: "qwen", tags: [] });
    await a.apply({ kind: "compact" });
    await b.apply({ kind: "compact" });
    assert.equal((await b.t.json("/history?search=shared")).body.total, 0);
    const page = await a.t.json("/history?search=shared&limit=1");
    assert.equal(page.body.total, 2);
    const other = await a.t.json(`/history?search=words&limit=1&cursor=${page.body.next_cursor}`);
    assert.equal(other.status, 400);
    assert.equal(other.body.code, "request.invalid_cursor");
  });
});
