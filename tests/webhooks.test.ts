// Webhooks: endpoints, signed deliveries of every event, retries, redirects, timeouts, disabling,
// SSRF refusals at registration and at delivery, tenant walls, and recovery of lost messages.
// Receivers listen on loopback only; names other than localhost go through a stubbed resolver.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { webhookEvents } from "@sonna/core/shapes/webhook";
import { configureWebhooks, type ResolvedAddress } from "@sonna/core/webhooks/config";
import { runWebhookSweep } from "@sonna/core/webhooks/sweep";
import { startApi, tenant, type Api, type Client, type Tenant } from "./support/server";
import { assertError, createCompleted, createPending, createProfile, failGeneration, putSettings, randomId, waitForJob } from "./support/fixtures";
import { Receiver, type Received } from "./support/receiver";
import { completeLarge, exportZip, startLarge } from "./support/transfer";

const ALL_EVENTS = [...webhookEvents];

/** Names tests resolve; anything else fails to resolve, so no test can reach a real host. */
const names = new Map<string, string[]>();
const stubResolver = async (hostname: string): Promise<ResolvedAddress[]> => {
  const addresses = names.get(hostname) ?? (hostname === "localhost" ? ["127.0.0.1"] : undefined);
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};

let api: Api;
let receiver: Receiver;
let restore: () => void;
before(async () => {
  api = await startApi();
  receiver = await Receiver.start();
  // Retries after 100, 200 and 300 ms: four tries in all, over well under a second.
  restore = configureWebhooks({ retryDelaysMs: [100, 200, 300], resolve: stubResolver, allowLoopback: () => true });
});
after(async () => {
  restore?.();
  await receiver?.close();
  await api?.close();
});

let paths = 0;
const freshPath = () => `/hook-${++paths}`;

async function register(t: Client, url: string, events: string[] = ALL_EVENTS, description?: string) {
  const res = await t.json("/webhooks", { method: "POST", body: { url, events, ...(description ? { description } : {}) } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; secret: string; url: string; events: string[]; status: string };
}

/** A tenant with an endpoint on the receiver at a path of its own. */
async function subscribed(events: string[] = ALL_EVENTS) {
  const t = await tenant(api);
  const path = freshPath();
  const hook = await register(t, receiver.url(path), events);
  return { t, path, hook };
}

const verify = (secret: string, r: Received) => new Webhook(secret).verify(r.body, r.headers) as { type: string; timestamp: string; data: any };

const ofType = (received: Received[], type: string, id?: string) =>
  received.filter((r) => r.json.type === type && (id === undefined || (r.json.data.id ?? r.json.data.import_id) === id));

async function deliveries(t: Client, id: string, query = "") {
  const res = await t.json(`/webhooks/${id}/deliveries${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { items: any[]; next_cursor: string | null };
}

/** Waits until every delivery of the endpoint has ended (delivered or failed). */
async function settled(t: Client, id: string, count: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { items } = await deliveries(t, id, "?limit=100");
    if (items.length >= count && items.every((d) => d.status !== "pending")) return items;
    assert.ok(Date.now() < deadline, `deliveries not settled: ${JSON.stringify(items.map((d) => [d.type, d.status, d.attempt]))}`);
    await sleep(50);
  }
}

/** The generation as GET shows it, without its presigned URL and list-only fields (what events carry). */
async function shown(t: Client, id: string) {
  const { audio_url: _u, audio_url_expires_at: _e, audio_archived: _a, profile_name: _n, ...rest } = (await t.json(`/history/${id}`)).body;
  return rest;
}

describe("endpoints", () => {
  test("create answers the secret once; list, get, patch, rotate and delete", async () => {
    const t = await tenant(api);
    const created = await register(t, "https://hooks.example.test/a", ["generation.completed"], "build server");
    assert.match(created.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(created.secret.slice(6), "base64").length, 32);
    assert.deepEqual({ ...created, id: undefined, secret: undefined, created_at: undefined, updated_at: undefined }, {
      id: undefined,
      secret: undefined,
      url: "https://hooks.example.test/a",
      events: ["generation.completed"],
      description: "build server",
      status: "enabled",
      disabled_reason: null,
      disabled_at: null,
      created_at: undefined,
      updated_at: undefined,
    });
    const listed = await t.json("/webhooks");
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.items.map((w: any) => w.id), [created.id]);
    assert.equal(listed.body.items[0].secret, undefined);
    const got = await t.json(`/webhooks/${created.id}`);
    assert.equal(got.body.secret, undefined);

    const patched = await t.json(`/webhooks/${created.id}`, { method: "PATCH", body: { events: ["job.finished", "import.finished"], description: null } });
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.body.events, patched.body.description, patched.body.url], [["job.finished", "import.finished"], null, "https://hooks.example.test/a"]);
    const off = await t.json(`/webhooks/${created.id}`, { method: "PATCH", body: { enabled: false } });
    assert.equal(off.body.status, "disabled");
    assert.ok(off.body.disabled_reason && off.body.disabled_at);
    const on = await t.json(`/webhooks/${created.id}`, { method: "PATCH", body: { enabled: true } });
    assert.deepEqual([on.body.status, on.body.disabled_reason, on.body.disabled_at], ["enabled", null, null]);

    const rotated = await t.json(`/webhooks/${created.id}/rotate-secret`, { method: "POST" });
    assert.equal(rotated.status, 200);
    assert.match(rotated.body.secret, /^whsec_/);
    assert.notEqual(rotated.body.secret, created.secret);

    assert.equal((await t.json(`/webhooks/${created.id}`, { method: "DELETE" })).status, 204);
    assertError(await t.json(`/webhooks/${created.id}`), 404, "webhook.not_found");
    assertError(await t.json(`/webhooks/${created.id}`, { method: "DELETE" }), 404, "webhook.not_found");
    assert.deepEqual((await t.json("/webhooks")).body.items, []);
  });

  test("bad bodies are 400s", async () => {
    const t = await tenant(api);
    const url = "https://hooks.example.test/";
    const bodies: unknown[] = [
      {},
      { url },
      { events: ["job.finished"] },
      { url: "not a url", events: ["job.finished"] },
      { url: `https://hooks.example.test/${"a".repeat(2_048)}`, events: ["job.finished"] },
      { url, events: [] },
      { url, events: ["generation.exploded"] },
      { url, events: ["job.finished", "job.finished"] },
      { url, events: "job.finished" },
      { url, events: ["job.finished"], description: "d".repeat(501) },
      { url, events: ["job.finished"], secret: "whsec_mine" },
      { url: 42, events: ["job.finished"] },
    ];
    for (const body of bodies) assertError(await t.json("/webhooks", { method: "POST", body }), 400, "request.invalid");
    const hook = await register(t, url, ["job.finished"]);
    for (const body of [{}, { enabled: "yes" }, { events: [] }, { status: "enabled" }]) {
      assertError(await t.json(`/webhooks/${hook.id}`, { method: "PATCH", body }), 400, "request.invalid");
    }
    assertError(await t.json(`/webhooks/${hook.id}/deliveries?limit=0`), 400, "request.invalid");
    assertError(await t.json(`/webhooks/${hook.id}/deliveries?cursor=nope`), 400, "request.invalid_cursor");
  });

  test("unknown ids and another tenant's endpoints answer 404; a tenant lists only its own", async () => {
    const [a, b] = [await tenant(api), await tenant(api)];
    const hook = await register(a, "https://hooks.example.test/a", ["job.finished"]);
    for (const id of [hook.id, await randomId(), "not-a-uuid"]) {
      assertError(await b.json(`/webhooks/${id}`), 404, "webhook.not_found");
      assertError(await b.json(`/webhooks/${id}`, { method: "PATCH", body: { enabled: false } }), 404, "webhook.not_found");
      assertError(await b.json(`/webhooks/${id}/rotate-secret`, { method: "POST" }), 404, "webhook.not_found");
      assertError(await b.json(`/webhooks/${id}/deliveries`), 404, "webhook.not_found");
      assertError(await b.json(`/webhooks/${id}`, { method: "DELETE" }), 404, "webhook.not_found");
    }
    assert.deepEqual((await b.json("/webhooks")).body.items, []);
    assert.equal((await a.json(`/webhooks/${hook.id}`)).body.status, "enabled", "B's calls changed nothing of A's");
  });

  test("a tenant has at most 20 endpoints", async () => {
    const t = await tenant(api);
    const made = [];
    for (let i = 0; i < 20; i++) made.push(await register(t, `https://hooks.example.test/${i}`, ["job.finished"]));
    assertError(await t.json("/webhooks", { method: "POST", body: { url: "https://hooks.example.test/21", events: ["job.finished"] } }), 409, "webhook.limit_reached");
    assert.equal((await t.json(`/webhooks/${made[0]!.id}`, { method: "DELETE" })).status, 204);
    await register(t, "https://hooks.example.test/again", ["job.finished"]);
  });
});

describe("SSRF", () => {
  test("registration refuses a host that is an address in a refused range, plain http, credentials and localhost (loopback switch off)", async () => {
    const t = await tenant(api);
    const back = configureWebhooks({ allowLoopback: () => false });
    try {
      const refused = [
        "http://hooks.example.test/",
        "http://127.0.0.1:8080/",
        "http://localhost/",
        "https://user:secret@hooks.example.test/",
        "https://:secret@hooks.example.test/",
        "https://127.0.0.1/",
        "https://127.9.9.9/",
        "https://2130706433/", // 127.0.0.1 in decimal
        "https://0x7f.1/", // 127.0.0.1 in hex
        "https://localhost/",
        "https://api.localhost/",
        "https://[::1]/",
        "https://10.0.0.1/",
        "https://172.16.5.4/",
        "https://192.168.1.1/",
        "https://169.254.169.254/latest/meta-data/", // cloud metadata
        "https://100.64.0.1/", // CGNAT
        "https://0.0.0.0/",
        "https://255.255.255.255/",
        "https://224.0.0.1/",
        "https://192.0.2.1/", // documentation
        "https://240.0.0.1/",
        "https://[::]/",
        "https://[fc00::1]/", // unique local
        "https://[fd12:3456::1]/",
        "https://[fe80::1]/", // link-local
        "https://[ff02::1]/",
        "https://[::ffff:127.0.0.1]/", // v4-mapped loopback
        "https://[::ffff:10.0.0.1]/",
        "https://[::ffff:8.8.8.8]/", // v4-mapped, even of a public address
        "https://[::127.0.0.1]/", // v4-compatible
        "https://[64:ff9b::a00:1]/", // NAT64 of 10.0.0.1
        "https://[2002:a00:1::1]/", // 6to4 of 10.0.0.1
        "https://[2001:0:a00:1::1]/", // Teredo
        "https://[2001:db8::1]/", // documentation
      ];
      for (const url of refused) assertError(await t.json("/webhooks", { method: "POST", body: { url, events: ["job.finished"] } }), 422, "webhook.url_forbidden");
      // Public addresses and names pass; this tenant makes no change, so nothing is ever sent to them.
      for (const url of ["https://93.184.216.34/hook", "https://[2606:2800:220:1:248:1893:25c8:1946]/hook", "https://hooks.example.test/x"]) {
        const hook = await register(t, url, ["job.finished"]);
        assertError(await t.json(`/webhooks/${hook.id}`, { method: "PATCH", body: { url: "https://10.1.2.3/" } }), 422, "webhook.url_forbidden", "private");
        assert.equal((await t.json(`/webhooks/${hook.id}`, { method: "DELETE" })).status, 204);
      }
    } finally {
      back();
    }
    const detail = (await t.json("/webhooks", { method: "POST", body: { url: "https://169.254.169.254/", events: ["job.finished"] } })).body.detail;
    assert.match(detail, /linkLocal/);
  });

  test("the local stack's switch adds loopback over http, and nothing else", async () => {
    const t = await tenant(api);
    for (const url of ["http://127.0.0.1:9/", "http://localhost:9/", "http://[::1]:9/", "https://127.0.0.1/"]) {
      assert.equal((await t.json(`/webhooks/${(await register(t, url, ["job.finished"])).id}`, { method: "DELETE" })).status, 204);
    }
    for (const url of ["http://10.0.0.1/", "https://10.0.0.1/", "http://hooks.example.test/", "https://[::ffff:127.0.0.1]/", "https://169.254.169.254/"]) {
      assertError(await t.json("/webhooks", { method: "POST", body: { url, events: ["job.finished"] } }), 422, "webhook.url_forbidden");
    }
  });

  // Every stubbed answer starts with 127.0.0.1, where a trap listens: a check that let any address
  // through would connect there first and be caught, never reach the other address.
  test("at delivery, a name resolving to any refused address is not connected to; one resolving to checked addresses is pinned to them", async () => {
    const trap = await Receiver.start();
    try {
      const t = await tenant(api);
      names.set("rebind.test", ["127.0.0.1", "10.0.0.7"]);
      names.set("metadata.test", ["127.0.0.1", "169.254.169.254"]);
      names.set("loop.test", ["127.0.0.1"]);
      const mixed = await register(t, `https://rebind.test:${trap.port}/`, ["generation.created"]);
      const metadata = await register(t, `https://metadata.test:${trap.port}/`, ["generation.created"]);
      const loop = await register(t, `https://loop.test:${trap.port}/`, ["generation.created"]);
      const back = configureWebhooks({ allowLoopback: () => false });
      const expected = new Map([
        [mixed.id, /^refused: rebind\.test resolves to 127\.0\.0\.1 \(loopback\), 10\.0\.0\.7 \(private\)/],
        [metadata.id, /^refused: metadata\.test resolves to 127\.0\.0\.1 \(loopback\), 169\.254\.169\.254 \(linkLocal\)/],
        [loop.id, /^refused: loop\.test resolves to 127\.0\.0\.1 \(loopback\);/],
      ]);
      try {
        await createPending(t, (await createProfile(t)).id);
        for (const [id, error] of expected) {
          const [delivery] = await settled(t, id, 1);
          assert.equal(delivery.status, "failed");
          assert.equal(delivery.attempts.length, 4, "every try is refused, then the delivery fails");
          for (const attempt of delivery.attempts) {
            assert.equal(attempt.response_status, null);
            assert.match(attempt.error, error);
          }
        }
      } finally {
        back();
      }
      // With loopback allowed (the local stack), a mix with a private address is still refused whole.
      for (const hook of [metadata, loop]) assert.equal((await t.json(`/webhooks/${hook.id}`, { method: "DELETE" })).status, 204);
      await createPending(t, (await createProfile(t)).id);
      const [again] = await settled(t, mixed.id, 2);
      assert.match(again.attempts[0].error, /^refused: rebind\.test resolves to 10\.0\.0\.7 \(private\)/);
      assert.equal(trap.connections, 0, "a refused address was connected to");
      // A name whose every address passes is connected to at the stubbed address (the trap speaks no TLS, so the try fails there).
      names.set("pinned.test", ["127.0.0.1"]);
      const pinned = await register(t, `https://pinned.test:${trap.port}/`, ["generation.created"]);
      await createPending(t, (await createProfile(t)).id);
      const [delivery] = await settled(t, pinned.id, 1);
      assert.match(delivery.attempts[0].error, /^connection failed/);
      assert.ok(trap.connections > 0, "the stubbed address was not connected to");
    } finally {
      await trap.close();
    }
  });

  test("an endpoint on loopback gets nothing once the switch is off, as deployed", async () => {
    const { t, path, hook } = await subscribed(["generation.created"]);
    const back = configureWebhooks({ allowLoopback: () => false });
    try {
      await createPending(t, (await createProfile(t)).id);
      const [delivery] = await settled(t, hook.id, 1);
      assert.equal(delivery.status, "failed");
      assert.match(delivery.attempts[0].error, /127\.0\.0\.1 \(loopback\)/);
      assert.deepEqual(receiver.at(path), []);
    } finally {
      back();
    }
  });
});

describe("deliveries", () => {
  test("every event arrives signed, with the state GET shows", async () => {
    const { t, path, hook } = await subscribed();
    const profile = await createProfile(t);
    const done = await createCompleted(t, profile.id, { text: "hello" });
    const failed = (await createPending(t, profile.id)).generation;
    await failGeneration(t, failed.id);
    const doomed = (await createPending(t, profile.id)).generation;
    assert.equal((await t.json(`/history/${doomed.id}`, { method: "DELETE" })).status, 204);
    const received = await receiver.waitFor(path, (r) => r.length >= 6, "six events");

    for (const r of received) {
      const payload = verify(hook.secret, r);
      assert.equal(r.headers["content-type"], "application/json");
      assert.match(r.headers["webhook-id"]!, /^[0-9a-f-]{36}$/);
      assert.deepEqual(Object.keys(payload), ["type", "timestamp", "data"]);
      assert.ok(!Number.isNaN(Date.parse(payload.timestamp)));
    }
    assert.equal(new Set(received.map((r) => r.headers["webhook-id"])).size, received.length, "each event has its own id");
    const [created] = ofType(received, "generation.created", done.id);
    assert.equal(created!.json.data.status, "pending");
    const [completed] = ofType(received, "generation.completed", done.id);
    assert.deepEqual(completed!.json.data, await shown(t, done.id));
    assert.deepEqual(ofType(received, "generation.failed", failed.id)[0]!.json.data, await shown(t, failed.id));
    assert.deepEqual(ofType(received, "generation.deleted", doomed.id)[0]!.json.data, { id: doomed.id });
    assert.equal(ofType(received, "generation.created").length, 3);
    // Changes without an event (a favorite, a rename) send nothing.
    assert.equal((await t.json(`/history/${done.id}/favorite`, { method: "PUT" })).status, 200);
    assert.equal((await t.json(`/profiles/${profile.id}`, { method: "PATCH", body: { name: "Renamed" } })).status, 200);
    await createPending(t, profile.id);
    await receiver.waitFor(path, (r) => r.length === 7, "the next event");
    assert.deepEqual(receiver.at(path).slice(6).map((r) => r.json.type), ["generation.created"]);

    const listed = await settled(t, hook.id, 7);
    assert.ok(listed.every((d) => d.status === "delivered" && d.attempt === 1 && d.response_status === 204 && d.next_retry_at === null));
    assert.deepEqual(new Set(listed.map((d) => d.event_id)), new Set(receiver.at(path).map((r) => r.headers["webhook-id"])));
  });

  test("a profile delete sends profile.deleted, each generation's delete and the job's end", async () => {
    const { t, path, hook } = await subscribed(["profile.deleted", "generation.deleted", "job.finished"]);
    const profile = await createProfile(t);
    const gens = [await createCompleted(t, profile.id), (await createPending(t, profile.id)).generation];
    const res = await t.json(`/profiles/${profile.id}`, { method: "DELETE" });
    assert.equal(res.status, 202);
    const job = await waitForJob(t, res.body.id);
    const received = await receiver.waitFor(path, (r) => r.length >= 4, "four events");
    assert.deepEqual(ofType(received, "profile.deleted")[0]!.json.data, { id: profile.id });
    assert.deepEqual(new Set(ofType(received, "generation.deleted").map((r) => r.json.data.id)), new Set(gens.map((g) => g.id)));
    const [finished] = ofType(received, "job.finished");
    assert.deepEqual(finished!.json.data, job);
    assert.deepEqual(finished!.json.data.result, { profile_id: profile.id, deleted_generations: 2 });
    for (const r of received) verify(hook.secret, r);
  });

  test("the trash sends generation.trashed and generation.restored; a purge sends nothing more", async () => {
    const { t, path, hook } = await subscribed(["generation.trashed", "generation.restored", "generation.deleted"]);
    await putSettings(t, { trash_days: 3 });
    const g = await createCompleted(t, (await createProfile(t)).id);
    assert.equal((await t.json(`/history/${g.id}`, { method: "DELETE" })).status, 204);
    assert.equal((await t.json(`/history/trash/${g.id}/restore`, { method: "POST" })).status, 200);
    const received = await receiver.waitFor(path, (r) => r.length >= 2, "two events");
    assert.deepEqual(received.map((r) => r.json.type), ["generation.trashed", "generation.restored"]);
    assert.deepEqual(received[0]!.json.data, { id: g.id });
    assert.deepEqual(received[1]!.json.data, await shown(t, g.id));
    for (const r of received) verify(hook.secret, r);
    assert.equal((await t.json(`/history/${g.id}`, { method: "DELETE" })).status, 204);
    assert.equal((await t.json(`/history/trash/${g.id}`, { method: "DELETE" })).status, 204);
    await settled(t, hook.id, 3);
    assert.deepEqual(receiver.at(path).map((r) => r.json.type), ["generation.trashed", "generation.restored", "generation.trashed"]);
  });

  test("job.finished carries an export's parts without download links", async () => {
    const { t, path } = await subscribed(["job.finished"]);
    const profile = await createProfile(t);
    const g = await createCompleted(t, profile.id);
    const res = await t.json("/history/exports", { method: "POST", body: { ids: [g.id] } });
    assert.equal(res.status, 202);
    const job = await waitForJob(t, res.body.id);
    const [finished] = await receiver.waitFor(path, (r) => r.length === 1);
    const { url: _url, parts, ...rest } = job.result;
    assert.deepEqual(finished!.json.data.result, { ...rest, parts: parts.map(({ url: _u, expires_at: _e, ...part }: any) => part) });
    assert.deepEqual(Object.keys(finished!.json.data.result.parts[0]).sort(), ["filename", "generations", "size_bytes"]);
  });

  test("a large import sends import.finished with its generation, or with its refusal", async () => {
    const source = await tenant(api);
    const g = await createCompleted(source, (await createProfile(source)).id);
    const { bytes } = await exportZip(source, g.id);
    const { t, path } = await subscribed(["import.finished"]);
    const good = await startLarge(t, bytes);
    const imported = await completeLarge(t, good.import_id);
    assert.equal(imported.status, 201);
    const bad = await startLarge(t, new TextEncoder().encode("not a zip at all"));
    const refused = await completeLarge(t, bad.import_id);
    assert.equal(refused.status, 422);
    const received = await receiver.waitFor(path, (r) => r.length === 2);
    const [ok] = ofType(received, "import.finished", good.import_id);
    assert.deepEqual(ok!.json.data, { import_id: good.import_id, status: "completed", profile_id: null, generation: await shown(t, imported.body.id), error: null });
    const [no] = ofType(received, "import.finished", bad.import_id);
    assert.deepEqual(no!.json.data, {
      import_id: bad.import_id,
      status: "failed",
      profile_id: null,
      generation: null,
      error: { status: 422, code: refused.body.code, detail: refused.body.detail },
    });
  });

  test("only subscribed events are sent, and only those after the endpoint was made", async () => {
    const t = await tenant(api);
    const profile = await createProfile(t);
    const before = await createCompleted(t, profile.id);
    const path = freshPath();
    await register(t, receiver.url(path), ["generation.completed"]);
    const after = await createCompleted(t, profile.id);
    await failGeneration(t, (await createPending(t, profile.id)).generation.id);
    const later = await createCompleted(t, profile.id);
    const received = await receiver.waitFor(path, (r) => r.length >= 2);
    await sleep(200);
    assert.deepEqual(received.map((r) => [r.json.type, r.json.data.id]).sort(), [["generation.completed", after.id], ["generation.completed", later.id]].sort());
    assert.ok(!received.some((r) => r.json.data.id === before.id));
  });

  test("a failing receiver gets the same event again, with the same webhook-id, until it answers 2xx", async () => {
    const { t, path, hook } = await subscribed(["generation.created"]);
    receiver.answer = (r, n) => (r.path === path ? { status: [500, 503][n] ?? 200 } : { status: 204 });
    try {
      const g = (await createPending(t, (await createProfile(t)).id)).generation;
      const received = await receiver.waitFor(path, (r) => r.length === 3, "three tries");
      assert.equal(new Set(received.map((r) => r.headers["webhook-id"])).size, 1);
      for (const r of received) assert.equal(verify(hook.secret, r).data.id, g.id);
      const [delivery] = await settled(t, hook.id, 1);
      assert.equal(delivery.status, "delivered");
      assert.deepEqual(delivery.attempts.map((a: any) => [a.attempt, a.response_status, a.error === null]), [[1, 500, false], [2, 503, false], [3, 200, true]]);
      assert.ok(delivery.attempts[0].next_retry_at && delivery.attempts[1].next_retry_at && delivery.attempts[2].next_retry_at === null);
      assert.equal(delivery.event_id, received[0]!.headers["webhook-id"]);
    } finally {
      receiver.answer = () => ({ status: 204 });
    }
  });

  test("a redirect is not followed: a 3xx is a failed try", async () => {
    const { t, path, hook } = await subscribed(["generation.created"]);
    const target = freshPath();
    receiver.answer = (r) => (r.path === path ? { status: 302, headers: { location: receiver.url(target) } } : { status: 204 });
    try {
      await createPending(t, (await createProfile(t)).id);
      const [delivery] = await settled(t, hook.id, 1);
      assert.equal(delivery.status, "failed");
      assert.deepEqual(delivery.attempts.map((a: any) => a.response_status), [302, 302, 302, 302]);
      assert.equal(delivery.attempts[0].error, "answered 302");
      assert.deepEqual(receiver.at(target), []);
    } finally {
      receiver.answer = () => ({ status: 204 });
    }
  });

  test("an answer later than the timeout is a failed try", async () => {
    const back = configureWebhooks({ timeoutMs: 300, retryDelaysMs: [100] });
    const { t, path, hook } = await subscribed(["generation.created"]);
    receiver.answer = (r) => (r.path === path ? { status: 200, delayMs: 1_500 } : { status: 204 });
    try {
      await createPending(t, (await createProfile(t)).id);
      const [delivery] = await settled(t, hook.id, 1);
      assert.equal(delivery.status, "failed");
      assert.deepEqual(delivery.attempts.map((a: any) => [a.response_status, a.error]), [
        [null, "no answer within 0.3 s"],
        [null, "no answer within 0.3 s"],
      ]);
    } finally {
      back();
      receiver.answer = () => ({ status: 204 });
    }
  });

  test("an endpoint failing for 5 days is disabled and says so; PATCH enabled brings it back", async () => {
    let offset = 0;
    const back = configureWebhooks({ now: () => Date.now() + offset, retryDelaysMs: [100, 100] });
    const { t, path, hook } = await subscribed(["generation.created"]);
    receiver.answer = (r) => (r.path === path ? { status: 500 } : { status: 204 });
    try {
      const profile = await createProfile(t);
      await createPending(t, profile.id);
      await settled(t, hook.id, 1);
      assert.equal((await t.json(`/webhooks/${hook.id}`)).body.status, "enabled", "a day of failures does not disable");
      offset = 5 * 86_400_000 + 60_000;
      await createPending(t, profile.id);
      const deadline = Date.now() + 15_000;
      let shownHook = (await t.json(`/webhooks/${hook.id}`)).body;
      while (shownHook.status !== "disabled") {
        assert.ok(Date.now() < deadline, "not disabled");
        await sleep(50);
        shownHook = (await t.json(`/webhooks/${hook.id}`)).body;
      }
      assert.match(shownHook.disabled_reason, /failed for 5 days/);
      assert.ok(shownHook.disabled_at);
      // While disabled, events are not delivered.
      const sent = receiver.at(path).length;
      await createPending(t, profile.id);
      await sleep(300);
      assert.equal(receiver.at(path).length, sent);

      receiver.answer = () => ({ status: 204 });
      const enabled = await t.json(`/webhooks/${hook.id}`, { method: "PATCH", body: { enabled: true } });
      assert.deepEqual([enabled.body.status, enabled.body.disabled_reason], ["enabled", null]);
      const g = (await createPending(t, profile.id)).generation;
      await receiver.waitFor(path, (r) => r.some((x) => x.json.data.id === g.id && ofType([x], "generation.created").length === 1));
    } finally {
      back();
      receiver.answer = () => ({ status: 204 });
    }
  });

  test("after a rotation the old secret signs too, for a day", async () => {
    const { t, path, hook } = await subscribed(["generation.created"]);
    const rotated = (await t.json(`/webhooks/${hook.id}/rotate-secret`, { method: "POST" })).body;
    await createPending(t, (await createProfile(t)).id);
    const [r] = await receiver.waitFor(path, (x) => x.length === 1);
    assert.equal(r!.headers["webhook-signature"]!.split(" ").length, 2);
    verify(rotated.secret, r!);
    verify(hook.secret, r!);
    assert.throws(() => verify(`whsec_${Buffer.alloc(32, 7).toString("base64")}`, r!));
  });

  test("deliveries page newest first with a cursor", async () => {
    const { t, path, hook } = await subscribed(["generation.created"]);
    const profile = await createProfile(t);
    for (let i = 0; i < 3; i++) await createPending(t, profile.id);
    await receiver.waitFor(path, (r) => r.length === 3);
    const all = await settled(t, hook.id, 3);
    const ids = all.map((d) => d.event_id);
    assert.deepEqual(ids, [...ids].sort().reverse());
    const first = await deliveries(t, hook.id, "?limit=2");
    assert.deepEqual(first.items.map((d) => d.event_id), ids.slice(0, 2));
    assert.ok(first.next_cursor);
    const second = await deliveries(t, hook.id, `?limit=2&cursor=${first.next_cursor}`);
    assert.deepEqual(second.items.map((d) => d.event_id), ids.slice(2));
  });
});

describe("tenant walls", () => {
  test("a delivery carries only its own tenant's data, signed with its own endpoint's secret", async () => {
    const [a, b] = [await subscribed(["generation.created"]), await subscribed(["generation.created"])];
    const [ga, gb] = [
      (await createPending(a.t, (await createProfile(a.t)).id)).generation,
      (await createPending(b.t, (await createProfile(b.t)).id)).generation,
    ];
    const [ra] = await receiver.waitFor(a.path, (r) => r.length === 1);
    const [rb] = await receiver.waitFor(b.path, (r) => r.length === 1);
    await sleep(200);
    assert.deepEqual([receiver.at(a.path).length, receiver.at(b.path).length], [1, 1]);
    assert.equal(verify(a.hook.secret, ra!).data.id, ga.id);
    assert.equal(verify(b.hook.secret, rb!).data.id, gb.id);
    assert.throws(() => verify(b.hook.secret, ra!));
    assert.deepEqual((await deliveries(a.t, a.hook.id)).items.map((d) => d.event_id), [ra!.headers["webhook-id"]]);
  });
});

describe("nothing is lost", () => {
  const sweep = (t: Tenant) => runWebhookSweep({ tenants: (id) => id === t.id });

  test("a nudge lost after the write commits: the sweep delivers the event", async () => {
    const { t, path } = await subscribed(["generation.created"]);
    const back = configureWebhooks({ lose: (m) => m.kind === "dispatch" && m.tenant === t.id });
    let g;
    try {
      g = (await createPending(t, (await createProfile(t)).id)).generation;
      await sleep(300);
      assert.deepEqual(receiver.at(path), [], "the dispatcher ran without its nudge");
    } finally {
      back();
    }
    const result = await sweep(t);
    assert.equal(result.nudged, 1);
    const [r] = await receiver.waitFor(path, (x) => x.length === 1);
    assert.equal(r!.json.data.id, g.id);
    // Caught up: the next sweep nudges nothing.
    await sleep(200);
    assert.equal((await sweep(t)).nudged, 0);
  });

  test("a try's message lost: the delivery stays pending and the sweep sends it again", async () => {
    const { t, path, hook } = await subscribed(["generation.created"]);
    const back = configureWebhooks({ lose: (m) => m.kind === "attempt" && m.tenant === t.id });
    try {
      await createPending(t, (await createProfile(t)).id);
      const deadline = Date.now() + 15_000;
      while ((await deliveries(t, hook.id)).items.length === 0) {
        assert.ok(Date.now() < deadline, "no delivery recorded");
        await sleep(50);
      }
      await sleep(300);
      const [pending] = (await deliveries(t, hook.id)).items;
      assert.deepEqual([pending.status, pending.attempt], ["pending", 0]);
      assert.deepEqual(receiver.at(path), []);
    } finally {
      back();
    }
    const early = configureWebhooks({ overdueAfterMs: 0 });
    try {
      assert.equal((await sweep(t)).resent, 1);
    } finally {
      early();
    }
    await receiver.waitFor(path, (x) => x.length === 1);
    const [delivery] = await settled(t, hook.id, 1);
    assert.equal(delivery.status, "delivered");
  });

  test("a tenant whose last endpoint is deleted leaves the sweep's registry", async () => {
    const t = await tenant(api);
    const hook = await register(t, "https://hooks.example.test/", ["job.finished"]);
    assert.equal((await sweep(t)).pruned, 0);
    assert.equal((await t.json(`/webhooks/${hook.id}`, { method: "DELETE" })).status, 204);
    assert.deepEqual(await sweep(t), { tenants: 1, nudged: 0, resent: 0, pruned: 1, errors: 0 });
    assert.equal((await sweep(t)).tenants, 0);
  });
});
