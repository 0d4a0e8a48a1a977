// `sonna-history backup` against the local stack: the first run mirrors the whole history (a folder
// per profile, a WAV and a JSON sidecar per generation, versions beside it); after creates, deletes,
// a favourite, a new and a deleted version, a renamed profile and a restore from the trash, the next run fetches only what changed and the
// mirror matches the service exactly; a killed run resumes; an expired cursor means a full compare.
import assert from "node:assert/strict";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { tenant, type Tenant } from "./support/server";
import { createCompleted, createPending, createProfile, failGeneration, putSettings, smallWav } from "./support/fixtures";
import { addVersion, exportZip, sameBytes } from "./support/transfer";
import { poll } from "./support/feed";
import { apiAndFolder, cli, cliEnv, cliKilledAfter } from "./support/cli";

const stack = apiAndFolder("sonna-backup-");

async function backup(t: Tenant, folder: string) {
  const run = await cli(["backup", folder, "--json"], cliEnv(stack.api, t));
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as { full: boolean; fetched: string[]; updated: string[]; removed: string[]; failed: string[] };
}

/** Every file under the backup, by path relative to it, with its bytes. */
async function filesOf(folder: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(join(entry.parentPath, entry.name).slice(folder.length + 1), new Uint8Array(await readFile(join(entry.parentPath, entry.name))));
  }
  return files;
}

/**
 * The backup holds exactly the service's history: per profile a folder with profile.json, per
 * generation a sidecar equal to GET /history/{id} (less its presigned URL and the profile's name),
 * its original audio and each processed version's, byte for byte; nothing else but the cursor.
 */
async function assertMirrors(t: Tenant, folder: string) {
  const files = await filesOf(folder);
  const expected = new Set([".sonna-backup.json"]);
  const profiles = (await t.json("/profiles")).body.items as any[];
  for (const profile of profiles) {
    const profileFolder = [...files.keys()].find((f) => f.endsWith(`-${profile.id}/profile.json`));
    assert.ok(profileFolder, `a folder for ${profile.name}`);
    assert.deepEqual(JSON.parse(Buffer.from(files.get(profileFolder)!).toString()), profile);
    expected.add(profileFolder);
  }
  const listed = (await t.json("/history?limit=200")).body.items as any[];
  for (const { id } of listed) {
    // audio_archived is a detail-only field (lists and the feed leave it out), as the URL is.
    const { audio_url: _url, audio_url_expires_at: _expires, profile_name: _name, audio_archived: _archived, ...generation } = (await t.json(`/history/${id}`)).body;
    const sidecar = [...files.keys()].find((f) => f.endsWith(`-${id}.json`));
    assert.ok(sidecar, `a sidecar for ${id}`);
    assert.deepEqual(JSON.parse(Buffer.from(files.get(sidecar)!).toString()), generation, `sidecar of ${id}`);
    expected.add(sidecar);
    if (generation.status !== "completed") continue;
    const { entries, manifest } = await exportZip(t, id);
    const wav = sidecar.replace(/\.json$/, ".wav");
    sameBytes(files.get(wav) ?? new Uint8Array(), entries["audio.wav"]!, `${id} original`);
    expected.add(wav);
    for (const version of manifest.versions.filter((v: any) => v.file !== "audio.wav")) {
      const file = [...files.keys()].find((f) => f.endsWith(`-${version.id}.wav`));
      assert.ok(file?.startsWith(sidecar.replace(/\.json$/, ".")), `version ${version.label} beside its generation`);
      sameBytes(files.get(file!)!, entries[version.file]!, `${id} version ${version.label}`);
      expected.add(file!);
    }
  }
  assert.deepEqual([...files.keys()].sort(), [...expected].sort(), "no other files");
}

async function seeded() {
  const t = await tenant(stack.api);
  await putSettings(t, { trash_days: 7 });
  const profile = await createProfile(t, "Narrator");
  const other = await createProfile(t, "Morgan");
  const [one, two, three] = await Promise.all([1_000, 1_100, 1_200].map((frames) => smallWav(frames)));
  const hello = await createCompleted(t, profile.id, { text: "Hello, world! Ça va?", wav: one });
  const bye = await createCompleted(t, profile.id, { text: "Goodbye for now", wav: two });
  const third = await createCompleted(t, other.id, { text: "Ein dritter Satz", wav: three });
  const warm = await addVersion(t, hello.id, "Warm take", [{ type: "eq", params: { low: 2 } }], two!);
  const pending = await createPending(t, other.id, { text: "Not uploaded yet" });
  const failed = await createPending(t, other.id, { text: "This one failed" });
  await failGeneration(t, failed.generation.id);
  return { t, profile, other, hello, bye, third, pending, warm, wav: one! };
}

test("backup mirrors the history; the next run fetches only what changed and the mirror still matches", async () => {
  const { t, profile, hello, bye, third, warm, wav } = await seeded();
  const folder = join(stack.dir, "mirror");
  const first = await backup(t, folder);
  assert.equal(first.full, true);
  assert.deepEqual(first.fetched.sort(), [hello.id, bye.id, third.id].sort(), "the completed ones' audio");
  await assertMirrors(t, folder);
  const helloFiles = [...(await filesOf(folder)).keys()].filter((f) => f.includes(hello.id));
  assert.ok(helloFiles.some((f) => /Narrator|narrator-/.test(f) && /hello-world-ca-va-.*\.wav$/.test(f)), `named from the text: ${helloFiles}`);
  assert.ok(helloFiles.some((f) => /\.warm-take-[0-9a-f-]+\.wav$/.test(f)), `the version beside it: ${helloFiles}`);

  const unchanged = await backup(t, folder);
  assert.deepEqual([unchanged.full, unchanged.fetched, unchanged.updated, unchanged.removed], [false, [], [], []]);

  const created = await createCompleted(t, profile.id, { text: "A new one", wav });
  assert.equal((await t.json(`/history/${bye.id}`, { method: "DELETE" })).status < 300, true);
  assert.equal((await t.json(`/history/${third.id}/favorite`, { method: "PUT", body: { is_favorited: true } })).status, 200);
  await addVersion(t, hello.id, "Bright", [{ type: "reverb", params: {} }], await smallWav(900));
  assert.equal((await t.json(`/history/${hello.id}/versions/${warm}`, { method: "DELETE" })).status < 300, true);
  assert.equal((await t.json(`/profiles/${profile.id}`, { method: "PATCH", body: { name: "Storyteller" } })).status, 200);

  const next = await backup(t, folder);
  assert.equal(next.full, false);
  assert.deepEqual(next.fetched.sort(), [created.id, hello.id].sort(), "only the new generation, and the one whose versions changed");
  assert.ok(![...(await filesOf(folder)).keys()].some((f) => f.includes(warm)), "the deleted version's file is gone");
  assert.deepEqual(next.updated, [third.id], "a favourite rewrites the sidecar only");
  assert.deepEqual(next.removed, [bye.id]);
  await assertMirrors(t, folder);
  assert.ok([...(await filesOf(folder)).keys()].some((f) => f.startsWith(`storyteller-${profile.id}/`)), "the renamed profile's folder");

  // The deleted one went to the trash; restored, it comes back.
  assert.equal((await t.json(`/history/trash/${bye.id}/restore`, { method: "POST" })).status, 200);
  const restored = await backup(t, folder);
  assert.deepEqual([restored.fetched, restored.updated, restored.removed], [[bye.id], [], []]);
  await assertMirrors(t, folder);
});

test("a backup killed midway resumes without fetching twice; an expired cursor means a full compare", async () => {
  const { t, hello, bye, third } = await seeded();
  const folder = join(stack.dir, "killed");
  const env = cliEnv(stack.api, t);
  await cliKilledAfter(["backup", folder], env, /^backup \d+\/\d+: fetched /, 1);
  const completed = [hello.id, bye.id, third.id];
  const kept = [...(await filesOf(folder)).keys()];
  const done = completed.filter((id) => kept.some((f) => f.endsWith(`-${id}.json`)));
  assert.ok(done.length >= 1, "the killed run wrote what it reported");
  const resumed = await backup(t, folder);
  assert.equal(resumed.full, true, "no cursor was saved");
  assert.deepEqual(resumed.fetched.sort(), completed.filter((id) => !done.includes(id)).sort(), "only what the killed run had not written");
  await assertMirrors(t, folder);

  // A cursor older than the feed keeps: the run compares the whole history and fetches nothing it has.
  const u = JSON.parse(Buffer.from((await poll(t, "?from=now")).next_cursor, "base64url").toString()).u;
  const old = Buffer.from(JSON.stringify({ s: 0, t: Date.now() - 40 * 86_400_000, u })).toString("base64url");
  await writeFile(join(folder, ".sonna-backup.json"), JSON.stringify({ cursor: old }));
  await rm(join(folder, [...(await filesOf(folder)).keys()].find((f) => f.endsWith(`-${bye.id}.json`))!));
  const run = await cli(["backup", folder, "--json"], env);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /no longer reaches this backup's cursor/);
  const report = JSON.parse(run.stdout);
  assert.deepEqual([report.full, report.fetched], [true, [bye.id]], "only the generation whose sidecar was gone");
  await assertMirrors(t, folder);
});

test("backup needs exactly one folder: not a file, not another account's backup", async () => {
  const t = await tenant(stack.api);
  assert.equal((await cli(["backup"], cliEnv(stack.api, t))).code, 2);
  assert.equal((await cli(["backup", "a", "b"], cliEnv(stack.api, t))).code, 2);
  const file = join(stack.dir, "a-file");
  await writeFile(file, "mine");
  const onFile = await cli(["backup", file], cliEnv(stack.api, t));
  assert.equal(onFile.code, 2);
  assert.match(onFile.stderr, /a-file is a file, not a folder/);

  const folder = join(stack.dir, "alice");
  await backup(t, folder);
  const before = await filesOf(folder);
  const other = await tenant(stack.api);
  const run = await cli(["backup", folder, "--json"], cliEnv(stack.api, other));
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /holds another account's backup.*nothing was changed/);
  assert.equal(JSON.parse(run.stdout).error.code, "config");
  assert.deepEqual(await filesOf(folder), before);
});
