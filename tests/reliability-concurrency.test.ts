// Reliability: 500 mixed operations in parallel (at most 25 in flight) over 5 profiles of one
// tenant, then the invariants: stats equal a recount, no record lacks its audio, no audio lacks
// its record, and no request was ever answered with a 5xx. Then the same mix again under injected
// DynamoDB contention (TransactionConflict and throttling cancellations, throttled calls), which
// DynamoDB Local never raises: only well-formed 503s are allowed, and the invariants still hold.
// 150 and 100 operations by default, so the file stays near a minute on a loaded machine;
// SONNA_RELIABILITY_OPS and SONNA_CONTENTION_OPS raise them (npm run soak runs 500 of each).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { dynamo } from "@sonna/core/aws";
import { s3 } from "@sonna/core/storage/client";
import { makeWav } from "@sonna/core/wav/make";
import { assertConsistent, assertError, createCompleted, createPending, createProfile, inParallel, smallWav, uploadAudio } from "./support/fixtures";
import { cancelled, faultFigures, inject, interpose, prng, removeAllFaults, throttled } from "./support/faults";
import { startApi, tenant, type Api, type JsonResponse, type Tenant } from "./support/server";
import { exportZip, importInRequest } from "./support/transfer";

const OPS = Number(process.env.SONNA_RELIABILITY_OPS ?? 150);
const CONTENDED_OPS = Number(process.env.SONNA_CONTENTION_OPS ?? 100);
const SEED = Number(process.env.SONNA_RELIABILITY_SEED ?? 20261124);
const WIDTH = 25;

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

type Kind = "create" | "upload_complete" | "favorite" | "delete" | "double_delete" | "import" | "fail" | "version";
const KINDS: [Kind, number][] = [
  ["create", 14],
  ["upload_complete", 22],
  ["favorite", 16],
  ["delete", 10],
  ["double_delete", 6],
  ["import", 10],
  ["fail", 10],
  ["version", 8],
  // weights sum to 96; the rest falls to upload_complete
];

interface Contention {
  /** Installs the faults; removed before the invariants are checked. */
  install(random: () => number): void;
}

/**
 * `ops` operations drawn from KINDS (seeded) over 5 fresh profiles of a fresh tenant, at most
 * WIDTH in flight, then the invariants. Without `contention` no answer may be a 5xx; with it, a
 * 503 must carry Retry-After and `service.unavailable`, and nothing else may be a 5xx.
 */
async function workload(suite: string, ops: number, contention?: Contention): Promise<Record<string, unknown>> {
  const started = Date.now();
  const random = prng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const raw: Tenant = await tenant(api);
  // A keep-alive socket the server closes just as a request goes out fails the fetch
  // ("other side closed"); that is the transport, not the API. Count it and resend once.
  const networkErrors: string[] = [];
  const resend = async <R>(fn: () => Promise<R>): Promise<R> => {
    try {
      return await fn();
    } catch (error) {
      networkErrors.push(String((error as { cause?: unknown }).cause ?? error));
      return fn();
    }
  };
  const t: Tenant = { ...raw, json: (path, init) => resend(() => raw.json(path, init)), request: (path, init) => resend(() => raw.request(path, init)) };
  const profiles = await Promise.all(Array.from({ length: 5 }, (_, i) => createProfile(t, `Reliability ${i}`)));
  const wav = makeWav({ frames: 2_400 });
  const versionWav = makeWav({ frames: 1_200 });

  // A few completed generations to start from, and one exported archive kept for imports.
  const known: string[] = [];
  for (const p of profiles) known.push((await createCompleted(t, p.id, { wav, text: `seed ${p.name}` })).id);
  const { bytes: seedArchive } = await exportZip(t, known[0]!);

  const byKind: Record<string, number> = {};
  const statuses: Record<string, Record<string, number>> = {};
  const violations: string[] = [];
  let unavailable = 0;
  const note = (kind: string, what: string, res: JsonResponse) => {
    ((statuses[kind] ??= {})[res.status] ??= 0);
    statuses[kind]![res.status]!++;
    if (res.status < 500) return;
    const wellFormed503 = res.status === 503 && Number(res.headers.get("retry-after")) > 0 && res.body?.code === "service.unavailable";
    if (contention && wellFormed503) unavailable++;
    else violations.push(`${kind} ${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  };

  const plan: Kind[] = Array.from({ length: ops }, () => {
    let r = random() * 100;
    for (const [kind, weight] of KINDS) if ((r -= weight) < 0) return kind;
    return "upload_complete";
  });

  contention?.install(prng(SEED + 1));
  const msByKind: Record<string, number> = {};
  await inParallel(plan, WIDTH, async (kind) => {
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const t0 = Date.now();
    try {
      await run(kind);
    } finally {
      msByKind[kind] = (msByKind[kind] ?? 0) + Date.now() - t0;
    }
  });
  async function run(kind: Kind): Promise<void> {
    const profile = pick(profiles);
    switch (kind) {
      case "create": {
        const res = await t.json("/history", { method: "POST", body: { profile_id: profile.id, text: `pending ${random()}`, engine: pick(["qwen", "kokoro"]) } });
        note(kind, "POST /history", res);
        if (res.status === 201) known.push(res.body.generation.id);
        return;
      }
      case "upload_complete": {
        const res = await t.json("/history", { method: "POST", body: { profile_id: profile.id, text: `voiced ${random()}`, language: pick(["en", "de", "fr"]) } });
        note(kind, "POST /history", res);
        if (res.status !== 201) return;
        known.push(res.body.generation.id);
        await uploadAudio(res.body.upload, wav);
        note(kind, "complete", await t.json(`/history/${res.body.generation.id}/complete`, { method: "POST" }));
        return;
      }
      case "favorite": {
        const id = pick(known);
        note(kind, "favorite", await t.json(`/history/${id}/favorite`, { method: pick(["POST", "POST", "PUT", "DELETE"]) }));
        return;
      }
      case "delete": {
        note(kind, "delete", await t.json(`/history/${pick(known)}`, { method: "DELETE" }));
        return;
      }
      case "double_delete": {
        const id = pick(known);
        const [a, b] = await Promise.all([t.json(`/history/${id}`, { method: "DELETE" }), t.json(`/history/${id}`, { method: "DELETE" })]);
        note(kind, "delete #1", a);
        note(kind, "delete #2", b);
        return;
      }
      case "import": {
        // Export a live generation and import the archive it gives; when the pick is gone
        // (deleted meanwhile), import the archive kept from the start.
        const id = pick(known);
        let archive = seedArchive;
        const res = random() < 0.4 ? await t.json(`/history/${id}/export`) : undefined;
        if (res) note(kind, "export", res);
        if (res?.status === 200) {
          const download = await fetch(res.body.url);
          if (download.ok) archive = new Uint8Array(await download.arrayBuffer());
          else await download.arrayBuffer();
        }
        const imported = await importInRequest(t, archive, profile.id);
        note(kind, "import", imported);
        if (imported.status === 201) known.push(imported.body.id);
        return;
      }
      case "fail": {
        const res = await t.json("/history", { method: "POST", body: { profile_id: profile.id, text: `doomed ${random()}` } });
        note(kind, "POST /history", res);
        if (res.status !== 201) return;
        known.push(res.body.generation.id);
        note(kind, "fail", await t.json(`/history/${res.body.generation.id}/fail`, { method: "POST", body: { error: "engine crashed" } }));
        return;
      }
      case "version": {
        const id = pick(known);
        const res = await t.json(`/history/${id}/versions`, { method: "POST", body: { label: "louder", effects_chain: [{ type: "gain", params: { db: 3 } }] } });
        note(kind, "POST versions", res);
        if (res.status !== 201) return;
        await uploadAudio(res.body.upload, versionWav);
        note(kind, "complete version", await t.json(`/history/${id}/versions/${res.body.version.id}/complete`, { method: "POST" }));
        return;
      }
    }
  }
  removeAllFaults();

  assert.deepEqual(violations, [], "a request was answered with a 5xx (other than a well-formed 503 under contention)");
  // Sanity: the run did real work of every kind.
  assert.ok(Object.keys(byKind).length >= 7, JSON.stringify(byKind));

  // Let in-process upload notifications and jobs settle before counting.
  await new Promise((wake) => setTimeout(wake, 500));
  const { stats, recount: counted, objects, orphans, missing } = await assertConsistent(t);
  return {
    suite,
    seed: SEED,
    operations: ops,
    width: WIDTH,
    by_kind: byKind,
    busy_ms_by_kind: msByKind,
    statuses,
    five_xx: violations.length,
    ...(contention ? { answered_503: unavailable } : {}),
    network_errors_resent: networkErrors.length,
    final: { generations: stats.total_generations, by_status: stats.generations_by_status, favorites: stats.favorites, objects: objects.length, records: counted.items.length },
    missing_audio: missing.length,
    orphan_objects: orphans.length,
    ms: Date.now() - started,
  };
}

test(`${OPS} mixed operations in parallel keep stats exact and audio and records in step`, { timeout: Math.max(170_000, OPS * 1_000) }, async () => {
  console.log(`RELIABILITY ${JSON.stringify(await workload("concurrency", OPS))}`);
});

test(`${CONTENDED_OPS} mixed operations under injected transaction conflicts and throttling: no 500, stats exact`, { timeout: Math.max(170_000, CONTENDED_OPS * 1_000) }, async () => {
  const reasons = ["TransactionConflict", "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"] as const;
  const names = ["ProvisionedThroughputExceededException", "ThrottlingException"] as const;
  const figures = await workload("contention", CONTENDED_OPS, {
    install(random) {
      const pickOf = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
      // A fifth of all transactions meet another holding one of their items (or a throttled partition).
      inject(dynamo, /TransactWrite/, () => random() < 0.2, (command, input) => cancelled(pickOf(reasons), Math.floor(random() * 8))(command, input));
      // Throttled calls the SDK's retries absorb, and a few that outlast them.
      inject(dynamo, /GetItem|Query|TransactWrite|BatchGetItem|PutItem|UpdateItem/, () => random() < 0.04, () => throttled(pickOf(names))(), "deserialize");
      inject(dynamo, /GetItem|Query/, () => random() < 0.005, () => throttled(pickOf(names))());
    },
  });
  console.log(`RELIABILITY ${JSON.stringify({ ...figures, faults_injected: faultFigures.faults_injected, faults_by_command: faultFigures.faults_by_command })}`);
  assert.ok(faultFigures.faults_injected > 0, "no fault was injected");
});

test("a delete that lands between complete's HEAD and its read of the WAV header answers 404, not 500", async () => {
  const t = await tenant(api);
  const profile = await createProfile(t);
  const { generation, upload } = await createPending(t, profile.id);
  await uploadAudio(upload, await smallWav());
  const race = interpose(s3, /GetObject/, async () => assert.equal((await t.json(`/history/${generation.id}`, { method: "DELETE" })).status, 204));
  assertError(await t.json(`/history/${generation.id}/complete`, { method: "POST" }), 404, "generation.not_found");
  assert.equal(race.state.hit, 1, "complete never read the audio");
  await assertConsistent(t);
});
