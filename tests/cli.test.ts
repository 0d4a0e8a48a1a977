// The sonna-history CLI against the local stack: each command's table and --json output, the
// configuration from flags or the environment, and the exit codes (0 done, 1 items failed, 2 usage
// or connection errors).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { createSonnaClient } from "@sonna/history-client";
import { tenant } from "./support/server";
import { createCompleted, createProfile, smallWav } from "./support/fixtures";
import { apiAndFolder, cli, cliBin, cliEnv } from "./support/cli";

const stack = apiAndFolder("sonna-cli-");

/** A tenant with a profile and two completed generations, and the CLI's environment for it. */
async function seeded() {
  const t = await tenant(stack.api);
  const profile = await createProfile(t, "Narrator");
  const wav = await smallWav(1_000);
  const hello = await createCompleted(t, profile.id, { text: "Hello from the CLI", wav, tags: ["greeting"] });
  const bye = await createCompleted(t, profile.id, { text: "Goodbye for now", wav });
  return { t, profile, hello, bye, wav, env: cliEnv(stack.api, t) };
}

test("ls and search print a table, or JSON with --json; filters and --limit apply", async () => {
  const { env, hello, bye } = await seeded();
  const listed = await cli(["ls"], env);
  assert.equal(listed.code, 0, listed.stderr);
  const lines = listed.stdout.trim().split("\n");
  assert.match(lines[0]!, /^ID\s+CREATED\s+STATUS/);
  assert.deepEqual(lines.slice(1).map((line) => line.split(/\s+/)[0]), [bye.id, hello.id]);
  assert.match(listed.stdout, /Narrator/);

  const found = await cli(["search", "hello", "--json"], env);
  assert.equal(found.code, 0, found.stderr);
  assert.deepEqual(JSON.parse(found.stdout).map((g: { id: string }) => g.id), [hello.id]);
  const tagged = await cli(["ls", "--tag", "greeting", "--json"], env);
  assert.deepEqual(JSON.parse(tagged.stdout).map((g: { id: string }) => g.id), [hello.id]);
  const limited = await cli(["ls", "--limit", "1", "--json"], env);
  assert.deepEqual(JSON.parse(limited.stdout).map((g: { id: string }) => g.id), [bye.id]);
});

test("get, stats and download; --url and --token stand in for the environment", async () => {
  const { t, hello, wav } = await seeded();
  const flags = ["--url", stack.api.baseUrl, "--token", t.token];
  const one = await cli(["get", hello.id, "--json", ...flags]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(JSON.parse(one.stdout).text, "Hello from the CLI");
  assert.match((await cli(["get", hello.id, ...flags])).stdout, /^text: Hello from the CLI$/m);

  const stats = await cli(["stats", "--json", ...flags]);
  assert.equal(JSON.parse(stats.stdout).total_generations, 2);
  assert.match((await cli(["stats", ...flags])).stdout, /^generations: 2 \(pending 0, completed 2, failed 0\)/m);

  const out = join(stack.dir, "audio");
  const downloaded = await cli(["download", hello.id, "--out", out, ...flags]);
  assert.equal(downloaded.code, 0, downloaded.stderr);
  const [file] = await readdir(out);
  assert.deepEqual(new Uint8Array(await readFile(join(out, file!))), wav);
  assert.match(downloaded.stderr, /download: 1 done, 0 failed/);
});

test("export writes the job's ZIP parts; import brings archives back; failed items exit 1 and the rest go on", async () => {
  const { env, hello, bye } = await seeded();
  const out = join(stack.dir, "exports");
  const exported = await cli(["export", hello.id, bye.id, "--out", out], env);
  assert.equal(exported.code, 0, exported.stderr);
  const [zip] = await readdir(out);
  assert.match(zip!, /\.zip$/);

  // One generation's export (a bulk export's parts are split by the CLI: see the test below).
  const single = join(stack.dir, "hello.zip");
  await createSonnaClient({ baseUrl: stack.api.baseUrl, token: env.SONNA_TOKEN }).download({ archive: hello.id }, single);
  const other = await tenant(stack.api);
  const otherEnv = cliEnv(stack.api, other);
  const broken = join(stack.dir, "broken.zip");
  await writeFile(broken, "not a zip");
  const imported = await cli(["import", single, broken, join(stack.dir, "missing.zip"), "--json"], otherEnv);
  assert.equal(imported.code, 1, imported.stderr);
  assert.match(imported.stderr, /import: 1 done, 2 failed/);
  assert.match(imported.stderr, /broken\.zip: 422/);
  assert.match(imported.stderr, /cannot read .*missing\.zip/);
  assert.deepEqual(JSON.parse(imported.stdout).map((g: { text: string }) => g.text), ["Hello from the CLI"]);

  const missing = await cli(["export", "0".repeat(26), hello.id, "--out", join(stack.dir, "partial")], env);
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /no such generation/);
  assert.equal((await cli(["get", "nope"], env)).code, 1);
});

test("usage, configuration and connection errors exit 2", async () => {
  const { env } = await seeded();
  for (const args of [[], ["frobnicate"], ["ls", "--bogus"], ["ls", "--status", "weird"], ["ls", "--limit", "0"], ["get"], ["import"]]) {
    const run = await cli(args, env);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, /Usage: sonna-history/);
  }
  assert.equal((await cli(["ls"])).code, 2, "no URL or token");
  assert.equal((await cli(["ls"], { ...env, SONNA_TOKEN: "not-a-token" })).code, 2, "refused token");
  const unreachable = await cli(["ls"], { ...env, SONNA_API_URL: "http://127.0.0.1:9" });
  assert.equal(unreachable.code, 2);
  assert.match(unreachable.stderr, /Cannot reach the API/);
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
});

test("the bin runs: `npx sonna-history --help`", async () => {
  const { stdout } = await promisify(execFile)(cliBin, ["--help"]);
  assert.match(stdout, /^Usage: sonna-history <command>/);
});

test("download names files from text and id and never replaces a file unless --force; exports keep earlier ones", async () => {
  const { t, profile, env, hello } = await seeded();
  const [one, two] = await Promise.all([smallWav(700), smallWav(800)]);
  const a = await createCompleted(t, profile.id, { text: "Hello there", wav: one });
  const b = await createCompleted(t, profile.id, { text: "Hello there", wav: two });
  const out = join(stack.dir, "same-text");
  const both = await cli(["download", a.id, b.id, "--out", out], env);
  assert.equal(both.code, 0, both.stderr);
  const files = (await readdir(out)).sort();
  assert.deepEqual(files, [`generation-hello-there-${a.id}.wav`, `generation-hello-there-${b.id}.wav`].sort());
  assert.deepEqual(new Uint8Array(await readFile(join(out, `generation-hello-there-${b.id}.wav`))), two);

  const mine = join(out, `generation-hello-there-${a.id}.wav`);
  await writeFile(mine, "the user's own file");
  const again = await cli(["download", a.id, "--out", out], env);
  assert.equal(again.code, 1, again.stderr);
  assert.match(again.stderr, /exists already; --force replaces it/);
  assert.equal(await readFile(mine, "utf8"), "the user's own file");
  assert.equal((await cli(["download", a.id, "--out", out, "--force"], env)).code, 0);
  assert.deepEqual(new Uint8Array(await readFile(mine)), one);

  const exports = join(stack.dir, "two-exports");
  assert.equal((await cli(["export", hello.id, "--out", exports], env)).code, 0);
  assert.equal((await cli(["export", a.id, "--out", exports], env)).code, 0);
  assert.equal((await readdir(exports)).filter((f) => f.endsWith(".zip")).length, 2, "the second export keeps the first's parts");
});

test("import takes an export's parts: every generation in them comes back", async () => {
  const { env, hello, bye, profile } = await seeded();
  const out = join(stack.dir, "bulk");
  assert.equal((await cli(["export", "--profile", profile.id, "--out", out], env)).code, 0);
  const [part] = await readdir(out);
  const other = await tenant(stack.api);
  const imported = await cli(["import", join(out, part!), "--json"], cliEnv(stack.api, other));
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stderr, /import: 2 done, 0 failed/);
  const texts = JSON.parse(imported.stdout).map((g: { text: string }) => g.text).sort();
  assert.deepEqual(texts, [hello.text, bye.text].sort());
  const profiles = (await other.json("/profiles")).body.items as { name: string }[];
  assert.deepEqual(profiles.map((p) => p.name), ["Narrator"], "into the exported profile's name");
});
