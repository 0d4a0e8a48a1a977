// `sonna-history import-voicebox` against the local stack, from a Voicebox data directory the test
// builds (voicebox.db with Voicebox's schema, and WAVs): every field and version comes in, rows
// whose audio is missing or unreadable are skipped and listed (exit 1), a second run creates nothing
// twice, and a run killed midway resumes without doubling anything.
import assert from "node:assert/strict";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { tenant, type Client } from "./support/server";
import { smallWav } from "./support/fixtures";
import { exportLink, exportZip, fetchBytes, sameBytes } from "./support/transfer";
import { apiAndFolder, cli, cliEnv, cliKilledAfter, cliSignalledAfter } from "./support/cli";
import { makeVoiceboxDataDir, type VoiceboxGenerationRow } from "./support/voicebox";

const stack = apiAndFolder("sonna-voicebox-");

const NARRATOR = "0b4a1c9e-1111-4c1e-9a1b-000000000001";
const MORGAN = "0b4a1c9e-1111-4c1e-9a1b-000000000002";
const vbId = (n: number) => `6f1d2e3c-2222-4a5b-8c9d-${String(n).padStart(12, "0")}`;

/**
 * A data directory with: a generation with three versions (clean `original`, a default processed
 * one whose chain has a disabled effect, one under a `data/` path); a row from before versions at an
 * absolute path of another machine (found by file name) and one at a Windows path with a `data`
 * folder; a failed row; a row whose WAV is missing; one whose file is not a WAV; one whose processed
 * version's WAV is missing; and a second take of the first text.
 */
async function voiceboxDir(name: string) {
  const wav = await Promise.all([1_000, 1_100, 1_200, 1_300, 1_400, 1_500, 1_600, 1_700].map((frames) => smallWav(frames)));
  const [clean, processed, warm, mac, windows, lone, again, fBase] = wav as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const generations: VoiceboxGenerationRow[] = [
    {
      id: vbId(1),
      profile_id: NARRATOR,
      text: "Welcome to the lighthouse",
      audio_path: "generations/g1_processed.wav",
      seed: 42,
      instruct: "calm and slow",
      engine: "qwen",
      model_size: "1.7B",
      is_favorited: true,
      created_at: "2025-03-01 10:11:12.345678",
      versions: [
        { id: vbId(101), label: "original", audio_path: "generations/g1.wav", is_default: false, created_at: "2025-03-01 10:11:12.400000" },
        {
          id: vbId(102),
          label: "version-2",
          audio_path: "generations/g1_processed.wav",
          effects_chain: [
            { type: "reverb", enabled: true, params: { room_size: 0.5 } },
            { type: "compressor", enabled: false, params: { ratio: 4 } },
          ],
          is_default: true,
          created_at: "2025-03-01 10:11:13.000000",
        },
        { id: vbId(103), label: "warm", audio_path: "data/generations/g1_warm.wav", effects_chain: [{ type: "eq", params: { low: 2 } }], created_at: "2025-03-02 09:00:00.000000" },
      ],
    },
    { id: vbId(2), profile_id: MORGAN, text: "Ein Satz auf Deutsch", language: "de", engine: "chatterbox", audio_path: "/Users/someone/Library/Application Support/sh.voicebox.app/generations/g2.wav", created_at: "2025-03-03 08:00:00.000001" },
    { id: vbId(3), profile_id: MORGAN, text: "From a Windows machine", audio_path: "C:\\Users\\x\\AppData\\Roaming\\voicebox\\data\\generations\\g3.wav", created_at: "2025-03-04T08:00:00" },
    { id: vbId(4), profile_id: NARRATOR, text: "This one ran out of memory", audio_path: null, status: "failed", error: "CUDA out of memory", seed: 7, created_at: "2025-03-05 08:00:00.000000" },
    { id: vbId(5), profile_id: NARRATOR, text: "My file was deleted", audio_path: "generations/gone.wav", created_at: "2025-03-06 08:00:00.000000" },
    { id: vbId(6), profile_id: NARRATOR, text: "My file is not audio", audio_path: "generations/notes.wav", created_at: "2025-03-07 08:00:00.000000" },
    {
      id: vbId(7),
      profile_id: NARRATOR,
      text: "A version went missing",
      audio_path: "generations/g7.wav",
      created_at: "2025-03-08 08:00:00.000000",
      versions: [
        { id: vbId(701), label: "original", audio_path: "generations/g7.wav", is_default: true, created_at: "2025-03-08 08:00:00.100000" },
        { id: vbId(702), label: "bright", audio_path: "generations/g7_bright.wav", effects_chain: [{ type: "eq", params: { high: 3 } }], created_at: "2025-03-08 08:01:00.000000" },
      ],
    },
    { id: vbId(8), profile_id: NARRATOR, text: "Welcome to the lighthouse", audio_path: "generations/g8.wav", created_at: "2025-03-09 08:00:00.000000" },
  ];
  const path = join(stack.dir, name);
  await makeVoiceboxDataDir(
    path,
    {
      profiles: [
        { id: NARRATOR, name: "Narrator", description: "Warm and low", language: "en" },
        { id: MORGAN, name: "Morgan", language: "de" },
      ],
      generations,
    },
    {
      "generations/g1.wav": clean,
      "generations/g1_processed.wav": processed,
      "generations/g1_warm.wav": warm,
      "generations/g2.wav": mac,
      "generations/g3.wav": windows,
      "generations/notes.wav": new TextEncoder().encode("shopping list, not audio"),
      "generations/g7.wav": lone,
      "generations/g8.wav": again,
    },
  );
  return { path, wav: { clean, processed, warm, mac, windows, lone, again, fBase } };
}

async function history(t: Client) {
  const res = await t.json("/history?limit=200&sort=asc");
  assert.equal(res.status, 200);
  return res.body.items as any[];
}

/**
 * The history's size once an import the killed CLI had already sent has finished on the server
 * (it goes on without its client): read again a second later until it stays the same.
 */
async function settledCount(t: Client): Promise<number> {
  for (let count = (await history(t)).length; ; ) {
    await new Promise((done) => setTimeout(done, 1_000));
    const now = (await history(t)).length;
    if (now === count) return now;
    count = now;
  }
}

const IMPORTED_TEXTS = ["Welcome to the lighthouse", "Ein Satz auf Deutsch", "From a Windows machine", "This one ran out of memory", "A version went missing", "Welcome to the lighthouse"];

test("import-voicebox brings in profiles, generations and versions as they were, and lists what it skipped", async () => {
  const { path, wav } = await voiceboxDir("full");
  const t = await tenant(stack.api);
  const run = await cli(["import-voicebox", path, "--json"], cliEnv(stack.api, t));
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /import-voicebox: 6 imported, 0 already imported, 3 skipped, 0 failed/);
  assert.match(run.stderr, /skipped: .*My file was deleted.*gone\.wav is missing/);
  assert.match(run.stderr, /skipped: .*My file is not audio.*not a WAV file/);
  assert.match(run.stderr, /skipped: .*A version went missing.*version "bright".*g7_bright\.wav is missing/);
  assert.equal(JSON.parse(run.stdout).imported.length, 6);

  const profiles = (await t.json("/profiles")).body.items as any[];
  assert.deepEqual(profiles.map((p) => [p.name, p.description, p.language]).sort(), [["Morgan", null, "de"], ["Narrator", "Warm and low", "en"]]);
  const items = await history(t);
  assert.deepEqual(items.map((g) => g.text), ["Welcome to the lighthouse", "Ein Satz auf Deutsch", "From a Windows machine", "A version went missing", "Welcome to the lighthouse", "This one ran out of memory"]);
  const [first, german, windows, partial, secondTake, failed] = items;

  const narrator = profiles.find((p) => p.name === "Narrator").id;
  assert.equal(first.profile_id, narrator);
  assert.equal(first.created_at, "2025-03-01T10:11:12.345Z");
  assert.deepEqual([first.seed, first.instruct, first.engine, first.model_size, first.status, first.error, first.is_favorited], [42, "calm and slow", "qwen", "1.7B", "completed", null, true]);
  const versions = Object.fromEntries(first.versions.map((v: any) => [v.label, v]));
  assert.deepEqual(Object.keys(versions).sort(), ["original", "version-2", "warm"]);
  assert.deepEqual(versions.original.effects_chain, []);
  assert.equal(versions.original.audio_path, first.audio_path, "the clean take is the generation's own audio");
  assert.deepEqual(versions["version-2"].effects_chain, [{ type: "reverb", params: { room_size: 0.5 } }], "the disabled effect is dropped");
  assert.deepEqual(versions.warm.effects_chain, [{ type: "eq", params: { low: 2 } }]);
  assert.equal(first.default_version_id, versions["version-2"].id, "the same default");
  const exported = await exportZip(t, first.id);
  sameBytes(exported.entries["audio.wav"]!, wav.clean, "original");
  sameBytes((await fetchBytes((await exportLink(t, first.id, "export-audio")).url)).bytes, wav.processed, "default audio");
  const warmFile = exported.manifest.versions.find((v: any) => v.label === "warm").file;
  sameBytes(exported.entries[warmFile]!, wav.warm, "the data/-prefixed version");

  assert.deepEqual([german.language, german.engine, german.created_at, german.profile_id === narrator], ["de", "chatterbox", "2025-03-03T08:00:00.000Z", false]);
  sameBytes((await exportZip(t, german.id)).entries["audio.wav"]!, wav.mac, "re-anchored by file name");
  sameBytes((await exportZip(t, windows.id)).entries["audio.wav"]!, wav.windows, "re-anchored after its data folder");
  assert.deepEqual(partial.versions.map((v: any) => v.label), ["original"], "imported without its missing version");
  sameBytes((await exportZip(t, secondTake.id)).entries["audio.wav"]!, wav.again, "a second take of the same text is its own generation");
  assert.deepEqual([failed.status, failed.error, failed.seed], ["failed", "CUDA out of memory", 7]);

  const again = await cli(["import-voicebox", path], cliEnv(stack.api, t));
  assert.equal(again.code, 1, "the skipped rows are still reported");
  assert.match(again.stderr, /import-voicebox: 0 imported, 6 already imported, 3 skipped, 0 failed/);
  assert.match(again.stderr, /skipped: .*A version went missing.*version "bright"/, "what an earlier run left out is listed again");
  assert.equal((await history(t)).length, 6);
  assert.equal(((await t.json("/profiles")).body.items as any[]).length, 2);
});

test("an import killed midway resumes: the second run brings in the rest, nothing twice", async () => {
  const { path } = await voiceboxDir("killed");
  const t = await tenant(stack.api);
  const env = cliEnv(stack.api, t);
  const partial = await cliKilledAfter(["import-voicebox", path], env, /^import-voicebox \d+\/\d+: .* -> /, 2);
  assert.doesNotMatch(partial, /import-voicebox: \d+ imported/, "killed before its summary");
  const before = await settledCount(t);
  assert.ok(before >= 2 && before < 6, `${before} imported before the kill`);

  const resumed = await cli(["import-voicebox", path], env);
  assert.equal(resumed.code, 1, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`import-voicebox: ${6 - before} imported, ${before} already imported, 3 skipped`));
  assert.deepEqual((await history(t)).map((g) => g.text).sort(), [...IMPORTED_TEXTS].sort());
});

test("a folder without voicebox.db, or no folder at all, is a usage error", async () => {
  const t = await tenant(stack.api);
  const empty = join(stack.dir, "empty");
  await makeVoiceboxDataDir(empty, { profiles: [], generations: [] }, {});
  await rm(join(empty, "voicebox.db"));
  await writeFile(join(stack.dir, "not-a-db"), "plain text");
  for (const args of [["import-voicebox"], ["import-voicebox", empty], ["import-voicebox", join(stack.dir, "missing")]]) {
    const run = await cli(args, cliEnv(stack.api, t));
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
  }
  const garbage = join(stack.dir, "garbage");
  await makeVoiceboxDataDir(garbage, { profiles: [], generations: [] }, { "voicebox.db": new TextEncoder().encode("not sqlite at all") });
  const refused = await cli(["import-voicebox", garbage], cliEnv(stack.api, t));
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /Cannot read voicebox\.db/);
});

test("rows whose profile is missing or refused are skipped and listed; the others still come in", async () => {
  const path = join(stack.dir, "profiles");
  const wav = await smallWav(800);
  await makeVoiceboxDataDir(
    path,
    {
      profiles: [
        { id: NARRATOR, name: "Narrator" },
        { id: MORGAN, name: "x".repeat(201) },
      ],
      generations: [
        { id: vbId(1), profile_id: NARRATOR, text: "Fine", audio_path: "generations/a.wav", created_at: "2025-04-01 00:00:00" },
        { id: vbId(2), profile_id: MORGAN, text: "Refused profile", audio_path: "generations/a.wav", created_at: "2025-04-02 00:00:00" },
        { id: vbId(3), profile_id: "gone", text: "No profile row", audio_path: "generations/a.wav", created_at: "2025-04-03 00:00:00" },
      ],
    },
    { "generations/a.wav": wav },
  );
  const t = await tenant(stack.api);
  const run = await cli(["import-voicebox", path], cliEnv(stack.api, t));
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /skipped: .*Refused profile.*its profile could not be created: 400 request.invalid: name/);
  assert.match(run.stderr, /skipped: .*No profile row.*its profile gone is not in voicebox\.db/);
  assert.match(run.stderr, /import-voicebox: 1 imported, 0 already imported, 2 skipped, 0 failed/);
  assert.deepEqual((await history(t)).map((g) => g.text), ["Fine"]);
});

test("profiles are matched by what they hold (a rename here changes nothing), else by name in any case; a row without a language takes its profile's", async () => {
  const path = join(stack.dir, "renamed");
  const wav = await smallWav(800);
  await makeVoiceboxDataDir(
    path,
    {
      profiles: [
        { id: NARRATOR, name: "NARRATOR", language: "en" },
        { id: MORGAN, name: "Bulk", language: "de" },
      ],
      generations: [
        { id: vbId(1), profile_id: NARRATOR, text: "Shouted name", audio_path: "generations/a.wav", created_at: "2025-04-01 00:00:00" },
        { id: vbId(2), profile_id: MORGAN, text: "Ohne Sprache", language: null, audio_path: "generations/a.wav", created_at: "2025-04-02 00:00:00" },
        { id: vbId(3), profile_id: MORGAN, text: "Auch ohne Sprache", language: null, audio_path: null, status: "failed", error: "boom", created_at: "2025-04-03 00:00:00" },
      ],
    },
    { "generations/a.wav": wav },
  );
  const t = await tenant(stack.api);
  const narrator = (await t.json("/profiles", { method: "POST", body: { name: "Narrator" } })).body;
  const env = cliEnv(stack.api, t);
  const first = await cli(["import-voicebox", path], env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /import-voicebox: 3 imported, 0 already imported, 0 skipped, 0 failed/);
  const items = await history(t);
  assert.equal(items.find((g) => g.text === "Shouted name").profile_id, narrator.id, "NARRATOR is the tenant's Narrator");
  assert.deepEqual(items.filter((g) => g.text !== "Shouted name").map((g) => g.language), ["de", "de"], "the profile's language, not en");

  const bulk = ((await t.json("/profiles")).body.items as any[]).find((p) => p.name === "Bulk");
  assert.equal((await t.json(`/profiles/${bulk.id}`, { method: "PATCH", body: { name: "Bulk (old)" } })).status, 200);
  assert.equal((await t.json(`/profiles/${narrator.id}`, { method: "PATCH", body: { name: "Storyteller" } })).status, 200);
  const again = await cli(["import-voicebox", path], env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /import-voicebox: 0 imported, 3 already imported/);
  assert.equal((await history(t)).length, 3);
  assert.deepEqual(((await t.json("/profiles")).body.items as any[]).map((p) => p.name).sort(), ["Bulk (old)", "Storyteller"], "no profile created again");
});

test("a WAV the service cannot read is skipped under its Voicebox path; --json names every row by voicebox_id; Ctrl-C reports what was done", async () => {
  const path = join(stack.dir, "corrupt");
  const broken = new Uint8Array(await smallWav(500));
  broken.set(new TextEncoder().encode("junk"), 12); // RIFF/WAVE, but no fmt chunk
  await makeVoiceboxDataDir(
    path,
    {
      profiles: [{ id: NARRATOR, name: "Narrator" }],
      generations: [
        { id: vbId(1), profile_id: NARRATOR, text: "Broken header", audio_path: "generations/broken.wav", created_at: "2025-05-01 00:00:00" },
        { id: vbId(2), profile_id: NARRATOR, text: "Gone", audio_path: "generations/gone.wav", created_at: "2025-05-02 00:00:00" },
        { id: vbId(3), profile_id: NARRATOR, text: "Fine", audio_path: "generations/fine.wav", created_at: "2025-05-03 00:00:00" },
      ],
    },
    { "generations/broken.wav": broken, "generations/fine.wav": await smallWav(600) },
  );
  const t = await tenant(stack.api);
  const run = await cli(["import-voicebox", path, "--json"], cliEnv(stack.api, t));
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /import-voicebox: 1 imported, 0 already imported, 2 skipped, 0 failed/);
  assert.match(run.stderr, /skipped: .*Broken header.*generations\/broken\.wav is not a readable WAV/);
  const report = JSON.parse(run.stdout);
  assert.deepEqual(report.skipped.map((row: { voicebox_id: string }) => row.voicebox_id), [vbId(1), vbId(2)]);
  assert.match(report.skipped[0].reason, /broken\.wav/);
  assert.deepEqual(report.failed, []);

  const { path: many } = await voiceboxDir("interrupted");
  const other = await tenant(stack.api);
  const interrupted = await cliSignalledAfter(["import-voicebox", many, "--json"], cliEnv(stack.api, other), /^import-voicebox \d+\/\d+: .* -> /, 1, "SIGINT");
  assert.equal(interrupted.code, 130, interrupted.stderr);
  assert.match(interrupted.stderr, /import-voicebox: \d+ imported, .*\(interrupted: run it again for the rest\)/);
  const partial = JSON.parse(interrupted.stdout);
  assert.equal(partial.interrupted, true);
  assert.equal(partial.imported.length, (await history(other)).length, "the report lists what is in");
});
