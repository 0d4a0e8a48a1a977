// Large imports completed by the archive's S3 notification (packages/functions/src/upload-events.ts
// → completeImport), exactly as POST /history/imports/{id}/complete would: the event alone
// completes them, racing the call imports once, the call then answers the same generation (201)
// or the same refusal, a holder that died is taken over, a holder that lost its claim commits
// nothing, a request out of time hands the import back, and the entries an import stages next to
// its archive trigger nothing.
//   npx tsx tests/support/run.ts tests/import-events.test.ts
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, afterEach, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { s3 } from "@sonna/core/storage/client";
import { bucketName, tableName } from "@sonna/core/resources";
import { objectKeys } from "@sonna/core/storage/keys";
import { keys } from "@sonna/core/table/keys";
import { authorizedEnv } from "@sonna/local/gateway";
import { startApi, type Api, type JsonResponse, type Tenant } from "./support/server";
import { keyOfUrl, notifyCreated } from "./support/events";
import { assertError, assertStatsMatchRecount, createCompleted, objectExists, recount, tenantWithProfile, uploadAudio, type Upload } from "./support/fixtures";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

const notify = notifyCreated;

let removeAfter: (() => void)[] = [];
afterEach(() => {
  for (const remove of removeAfter.splice(0)) remove();
});

/** A tenant with one completed generation, and that generation's export: a valid archive. */
async function setup() {
  const { t, profileId } = await tenantWithProfile(api);
  const g = await createCompleted(t, profileId, { text: "imported by its event" });
  const link = await t.json(`/history/${g.id}/export`);
  assert.equal(link.status, 200);
  const zip = new Uint8Array(await (await fetch(link.body.url)).arrayBuffer());
  return { t, zip };
}

/** POST /history/imports, then the PUT; no complete. */
async function uploaded(t: Tenant, zip: Uint8Array) {
  const start = await t.json("/history/imports", { method: "POST", body: {} });
  assert.equal(start.status, 201, JSON.stringify(start.body));
  await uploadAudio(start.body.upload, zip);
  return { importId: start.body.import_id as string, key: keyOfUrl((start.body.upload as Upload).url) };
}

const complete = (t: Tenant, importId: string) => t.json(`/history/imports/${importId}/complete`, { method: "POST" });

const importRecord = async (t: Tenant, importId: string) =>
  (await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.importRecord(t.id, importId), ConsistentRead: true }))).Item!;

/** Sets the import record as another holder would have left it. */
const holdImport = (t: Tenant, importId: string, leaseMs: number) =>
  dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.importRecord(t.id, importId),
      UpdateExpression: "SET #status = :importing, claim = :claim, lease_until = :until",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":importing": "importing", ":claim": "someone-else", ":until": Date.now() + leaseMs },
    }),
  );

/** Every object of the tenant's under imports/ and t/ (audio placed by imports). */
async function tenantObjects(t: Tenant): Promise<string[]> {
  const found: string[] = [];
  for (const prefix of [`imports/${objectKeys.tenantPrefix(t.id).split("/")[1]}/`, objectKeys.tenantPrefix(t.id)]) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucketName(), Prefix: prefix }));
    found.push(...(page.Contents ?? []).map((o) => o.Key!));
  }
  return found.sort();
}

/** The generations a tenant has, and the audio objects their records point at. */
async function generationsAndAudio(t: Tenant) {
  const { items } = await recount(t.id);
  return { count: items.length, audio: items.flatMap((i) => [i.audio_path, ...i.versions.map((v: { audio_path: string }) => v.audio_path)]) };
}

describe("the archive's event completes the import", () => {
  test("alone: the import is done, the archive removed, and the client's complete answers the same generation with 201", async () => {
    const { t, zip } = await setup();
    const { importId, key } = await uploaded(t, zip);
    await notify(key);
    const record = await importRecord(t, importId);
    assert.equal(record.status, "completed");
    assert.equal(await objectExists(key), false, "the archive is removed once imported");
    const res = await complete(t, importId);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.id, record.generation_id);
    assert.equal((await complete(t, importId)).body.id, record.generation_id, "and again");
    const { count, audio } = await generationsAndAudio(t);
    assert.equal(count, 2);
    assert.deepEqual(await tenantObjects(t), [...new Set(audio)].sort(), "no staged entry, archive or stray copy is left");
    await assertStatsMatchRecount(t);
  });

  test("racing the client's completes: imported once, every answer 201 with the same generation", async () => {
    const { t, zip } = await setup();
    const { importId, key } = await uploaded(t, zip);
    const calls: Promise<JsonResponse>[] = [];
    const event = notify(key);
    for (let i = 0; i < 3; i++) calls.push(complete(t, importId));
    const [answers] = await Promise.all([Promise.all(calls), event, notify(key)]);
    for (const res of answers) assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(new Set(answers.map((r) => r.body.id)).size, 1);
    assert.equal((await generationsAndAudio(t)).count, 2, "one import, one new generation");
    await assertStatsMatchRecount(t);
  });

  test("a refused archive: the client's complete answers the refusal the event got, the same as a call alone would", async () => {
    const { t } = await setup();
    const notZip = new TextEncoder().encode("this is not a zip archive at all");
    const byEvent = await uploaded(t, notZip);
    await notify(byEvent.key);
    assert.equal((await importRecord(t, byEvent.importId)).status, "failed");
    assert.equal(await objectExists(byEvent.key), false, "the refused archive is removed");
    const afterEvent = await complete(t, byEvent.importId);
    const byCall = await uploaded(t, notZip);
    const alone = await complete(t, byCall.importId);
    assertError(alone, 422, "archive.not_zip");
    assertError(afterEvent, alone.status, alone.body.code);
    assert.equal(afterEvent.body.detail, alone.body.detail);
    assert.deepEqual((await complete(t, byCall.importId)).body, alone.body, "completing again answers the same");
    assert.equal((await generationsAndAudio(t)).count, 1);
    await assertStatsMatchRecount(t);
  });

  test("the entries an import stages next to its archive, and unknown imports, trigger nothing", async () => {
    const { t, zip } = await setup();
    const { importId, key } = await uploaded(t, zip);
    const entry = objectKeys.importStaging(t.id, importId, 0);
    await s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: entry, Body: zip.subarray(0, 100) }));
    await notify(entry);
    assert.equal((await importRecord(t, importId)).status, "awaiting_upload");
    assert.equal(await objectExists(entry), true, "never the handler's to touch");
    await s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: entry.replace(/\/entry-0\.wav$/, "/entry-0.zip"), Body: zip }));
    await notify(entry.replace(/\/entry-0\.wav$/, "/entry-0.zip"));
    assert.equal((await importRecord(t, importId)).status, "awaiting_upload");
    // An archive at a well-formed key with no import behind it is removed, nothing else.
    const stray = objectKeys.importUpload(t.id, "01900000-0000-7000-8000-000000000000");
    await s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: stray, Body: zip }));
    await notify(stray);
    assert.equal(await objectExists(stray), false);
    assert.equal((await complete(t, importId)).status, 201);
    assert.equal(await objectExists(key), false);
  });

  test("a second PUT of the archive after the import is removed and imports nothing", async () => {
    const { t, zip } = await setup();
    const { importId, key } = await uploaded(t, zip);
    const first = await complete(t, importId);
    assert.equal(first.status, 201);
    await s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: key, Body: zip }));
    await notify(key);
    assert.equal(await objectExists(key), false);
    assert.equal((await generationsAndAudio(t)).count, 2);
    assert.equal((await complete(t, importId)).body.id, first.body.id);
  });
});

describe("claims", () => {
  test("a holder that died: the event and the call wait for its lease to lapse, then one of them imports", async () => {
    const { t, zip } = await setup();
    const { importId, key } = await uploaded(t, zip);
    await holdImport(t, importId, 1_500);
    const started = Date.now();
    const [res] = await Promise.all([complete(t, importId), notify(key)]);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.ok(Date.now() - started >= 1_400, "the live lease was respected");
    assert.equal((await importRecord(t, importId)).generation_id, res.body.id);
    assert.equal((await generationsAndAudio(t)).count, 2);
    await assertStatsMatchRecount(t);
  });

  test("a holder whose claim was taken over commits nothing; the new holder imports once", async () => {
    const { t, zip } = await setup();
    const { importId } = await uploaded(t, zip);
    let stolen = false;
    const name = "import-events-steal";
    // Just before the first holder's transaction, another caller takes the import over (as if
    // the first had stalled past its lease); the takeover lapses a second later.
    (dynamo.middlewareStack as any).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        if (!stolen && /TransactWrite/.test(context.commandName ?? "")) {
          stolen = true;
          await holdImport(t, importId, 1_000);
        }
        return next(args);
      },
      { step: "initialize", name, priority: "high" },
    );
    removeAfter.push(() => (dynamo.middlewareStack as any).remove(name));
    const res = await complete(t, importId);
    assert.ok(stolen);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { count, audio } = await generationsAndAudio(t);
    assert.equal(count, 2, "the first holder's generation was never written");
    assert.deepEqual(await tenantObjects(t), [...new Set(audio)].sort(), "the first holder left nothing behind");
    await assertStatsMatchRecount(t);
  });

  test("a Lambda request with no time left does not start the import (409 import.in_progress); the next complete imports", async () => {
    const { t, zip } = await setup();
    const { importId } = await uploaded(t, zip);
    const { app } = await import("@sonna/functions/app");
    // What the Lambda adapter passes: a context whose time is already used up but for the margin.
    const res = await app.request(
      `/history/imports/${importId}/complete`,
      { method: "POST" },
      { ...authorizedEnv({ sub: t.id }), lambdaContext: { getRemainingTimeInMillis: () => 5_000 } },
    );
    assert.equal(res.status, 409);
    assert.equal(((await res.json()) as { code: string }).code, "import.in_progress");
    assert.equal(res.headers.get("retry-after"), "5");
    assert.equal((await importRecord(t, importId)).status, "awaiting_upload");
    assert.equal((await generationsAndAudio(t)).count, 1);
    const { audio } = await generationsAndAudio(t);
    assert.deepEqual(await tenantObjects(t), [...new Set([...audio, objectKeys.importUpload(t.id, importId)])].sort(), "only the archive, for the next try");
    assert.equal((await complete(t, importId)).status, 201);
    await assertStatsMatchRecount(t);
  });

  test("time running out while the archive streams: the import stops, leaves nothing and is handed back", async () => {
    const { t, zip } = await setup();
    const { importId, key } = await uploaded(t, zip);
    const { completeImport } = await import("@sonna/core/transfer/imports");
    // The archive trickles out of the bucket in 512-byte pieces, 20 ms apart: slower than the deadline.
    const name = "import-events-slow";
    (s3.middlewareStack as any).add(
      (next: (args: unknown) => Promise<{ output: { Body?: unknown } }>, context: { commandName?: string }) => async (args: { input: { Key?: string } }) => {
        const result = await next(args);
        if (context.commandName !== "GetObjectCommand" || args.input.Key !== key) return result;
        const bytes = await (result.output.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
        result.output.Body = Readable.from(
          (async function* () {
            for (let i = 0; i < bytes.length; i += 512) {
              await sleep(20);
              yield bytes.subarray(i, i + 512);
            }
          })(),
        );
        return result;
      },
      { step: "initialize", name, priority: "high" },
    );
    removeAfter.push(() => (s3.middlewareStack as any).remove(name));
    assert.ok(zip.length > 8 * 1024, `the archive is only ${zip.length} bytes`);
    await assert.rejects(completeImport(t.id, importId, { deadline: Date.now() + 150 }), (error: { code?: string }) => error.code === "import.in_progress");
    assert.equal((await importRecord(t, importId)).status, "awaiting_upload");
    const { audio } = await generationsAndAudio(t);
    assert.deepEqual(await tenantObjects(t), [...new Set([...audio, key])].sort(), "only the archive, for the next try");
    for (const remove of removeAfter.splice(0)) remove();
    assert.equal((await complete(t, importId)).status, 201);
    await assertStatsMatchRecount(t);
  });
});
