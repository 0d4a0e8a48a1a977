// The newcomer's path, end to end: `npm start` on a fresh data dir, then a worker's whole flow over
// HTTP, with the upload completed by s3rver's event alone, then a clean stop.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { makeWav } from "@sonna/core/wav/make";
import { freePort } from "@sonna/local/stack";
import { repoRoot } from "@sonna/local/data-dir";

const dataDir = mkdtempSync(join(tmpdir(), "sonna-start-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

test("npm start serves the API, completes uploads from S3 events and stops cleanly", { timeout: 120_000 }, async () => {
  const [port, dynamoPort, s3Port] = [await freePort(), await freePort(), await freePort()];
  const child = spawn("npm", ["start"], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), SONNA_DYNAMODB_PORT: String(dynamoPort), SONNA_S3_PORT: String(s3Port), SONNA_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  try {
    let token: string | undefined;
    for (let waited = 0; !token; waited += 200) {
      assert.ok(waited < 90_000, `npm start did not print a token:\n${output}`);
      token = /Bearer token[^\n]*\n(\S+)/.exec(output)?.[1];
      await sleep(200);
    }
    const base = `http://127.0.0.1:${port}`;
    assert.ok(output.includes(base), "prints the API URL");
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: (await response.json()) as any };
    };

    const profile = await call("POST", "/profiles", { name: "Narrator" });
    assert.equal(profile.status, 201);
    const created = await call("POST", "/history", { profile_id: profile.body.id, text: "Hello from npm start" });
    assert.equal(created.status, 201);
    const wav = makeWav({ frames: 36_000 });
    const put = await fetch(created.body.upload.url, { method: "PUT", body: wav, headers: created.body.upload.headers });
    assert.equal(put.status, 200);

    // No /complete call: the s3rver notification does it.
    let generation: any;
    for (let waited = 0; generation?.status !== "completed"; waited += 100) {
      assert.ok(waited < 10_000, `upload event did not complete the generation: ${JSON.stringify(generation)}`);
      generation = (await call("GET", `/history/${created.body.generation.id}`)).body;
      await sleep(100);
    }
    assert.equal(generation.duration, 1.5);
    assert.equal(generation.size_bytes, wav.byteLength);
    const audio = new Uint8Array(await (await fetch(generation.audio_url)).arrayBuffer());
    assert.deepEqual(audio, wav);
  } finally {
    process.kill(-child.pid!, "SIGTERM");
  }
  // npm itself reports death by signal (143); what matters is that start.ts shut its stack down.
  await exited;
  assert.match(output, /SIGTERM: stopping/);
  const javaOnPort = () =>
    new Promise<string>((done) => {
      const pgrep = spawn("pgrep", ["-f", `DynamoDBLocal.* -port ${dynamoPort}( |$)`]);
      let out = "";
      pgrep.stdout.on("data", (c) => (out += c));
      pgrep.on("exit", () => done(out.trim()));
    });
  // npm may exit before start.ts has finished stopping its JVM.
  let java = await javaOnPort();
  for (let waited = 0; java && waited < 15_000; waited += 250) {
    await sleep(250);
    java = await javaOnPort();
  }
  assert.equal(java, "", "no DynamoDB Local process is left behind");
});
