// The sonna-history CLI against the local stack: each command's table and --json output, the
// configuration from flags or the environment, and the exit codes (0 done, 1 items failed, 2 usage
// or connection errors).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { createSonnaClient } from "@sonna/history-client";
import { tenant } from "./support/server";
import { createCompleted, createPending, createProfile, smallWav } from "./support/fixtures";
import { mp3Frames } from "./support/audio-headers";
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
  const report = JSON.parse(imported.stdout);
  assert.deepEqual(report.imported.map((g: { text: string }) => g.text), ["Hello from the CLI"]);
  assert.deepEqual(report.failed.map((f: { archive: string }) => f.archive), [broken, join(stack.dir, "missing.zip")], "the failures are in the JSON too");
  assert.match(report.failed[1].error, /cannot read/);

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
    const lines = run.stderr.trim().split("\n");
    assert.equal(lines.length, 2, `one line and a pointer to the help, not the whole help: ${run.stderr}`);
    assert.match(lines[1]!, /^See sonna-history (\w+ )?--help\.$/);
  }
  assert.match((await cli(["get"], env)).stderr, /See sonna-history get --help/);
  assert.equal((await cli(["ls"])).code, 2, "no URL or token");
  assert.equal((await cli(["ls"], { ...env, SONNA_TOKEN: "not-a-token" })).code, 2, "refused token");
  const unreachable = await cli(["ls"], { ...env, SONNA_API_URL: "http://127.0.0.1:9" });
  assert.equal(unreachable.code, 2);
  assert.match(unreachable.stderr, /Cannot reach the API at http:\/\/127\.0\.0\.1:9 \(.+\); check --url/);
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
});

test("each command has its own help, with its options and examples", async () => {
  for (const name of ["ls", "search", "get", "download", "export", "import", "stats", "import-voicebox", "backup"]) {
    const help = await cli([name, "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^Usage: sonna-history ${name}`), name);
    assert.match(help.stdout, /\nExamples:\n {2}sonna-history /, name);
  }
  assert.match((await cli(["download", "--help"])).stdout, /--force/);
  assert.match((await cli(["import-voicebox", "--help"])).stdout, /deleted here .* imports it again/s);
});

test("a wrong --url exits 2 and never prints the token; with --json the error is JSON on stdout", async () => {
  const { t, env } = await seeded();
  // A server that is not the API and echoes the request, as a bucket's XML error does.
  const echo = createServer((req, res) => res.writeHead(400, { "content-type": "application/xml" }).end(`<Error><ArgumentValue>${req.headers.authorization}</ArgumentValue></Error>`));
  await new Promise<void>((done) => echo.listen(0, "127.0.0.1", done));
  try {
    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    for (const url of [echoUrl, `${stack.api.baseUrl}/api`]) {
      const run = await cli(["ls", "--json", "--url", url], env);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /did not answer as the Sonna History API.*check --url/);
      assert.ok(!run.stderr.includes(t.token) && !run.stdout.includes(t.token), "the token is not printed");
      assert.doesNotMatch(run.stderr, /Bearer ey/);
      assert.equal(JSON.parse(run.stdout).error.code, "config");
    }
  } finally {
    echo.close();
  }
  const refused = await cli(["get", "0".repeat(26), "--json"], env);
  assert.equal(refused.code, 1);
  assert.equal(JSON.parse(refused.stdout).error.code, "generation.not_found");
  const unreachable = await cli(["ls", "--json"], { ...env, SONNA_API_URL: "http://127.0.0.1:9" });
  assert.deepEqual([unreachable.code, JSON.parse(unreachable.stdout).error.code], [2, "connection"]);
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
  const again = await cli(["download", a.id, b.id, "--out", out, "--json"], env);
  assert.equal(again.code, 1, again.stderr);
  assert.match(again.stderr, /exists already; --force replaces it/);
  const report = JSON.parse(again.stdout);
  assert.deepEqual([report.downloaded, report.failed.map((f: { id: string }) => f.id)], [[], [a.id, b.id]]);
  assert.equal(await readFile(mine, "utf8"), "the user's own file");
  const forced = await cli(["download", a.id, "--out", out, "--force", "--json"], env);
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(JSON.parse(forced.stdout).downloaded, [{ id: a.id, path: mine, bytes: one.byteLength }]);
  assert.deepEqual(new Uint8Array(await readFile(mine)), one);

  const exports = join(stack.dir, "two-exports");
  assert.equal((await cli(["export", hello.id, "--out", exports], env)).code, 0);
  assert.equal((await cli(["export", a.id, "--out", exports], env)).code, 0);
  assert.equal((await readdir(exports)).filter((f) => f.endsWith(".zip")).length, 2, "the second export keeps the first's parts");
});

test("download --format transcodes (through the job the service answers for longer audio) and names the file by format", async () => {
  const { t, profile, env } = await seeded();
  // Two seconds: over the test stack's in-request transcode limit, so the service answers a job first.
  const g = await createCompleted(t, profile.id, { text: "Longer line", wav: await smallWav(48_000) });
  const out = join(stack.dir, "formats");
  const mp3 = await cli(["download", g.id, "--out", out, "--format", "mp3", "--bitrate", "96", "--json"], env);
  assert.equal(mp3.code, 0, mp3.stderr);
  const [file] = JSON.parse(mp3.stdout).downloaded as { path: string }[];
  assert.equal(file!.path, join(out, `generation-longer-line-${g.id}.mp3`));
  const frames = mp3Frames(new Uint8Array(await readFile(file!.path)));
  assert.ok(frames.length > 0 && frames.every((f) => f.bitrate === 96), "an MP3 of CBR 96 kbps");
  const bad = await cli(["download", g.id, "--out", out, "--format", "aac"], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be one of wav, flac, mp3, opus/);
  const refused = await cli(["download", g.id, "--out", out, "--format", "flac", "--bitrate", "96"], env);
  assert.equal(refused.code, 1, "the service refuses a bitrate for FLAC; the id is reported as failed");
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
  const texts = JSON.parse(imported.stdout).imported.map((g: { text: string }) => g.text).sort();
  assert.deepEqual(texts, [hello.text, bye.text].sort());
  const profiles = (await other.json("/profiles")).body.items as { name: string }[];
  assert.deepEqual(profiles.map((p) => p.name), ["Narrator"], "into the exported profile's name");
});

test("tables escape control characters; stats has a line per profile; export reports what it skipped and exits 1", async () => {
  const { t, env, profile } = await seeded();
  const hostile = await createCompleted(t, profile.id, { text: "evil \u0000 nul \u001b[31m red" });
  const listed = await cli(["ls"], env);
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(!/[\u0000\u001b]/.test(listed.stdout), "no raw control character reaches the terminal");
  assert.match(listed.stdout, /evil \\u0000 nul \\u001b\[31m red/);
  assert.match((await cli(["get", hostile.id], env)).stdout, /^text: evil \\u0000 nul/m);

  const stats = await cli(["stats"], env);
  assert.match(stats.stdout, new RegExp(`^profile Narrator \\(${profile.id}\\): 3, `, "m"));

  await createPending(t, profile.id, { text: "Still pending" });
  const exported = await cli(["export", "--profile", profile.id, "--out", join(stack.dir, "skipping")], env);
  assert.equal(exported.code, 1, exported.stderr);
  assert.match(exported.stderr, /skipped: 1 generation not completed/);
});
