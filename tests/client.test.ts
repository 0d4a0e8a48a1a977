// @sonna/history-client against the local stack: the upload helper (every kind of source, progress,
// retries of 503 and 409 upload.changed, idempotency), paging, jobs, downloads, both import flows,
// the change feed resuming from a stored cursor, and SonnaApiError.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createSonnaClient, SonnaApiError, SonnaConnectionError, SonnaFileError, type CursorStore, type RetryPolicy } from "@sonna/history-client";
import { schemaPath, schemaSource } from "../packages/client/scripts/schema";
import { startApi, tenant, type Api } from "./support/server";
import { createProfile, putSettings, smallWav } from "./support/fixtures";

let api: Api;
let dir: string;
before(async () => {
  api = await startApi();
  dir = await mkdtemp(join(tmpdir(), "sonna-client-"));
});
after(async () => {
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A tenant with one profile, and a client for it (fetch and retry policy as given). */
async function clientWithProfile(options: { fetch?: typeof fetch; retry?: RetryPolicy } = {}) {
  const t = await tenant(api);
  const profileId = (await createProfile(t)).id;
  return { t, profileId, client: createSonnaClient({ baseUrl: api.baseUrl, token: t.token, ...options }) };
}

/** Every request the client sends, as `METHOD path`, while `answer` may stand in for the real reply. */
function recordingFetch(answer: (call: string, nth: number) => Response | undefined = () => undefined) {
  const calls: string[] = [];
  const fetchImpl = ((input: Request | string | URL, init?: RequestInit) => {
    // openapi-fetch passes a Request (not always this realm's), the helpers a URL and an init.
    const request = typeof input === "object" && "method" in input ? input : undefined;
    const method = request?.method ?? init?.method ?? "GET";
    const url = new URL(request?.url ?? String(input));
    const call = `${method} ${url.pathname}`;
    calls.push(call);
    return Promise.resolve(answer(call, calls.filter((c) => c === call).length) ?? fetch(input, init));
  }) as typeof fetch;
  return { calls, fetch: fetchImpl };
}

const refusal = (status: number, code: string, retryAfter: string) =>
  new Response(JSON.stringify({ detail: "Try again.", code }), { status, headers: { "content-type": "application/json", "retry-after": retryAfter } });

test("the client's types are generated from the document the app serves now", async () => {
  assert.equal(await readFile(schemaPath, "utf8"), await schemaSource(), "run `npm run generate -w @sonna/history-client`");
});

test("a complete upload in one call, from bytes, a Blob, a stream and a file path, with progress", async () => {
  const { client, profileId } = await clientWithProfile();
  const wav = await smallWav();
  const path = join(dir, "take.wav");
  await writeFile(path, wav);
  const sources = {
    bytes: wav,
    blob: new Blob([wav]),
    stream: new Blob([wav]).stream(),
    path,
  };
  for (const [kind, audio] of Object.entries(sources)) {
    const progress: [number, number][] = [];
    const generation = await client.upload({ profile_id: profileId, text: `From ${kind}`, audio, onProgress: (sent, total) => progress.push([sent, total]) });
    assert.equal(generation.status, "completed", kind);
    assert.equal(generation.size_bytes, wav.byteLength, kind);
    assert.deepEqual(progress.at(-1), [wav.byteLength, wav.byteLength], kind);
    assert.ok(progress.every(([sent], i) => i === 0 || sent >= progress[i - 1]![0]), `${kind}: progress only grows`);
  }
  const texts = [];
  for await (const g of client.generations()) texts.push(g.text);
  assert.deepEqual(texts.sort(), ["From blob", "From bytes", "From path", "From stream"]);
});

test("upload retries a 503 on create, a busy bucket and 409 upload.changed as Retry-After says, and creates once", async () => {
  const waits: number[] = [];
  const recorder = recordingFetch((call, nth) => {
    if (call === "POST /history" && nth === 1) return refusal(503, "service.unavailable", "0");
    if (call.startsWith("PUT ") && nth === 1) return new Response("<Error><Code>SlowDown</Code></Error>", { status: 503 });
    if (call.endsWith("/complete") && nth <= 2) return refusal(409, "upload.changed", "1");
    return undefined;
  });
  const { client, profileId } = await clientWithProfile({ fetch: recorder.fetch, retry: { sleep: async (ms) => void waits.push(ms) } });
  const generation = await client.upload({ profile_id: profileId, text: "Retried", audio: await smallWav() });
  assert.equal(generation.status, "completed");
  assert.deepEqual(waits, [0, 1000, 1000, 1000]);
  assert.equal(recorder.calls.filter((c) => c === "POST /history").length, 2);
  const { data } = await client.api.GET("/history", { params: { query: { limit: 10 } } });
  assert.deepEqual(data?.items.map((g) => g.id), [generation.id], "the retried create made one generation");
});

test("retries stop after the policy's count and throw the last refusal; an unsafe POST is never retried", async () => {
  const recorder = recordingFetch((call) => (call.endsWith("/complete") || call === "POST /profiles" ? refusal(409, "upload.changed", "0") : undefined));
  const { client, profileId } = await clientWithProfile({ fetch: recorder.fetch, retry: { retries: 2, sleep: async () => {} } });
  await assert.rejects(client.upload({ profile_id: profileId, text: "Never completes", audio: await smallWav() }), (error) => {
    assert.ok(error instanceof SonnaApiError);
    assert.equal(error.status, 409);
    assert.equal(error.code, "upload.changed");
    assert.equal(error.retryAfter, 0);
    return true;
  });
  assert.equal(recorder.calls.filter((c) => c.endsWith("/complete")).length, 3);
  await assert.rejects(client.api.POST("/profiles", { body: { name: "Busy" } }), SonnaApiError);
  assert.equal(recorder.calls.filter((c) => c === "POST /profiles").length, 1);
});

test("the same idempotency key makes one generation, and a completed one is answered as it is", async () => {
  const { client, profileId } = await clientWithProfile();
  const wav = await smallWav();
  const first = await client.upload({ profile_id: profileId, text: "Once", audio: wav, idempotencyKey: "key-1" });
  const again = await client.upload({ profile_id: profileId, text: "Once", audio: wav, idempotencyKey: "key-1" });
  assert.equal(again.id, first.id);
  assert.equal(again.status, "completed");
  await assert.rejects(client.upload({ profile_id: profileId, text: "Other", audio: wav, idempotencyKey: "key-1" }), {
    name: "SonnaApiError",
    status: 422,
    code: "request.idempotency_key_reused",
  });
  const listed = [];
  for await (const g of client.generations()) listed.push(g.id);
  assert.deepEqual(listed, [first.id]);
});

test("generations() follows cursors over every page, with filters; an empty history yields nothing", async () => {
  const { client, profileId } = await clientWithProfile();
  const wav = await smallWav(100);
  const made = [];
  for (let i = 0; i < 5; i++) made.push(await client.upload({ profile_id: profileId, text: `Page item ${i}`, audio: wav, tags: i % 2 ? ["odd"] : [] }));
  const seen = [];
  for await (const g of client.generations({ limit: 2, sort: "asc" })) seen.push(g.id);
  assert.deepEqual(seen, made.map((g) => g.id));
  const odd = [];
  for await (const g of client.generations({ limit: 1, tag: ["odd"] })) odd.push(g.text);
  assert.deepEqual(odd, ["Page item 3", "Page item 1"]);
  const empty = createSonnaClient({ baseUrl: api.baseUrl, token: (await tenant(api)).token });
  for await (const g of empty.generations()) assert.fail(`unexpected ${g.id}`);
});

test("waitForJob follows an export job to its end; download writes the bytes uploaded, to a file or a stream", async () => {
  const { client, profileId } = await clientWithProfile();
  const wav = await smallWav(3_000);
  const generation = await client.upload({ profile_id: profileId, text: "Download me", audio: wav });

  const file = join(dir, "download.wav");
  const saved = await client.download({ audio: generation.id }, file);
  assert.equal(saved.bytes, wav.byteLength);
  assert.match(saved.filename ?? "", /\.wav$/);
  assert.deepEqual(new Uint8Array(await readFile(file)), wav);

  const chunks: Uint8Array[] = [];
  await client.download({ audio: generation.id }, new WritableStream({ write: (chunk) => void chunks.push(chunk) }));
  assert.deepEqual(new Uint8Array(await new Blob(chunks).arrayBuffer()), wav);

  const { data: started } = await client.api.POST("/history/exports", { body: { ids: [generation.id] } });
  const seen: string[] = [];
  const job = await client.waitForJob(started!.id, { intervalMs: 50, onProgress: (j) => seen.push(j.status) });
  assert.equal(job.status, "succeeded", JSON.stringify(job));
  assert.equal(seen.at(-1), "succeeded");
  const parts = (job.result as { parts: { url: string; filename: string; size_bytes: number }[] }).parts;
  assert.equal(parts.length, 1);
  const got = await client.download(parts[0]!, join(dir, parts[0]!.filename));
  assert.equal(got.bytes, parts[0]!.size_bytes);
  await assert.rejects(client.download({ audio: "0".repeat(26) }, join(dir, "missing.wav")), { name: "SonnaApiError", status: 404 });
  await assert.rejects(readFile(join(dir, "missing.wav")), { code: "ENOENT" }, "a refused download leaves no file");
});

test("importArchive sends a small archive in the request and a large one through the upload flow", async () => {
  const { t, client, profileId } = await clientWithProfile();
  const wav = await smallWav(2_000);
  const original = await client.upload({ profile_id: profileId, text: "Round trip", audio: wav, tags: ["kept"] });
  const zipPath = join(dir, "export.zip");
  await client.download({ archive: original.id }, zipPath);
  const zip = new Uint8Array(await readFile(zipPath));

  const recorder = recordingFetch();
  const traced = createSonnaClient({ baseUrl: api.baseUrl, token: t.token, fetch: recorder.fetch });
  const small = await traced.importArchive(zip, { profile_id: profileId });
  const large = await traced.importArchive(zipPath, { profile_id: profileId, inRequestMaxBytes: 1024 });
  assert.deepEqual(
    recorder.calls.map((c) => c.replace(/imports\/.+?(\/complete)?$/, "imports/{id}$1").replace(/^PUT .*/, "PUT {presigned}")),
    ["POST /history/import", "POST /history/imports", "PUT {presigned}", "POST /history/imports/{id}/complete"],
  );
  for (const imported of [small, large]) {
    assert.notEqual(imported.id, original.id);
    assert.equal(imported.text, "Round trip");
    assert.deepEqual(imported.tags, ["kept"]);
    assert.equal(imported.size_bytes, wav.byteLength);
  }
  await assert.rejects(client.importArchive(new Uint8Array([1, 2, 3])), { name: "SonnaApiError", status: 422 });
});

test("changes() resumes from the stored cursor and saves a page's cursor only once all its changes were taken", async () => {
  const { client, profileId } = await clientWithProfile();
  let stored: string | undefined;
  const store: CursorStore = { load: () => stored, save: (cursor) => void (stored = cursor) };
  for await (const change of client.changes({ store, from: "now" })) assert.fail(`nothing yet, got ${change.type}`);
  assert.ok(stored, "from=now stores a cursor");

  const wav = await smallWav(100);
  const first = await client.upload({ profile_id: profileId, text: "First", audio: wav });
  const firstRun = [];
  for await (const change of client.changes({ store, limit: 1 })) firstRun.push(change.id);
  assert.ok(firstRun.includes(first.id));
  assert.ok(!firstRun.includes(profileId), "the profile was made before the stored cursor");

  const second = await client.upload({ profile_id: profileId, text: "Second", audio: wav });
  const before = stored;
  for await (const change of client.changes({ store, limit: 100 })) {
    assert.equal(change.id, second.id);
    break; // stopped inside the page: its cursor is not saved
  }
  assert.equal(stored, before);
  const resumed = new Set<string>();
  for await (const change of client.changes({ store })) resumed.add(change.id);
  assert.deepEqual([...resumed], [second.id], "only what came after the stored cursor");
  const caughtUp = [];
  for await (const change of client.changes({ store })) caughtUp.push(change);
  assert.deepEqual(caughtUp, []);
});

test("refusals are SonnaApiError with status, code, detail and the body's other fields", async () => {
  const { t, client, profileId } = await clientWithProfile();
  await assert.rejects(client.api.GET("/history/{id}", { params: { path: { id: "nope" } } }), (error) => {
    assert.ok(error instanceof SonnaApiError);
    assert.equal(error.status, 404);
    assert.equal(error.code, "generation.not_found");
    assert.match(error.detail, /nope/);
    return true;
  });
  await putSettings(t, { quota_generations: 1 });
  await client.upload({ profile_id: profileId, text: "Fits", audio: await smallWav(100) });
  await assert.rejects(client.upload({ profile_id: profileId, text: "Over", audio: await smallWav(100) }), (error) => {
    assert.ok(error instanceof SonnaApiError);
    assert.equal(error.status, 409);
    assert.equal(error.code, "quota.exceeded");
    assert.equal(error.fields.quota, "quota_generations");
    assert.equal(error.limit, 1);
    assert.equal(error.count, 1);
    return true;
  });
  const stranger = createSonnaClient({ baseUrl: api.baseUrl, token: (await tenant(api)).token });
  await assert.rejects(stranger.api.GET("/profiles/{id}", { params: { path: { id: profileId } } }), { name: "SonnaApiError", status: 404 });
  const unauthenticated = createSonnaClient({ baseUrl: api.baseUrl, token: "not-a-token" });
  await assert.rejects(unauthenticated.api.GET("/history"), { name: "SonnaApiError", status: 401 });
});

test("no answer is a SonnaConnectionError naming the URL, an unreadable path a SonnaFileError naming the path; a foreign echo of the token is redacted", async () => {
  const nowhere = createSonnaClient({ baseUrl: "http://127.0.0.1:9", token: "x", retry: { retries: 0 } });
  for (const call of [() => nowhere.api.GET("/health"), async () => { for await (const _ of nowhere.generations()) break; }]) {
    await assert.rejects(call(), (error) => {
      assert.ok(error instanceof SonnaConnectionError, "a connection failure is not an API refusal");
      assert.equal(error.url, "http://127.0.0.1:9");
      assert.match(error.message, /^Cannot reach http:\/\/127\.0\.0\.1:9: .+/, "and why (fetch calls port 9 a bad port)");
      return true;
    });
  }
  const { client, profileId } = await clientWithProfile();
  const missing = join(dir, "nope.wav");
  for (const call of [() => client.upload({ profile_id: profileId, text: "Missing", audio: missing }), () => client.importArchive(dir)]) {
    await assert.rejects(call(), (error) => {
      assert.ok(error instanceof SonnaFileError);
      assert.match(error.message, /^Cannot read .*(nope\.wav: ENOENT|: not a file)$/);
      return true;
    });
  }
  const echo = recordingFetch((call) => (call.startsWith("GET /history") ? new Response("<Error><Arg>Bearer eyJhbGciOi.abc-def_1</Arg></Error>", { status: 400 }) : undefined));
  const echoed = createSonnaClient({ baseUrl: api.baseUrl, token: "eyJhbGciOi.abc-def_1", fetch: echo.fetch });
  await assert.rejects(echoed.api.GET("/history"), (error) => {
    assert.ok(error instanceof SonnaApiError);
    assert.equal(error.detail, "<Error><Arg>Bearer [redacted]</Arg></Error>");
    return true;
  });
});
