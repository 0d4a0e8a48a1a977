// The publishable build of @sonna/history-client: `npm run build -w @sonna/history-client` emits ESM
// JavaScript and .d.ts into dist/ with a package.json pointing there, and the result runs in plain
// Node (no tsx): the library imports and the bin answers --help.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { access, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "../packages/client/scripts/build";

const dist = fileURLToPath(new URL("../packages/client/dist/", import.meta.url));
const run = promisify(execFile);

test("the built package imports and runs in plain Node, and its manifest points at what was built", async () => {
  build();
  const manifest = JSON.parse(await readFile(join(dist, "package.json"), "utf8"));
  assert.equal(manifest.private, undefined, "publishable");
  assert.equal(manifest.scripts, undefined);
  for (const file of [manifest.exports["."].default, manifest.exports["."].types, manifest.bin["sonna-history"], "./schema.d.ts"]) await access(join(dist, file));

  const script = `const m = await import(${JSON.stringify(join(dist, "index.js"))}); console.log(Object.keys(m).sort().join(","));`;
  const imported = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: tmpdir() });
  assert.match(imported.stdout, /createSonnaClient/);
  assert.match(imported.stdout, /SonnaApiError/);
  const help = await run(process.execPath, [join(dist, manifest.bin["sonna-history"]), "--help"], { cwd: tmpdir() });
  assert.match(help.stdout, /^Usage: sonna-history <command>/);
  assert.match(help.stdout, /import-voicebox <dir>/);
});
