// Every kind of write the issue names shows in the change feed: tags and notes, versions, trash,
// restore and purge, imports, retention, profile renames. The mirror kept from the feed matches a
// full list after each.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { applyRetention } from "@sonna/core/maintenance/retention";
import { drain, type Change } from "./support/feed";
import { startApi, tenant, type Api, type Tenant } from "./support/server";
import { createCompleted, createProfile, oldGeneration, putSettings, smallWav } from "./support/fixtures";
import { addVersion, exportZip, importInRequest, importLarge } from "./support/transfer";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

/** A tenant and a feed cursor taken before anything of the step happened. */
class Feed {
  private constructor(
    readonly t: Tenant,
    private cursor: string,
  ) {}
  static async start(t: Tenant) {
    const res = await t.json("/history/changes?from=now");
    return new Feed(t, res.body.next_cursor);
  }
  /** The changes since the last call, as `type id` strings, and their data. */
  async since(): Promise<Change[]> {
    const { changes, cursor } = await drain(this.t, this.cursor, 50);
    this.cursor = cursor;
    return changes;
  }
}

const summary = (changes: Change[]) => changes.map((c) => `${c.type} ${c.id}`);

describe("the change feed shows every kind of write", () => {
  test("tags and notes, versions, a rename", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const g = await createCompleted(t, profile.id);
    const feed = await Feed.start(t);

    assert.equal((await t.json(`/history/${g.id}`, { method: "PATCH", body: { tags: ["Draft", "intro"], note: "take two" } })).status, 200);
    const tagged = await feed.since();
    assert.deepEqual(summary(tagged), [`generation.upserted ${g.id}`]);
    assert.deepEqual(tagged[0]!.data.tags, ["draft", "intro"]);
    assert.equal(tagged[0]!.data.note, "take two");

    const versionId = await addVersion(t, g.id, "bright", [], await smallWav(2_000));
    assert.equal((await t.json(`/history/${g.id}/versions/${versionId}/default`, { method: "PUT" })).status, 200);
    const versions = await feed.since();
    assert.ok(versions.length >= 2 && versions.every((c) => c.type === "generation.upserted" && c.id === g.id));
    assert.equal(versions.at(-1)!.data.default_version_id, versionId);
    assert.equal((await t.json(`/history/${g.id}/versions/${versionId}`, { method: "DELETE" })).status, 200);
    assert.equal((await feed.since()).at(-1)!.data.versions.length, 1);

    assert.equal((await t.json(`/profiles/${profile.id}`, { method: "PATCH", body: { name: "New name" } })).status, 200);
    const renamed = await feed.since();
    assert.deepEqual(summary(renamed), [`profile.upserted ${profile.id}`]);
    assert.equal(renamed[0]!.data.name, "New name");
  });

  test("trash, restore and purge", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    await putSettings(t, { trash_days: 7 });
    const g = await createCompleted(t, profile.id);
    const feed = await Feed.start(t);

    assert.equal((await t.json(`/history/${g.id}`, { method: "DELETE" })).status, 204);
    assert.deepEqual(summary(await feed.since()), [`generation.deleted ${g.id}`]);
    const restored = await t.json(`/history/trash/${g.id}/restore`, { method: "POST" });
    assert.equal(restored.status, 200);
    const back = await feed.since();
    assert.deepEqual(summary(back), [`generation.upserted ${g.id}`]);
    const { audio_url: _u, audio_url_expires_at: _e, audio_archived: _a, profile_name: _n, ...shown } = restored.body;
    assert.deepEqual(back[0]!.data, shown);
    // Purging what the mirror already deleted says nothing more.
    assert.equal((await t.json(`/history/${g.id}`, { method: "DELETE" })).status, 204);
    assert.equal((await t.json(`/history/trash/${g.id}`, { method: "DELETE" })).status, 204);
    assert.deepEqual(summary(await feed.since()), [`generation.deleted ${g.id}`]);
  });

  test("imports, in the request and large, with the profile they create", async () => {
    const source = await tenant(api);
    const original = await createCompleted(source, (await createProfile(source, "Imported voice")).id);
    const { bytes } = await exportZip(source, original.id);

    const t = await tenant(api);
    const feed = await Feed.start(t);
    const first = await importInRequest(t, bytes);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const created = await feed.since();
    assert.deepEqual(summary(created), [`profile.upserted ${first.body.profile_id}`, `generation.upserted ${first.body.id}`]);
    assert.equal(created[1]!.data.status, "completed");

    const second = await importLarge(t, bytes);
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.deepEqual(summary(await feed.since()), [`generation.upserted ${second.body.id}`]);
  });

  test("retention", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const old = await oldGeneration(t, profile.id, 40, { audio: true });
    await putSettings(t, { retention_days: 30 });
    const feed = await Feed.start(t);
    await applyRetention(t.id);
    assert.deepEqual(summary(await feed.since()), [`generation.deleted ${old.id}`]);
  });
});
