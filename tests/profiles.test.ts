import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, test } from "node:test";
import { startApi, tenant, type Api, type JsonResponse, type Tenant } from "./support/server";
import {
  assertError,
  assertStatsMatchRecount,
  createCompleted,
  createPending,
  createProfile,
  failGeneration,
  getStats,
  objectExists,
  randomId,
  smallWav,
  uploadAudio,
  waitForJob,
} from "./support/fixtures";

/** DELETE /profiles/{id}: 202 with the deletion job (and its Location), run to its end. */
async function deleteProfile(t: Tenant, id: string) {
  const res = await t.json(`/profiles/${id}`, { method: "DELETE" });
  assert.equal(res.status, 202, `DELETE /profiles/${id}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.type, "profile.delete");
  assert.ok(["queued", "running", "succeeded"].includes(res.body.status), res.body.status);
  assert.equal(res.headers.get("location"), `/jobs/${res.body.id}`);
  // The profile is gone at once, before the job has run.
  assertError(await t.json(`/profiles/${id}`), 404, "profile.not_found");
  return waitForJob(t, res.body.id);
}

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

/** Sends a raw body with any Content-Type and parses the JSON answer. */
async function raw(t: Tenant, path: string, method: string, body: string, contentType?: string): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  if (contentType !== undefined) headers["content-type"] = contentType;
  const res = await t.request(path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text: the assertions say what was expected
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

describe("create", () => {
  test("201 with defaults: language en, description null, name trimmed", async () => {
    const t = await tenant(api);
    const res = await t.json("/profiles", { method: "POST", body: { name: "  Narrator  " } });
    assert.equal(res.status, 201);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    const p = res.body;
    assert.match(p.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(p.name, "Narrator");
    assert.equal(p.language, "en");
    assert.equal(p.description, null);
    assert.ok(!Number.isNaN(Date.parse(p.created_at)));
    assert.equal(p.updated_at, p.created_at);
    const got = await t.json(`/profiles/${p.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, p);
  });

  test("201 with every field", async () => {
    const t = await tenant(api);
    const p = await createProfile(t, "Ünïcödé 🎙", { description: "Warm, low voice", language: "pt-BR" });
    assert.equal(p.name, "Ünïcödé 🎙");
    assert.equal(p.description, "Warm, low voice");
    assert.equal(p.language, "pt-BR");
  });

  test("a duplicate name is 409 profile.name_taken, also in another case or with spaces", async () => {
    const t = await tenant(api);
    const first = await createProfile(t, "Alice");
    for (const name of ["Alice", "alice", "ALICE", "  alice "]) {
      assertError(await t.json("/profiles", { method: "POST", body: { name } }), 409, "profile.name_taken");
    }
    const list = await t.json("/profiles");
    assert.deepEqual(list.body.items, [first]);
  });

  test("concurrent creates of one name: exactly one 201, the rest 409", async () => {
    const t = await tenant(api);
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => t.json("/profiles", { method: "POST", body: { name: i % 2 ? "racer" : "Racer" } })));
    assert.equal(results.filter((res) => res.status === 201).length, 1, JSON.stringify(results.map((res) => res.status)));
    for (const res of results.filter((r) => r.status !== 201)) assertError(res, 409, "profile.name_taken");
    assert.equal((await t.json("/profiles")).body.items.length, 1);
  });

  test("the same name in two tenants is fine", async () => {
    const [a, b] = await Promise.all([tenant(api), tenant(api)]);
    await createProfile(a, "Shared");
    await createProfile(b, "Shared");
  });

  test("invalid bodies are 400 request.invalid naming the field", async () => {
    const t = await tenant(api);
    const cases: [unknown, string][] = [
      [{}, "name"],
      [{ name: "" }, "name"],
      [{ name: "   " }, "name"],
      [{ name: "x".repeat(201) }, "name"],
      [{ name: 42 }, "name"],
      [{ name: "ok", language: "english!" }, "language"],
      [{ name: "ok", description: "x".repeat(2_001) }, "description"],
      [{ name: "ok\uD800" }, "name"],
      [{ name: "ok", voice: "x" }, "voice"],
    ];
    for (const [body, field] of cases) {
      assertError(await t.json("/profiles", { method: "POST", body }), 400, "request.invalid", field);
    }
    assert.deepEqual((await t.json("/profiles")).body.items, []);
  });

  test("a name of exactly 200 characters is accepted", async () => {
    const t = await tenant(api);
    const p = await createProfile(t, "n".repeat(200));
    assert.equal(p.name.length, 200);
  });
});

describe("list and get", () => {
  test("list is oldest first and holds exactly the tenant's profiles", async () => {
    const t = await tenant(api);
    assert.deepEqual((await t.json("/profiles")).body, { items: [] });
    const made = [];
    for (const name of ["One", "Two", "Three"]) made.push(await createProfile(t, name));
    const res = await t.json("/profiles");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.items, made);
  });

  test("get of an unknown or malformed id is 404 profile.not_found", async () => {
    const t = await tenant(api);
    for (const id of [await randomId(), "not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
      assertError(await t.json(`/profiles/${id}`), 404, "profile.not_found");
      assertError(await t.json(`/profiles/${id}`, { method: "PATCH", body: { name: "x" } }), 404, "profile.not_found");
      assertError(await t.json(`/profiles/${id}`, { method: "DELETE" }), 404, "profile.not_found");
    }
  });
});

describe("patch", () => {
  test("changes name, description and language, one at a time and together", async () => {
    const t = await tenant(api);
    const p = await createProfile(t, "Before");
    await new Promise((r) => setTimeout(r, 5));
    let res = await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { name: "After" } });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, "After");
    assert.equal(res.body.created_at, p.created_at);
    assert.ok(res.body.updated_at > p.updated_at, "updated_at moves forward");
    res = await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { description: "Calm" } });
    assert.equal(res.body.description, "Calm");
    assert.equal(res.body.name, "After");
    res = await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { language: "de" } });
    assert.equal(res.body.language, "de");
    assert.equal(res.body.description, "Calm");
    res = await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { description: null, language: "fr", name: "Final" } });
    assert.equal(res.status, 200);
    assert.deepEqual({ ...res.body, updated_at: undefined }, { ...p, name: "Final", description: null, language: "fr", updated_at: undefined });
    assert.deepEqual((await t.json(`/profiles/${p.id}`)).body, res.body);
    // The old names are free again, the new one is taken.
    await createProfile(t, "Before");
    await createProfile(t, "After");
    assertError(await t.json("/profiles", { method: "POST", body: { name: "final" } }), 409, "profile.name_taken");
  });

  test("empty patch, unknown field, blank or over-long name are 400 and change nothing", async () => {
    const t = await tenant(api);
    const p = await createProfile(t, "Steady");
    assertError(await t.json(`/profiles/${p.id}`, { method: "PATCH", body: {} }), 400, "request.invalid");
    assertError(await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { pitch: 3 } }), 400, "request.invalid", "pitch");
    assertError(await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { name: "ok", pitch: 3 } }), 400, "request.invalid", "pitch");
    assertError(await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { name: "" } }), 400, "request.invalid", "name");
    assertError(await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { name: " \t " } }), 400, "request.invalid", "name");
    assertError(await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { name: "y".repeat(201) } }), 400, "request.invalid", "name");
    assertError(await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { language: "english!" } }), 400, "request.invalid", "language");
    assertError(await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { name: null } }), 400, "request.invalid", "name");
    assert.deepEqual((await t.json(`/profiles/${p.id}`)).body, p);
  });

  test("rename to a taken name (any case) is 409 and nothing changes", async () => {
    const t = await tenant(api);
    const alice = await createProfile(t, "Alice");
    const bob = await createProfile(t, "Bob");
    for (const name of ["Alice", "alice", "ALICE", " Alice "]) {
      assertError(await t.json(`/profiles/${bob.id}`, { method: "PATCH", body: { name, description: "should not stick" } }), 409, "profile.name_taken");
    }
    assert.deepEqual((await t.json("/profiles")).body.items, [alice, bob]);
    // Both name locks still hold.
    assertError(await t.json("/profiles", { method: "POST", body: { name: "bob" } }), 409, "profile.name_taken");
    assertError(await t.json("/profiles", { method: "POST", body: { name: "alice" } }), 409, "profile.name_taken");
  });

  test("two profiles renamed to one new name at once: exactly one wins", async () => {
    const t = await tenant(api);
    const [x, y] = [await createProfile(t, "X"), await createProfile(t, "Y")];
    const results = await Promise.all([x, y].map((p) => t.json(`/profiles/${p.id}`, { method: "PATCH", body: { name: "Winner" } })));
    assert.deepEqual(results.map((res) => res.status).sort(), [200, 409]);
    assertError(results.find((res) => res.status === 409)!, 409, "profile.name_taken");
    const names = (await t.json("/profiles")).body.items.map((p: { name: string }) => p.name).sort();
    assert.ok(JSON.stringify(names) === JSON.stringify(["Winner", "Y"]) || JSON.stringify(names) === JSON.stringify(["Winner", "X"]), JSON.stringify(names));
    // The loser's old name is still locked, the winner's old name is free.
    const loser = results[0]!.status === 409 ? "X" : "Y";
    const winner = loser === "X" ? "Y" : "X";
    assertError(await t.json("/profiles", { method: "POST", body: { name: loser } }), 409, "profile.name_taken");
    await createProfile(t, winner);
  });

  test("rename to its own name in another case works and keeps the name locked", async () => {
    const t = await tenant(api);
    const p = await createProfile(t, "carol");
    const res = await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { name: "CAROL" } });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, "CAROL");
    assert.equal((await t.json(`/profiles/${p.id}`)).body.name, "CAROL");
    assertError(await t.json("/profiles", { method: "POST", body: { name: "Carol" } }), 409, "profile.name_taken");
    // Renaming to the exact same name is a no-op that succeeds.
    const same = await t.json(`/profiles/${p.id}`, { method: "PATCH", body: { name: "CAROL" } });
    assert.equal(same.status, 200);
    assert.equal(same.body.name, "CAROL");
  });
});

describe("delete", () => {
  test("202 with a job that removes its generations, their audio and its stats; a second delete is 404", async () => {
    const t = await tenant(api);
    const doomed = await createProfile(t, "Doomed");
    const kept = await createProfile(t, "Kept");
    const completed = await Promise.all([createCompleted(t, doomed.id), createCompleted(t, doomed.id, { wav: await smallWav(12_000) })]);
    const uploadedPending = await createPending(t, doomed.id);
    await uploadAudio(uploadedPending.upload, await smallWav());
    const failed = await createPending(t, doomed.id);
    await failGeneration(t, failed.generation.id);
    const survivor = await createCompleted(t, kept.id);

    const doomedGenerations = [...completed, uploadedPending.generation, failed.generation];
    for (const g of [...completed, uploadedPending.generation]) assert.ok(await objectExists(g.audio_path), "audio is there before the delete");
    const before = await getStats(t);
    assert.equal(before.generations_by_profile[doomed.id], 4);

    const job = await deleteProfile(t, doomed.id);
    assert.deepEqual(job.result, { profile_id: doomed.id, deleted_generations: 4 });

    assertError(await t.json(`/profiles/${doomed.id}`), 404, "profile.not_found");
    for (const g of doomedGenerations) {
      assertError(await t.json(`/history/${g.id}`), 404, "generation.not_found");
      assert.equal(await objectExists(g.audio_path), false, `audio ${g.audio_path} is gone`);
    }
    const { stats } = await assertStatsMatchRecount(t);
    assert.equal(stats.total_generations, 1);
    assert.equal(stats.generations_by_profile[doomed.id], undefined);
    assert.equal(stats.profiles[doomed.id], undefined);
    assert.deepEqual(Object.keys(stats.generations_by_profile), [kept.id]);
    assert.equal(stats.total_bytes, survivor.size_bytes);

    // The survivor and its audio are untouched; the list has no trace of the deleted profile.
    assert.equal((await t.json(`/history/${survivor.id}`)).status, 200);
    assert.ok(await objectExists(survivor.audio_path));
    const list = await t.json("/history");
    assert.deepEqual(list.body.items.map((g: { id: string }) => g.id), [survivor.id]);
    assert.equal(list.body.total, 1);
    const byProfile = await t.json(`/history?profile_id=${doomed.id}`);
    assert.deepEqual(byProfile.body, { items: [], total: 0, next_cursor: null });

    assertError(await t.json(`/profiles/${doomed.id}`, { method: "DELETE" }), 404, "profile.not_found");
    // Creating a generation for the deleted profile is refused; its name is free again.
    assertError(await t.json("/history", { method: "POST", body: { profile_id: doomed.id, text: "late" } }), 404, "profile.not_found");
    await createProfile(t, "doomed");
  });

  test("two concurrent deletes of one profile: one 202, one 404", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    await createPending(t, p.id);
    const results = await Promise.all([1, 2].map(() => t.json(`/profiles/${p.id}`, { method: "DELETE" })));
    assert.deepEqual(results.map((res) => res.status).sort(), [202, 404]);
    assertError(results.find((res) => res.status === 404)!, 404, "profile.not_found");
    const job = await waitForJob(t, results.find((res) => res.status === 202)!.body.id);
    assert.deepEqual(job.result, { profile_id: p.id, deleted_generations: 1 });
    await assertStatsMatchRecount(t);
  });

  test("a profile without generations deletes with deleted_generations 0", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    const job = await deleteProfile(t, p.id);
    assert.deepEqual(job.result, { profile_id: p.id, deleted_generations: 0 });
    assert.deepEqual((await t.json("/profiles")).body.items, []);
  });
});

describe("request bodies", () => {
  test("a body that is not JSON is 400 request.invalid", async () => {
    const t = await tenant(api);
    assertError(await raw(t, "/profiles", "POST", "hello", "application/json"), 400, "request.invalid");
    assertError(await raw(t, "/profiles", "POST", "", "application/json"), 400, "request.invalid");
    assertError(await raw(t, "/profiles", "POST", "[1,2]", "application/json"), 400, "request.invalid");
    assertError(await raw(t, "/profiles", "POST", "null", "application/json"), 400, "request.invalid");
    assertError(await raw(t, "/profiles", "POST", '"Alice"', "application/json"), 400, "request.invalid");
  });

  test("malformed JSON is 400 request.invalid", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    assertError(await raw(t, "/profiles", "POST", '{"name": "Al', "application/json"), 400, "request.invalid");
    assertError(await raw(t, "/profiles", "POST", "{name: 'Al'}", "application/json"), 400, "request.invalid");
    assertError(await raw(t, `/profiles/${p.id}`, "PATCH", '{"name": }', "application/json"), 400, "request.invalid");
    assert.deepEqual((await t.json("/profiles")).body.items, [p]);
  });

  test("a JSON body under another Content-Type is a 4xx JSON error (the app answers 415), never a 5xx", async () => {
    const t = await tenant(api);
    const p = await createProfile(t);
    const body = JSON.stringify({ name: "Sneaky" });
    for (const [method, path, contentType] of [
      ["POST", "/profiles", "text/plain"],
      ["POST", "/profiles", "application/x-www-form-urlencoded"],
      ["POST", "/profiles", undefined],
      ["PATCH", `/profiles/${p.id}`, "text/plain"],
    ] as const) {
      const res = await raw(t, path, method, body, contentType);
      assert.ok(res.status === 400 || res.status === 415, `${method} ${path} as ${contentType}: ${res.status} ${JSON.stringify(res.body)}`);
      assertError(res, res.status, res.status === 415 ? "request.unsupported_media_type" : "request.invalid");
    }
    assert.deepEqual((await t.json("/profiles")).body.items, [p]);
  });

  test("a 415 says which media type the endpoint takes, and what it got", async () => {
    const t = await tenant(api);
    const res = await raw(t, "/profiles", "POST", JSON.stringify({ name: "Sneaky" }), "text/plain");
    assertError(res, 415, "request.unsupported_media_type");
    assert.equal(res.body.detail, "This endpoint takes an application/json body, not text/plain.");
  });

  test("a body over 1 MiB is 413 request.too_large", async () => {
    const t = await tenant(api);
    const body = JSON.stringify({ name: "x", description: "d".repeat(1024 * 1024) });
    // Its own connection: the server closes a connection whose oversized body it did not read,
    // which would otherwise break the next request that reuses the pooled socket.
    const res = await new Promise<JsonResponse>((done, fail) => {
      const req = httpRequest(
        new URL("/profiles", api.baseUrl),
        { method: "POST", agent: false, headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (c: Buffer) => chunks.push(c));
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const headers = new Headers();
            for (const [k, v] of Object.entries(response.headers)) if (typeof v === "string") headers.set(k, v);
            done({ status: response.statusCode ?? 0, body: JSON.parse(text), headers });
          });
        },
      );
      // The server may answer and close before it has read the whole body.
      req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : fail(error)));
      req.end(body);
    });
    assertError(res, 413, "request.too_large");
    assert.deepEqual((await t.json("/profiles")).body.items, []);
  });
});
