// The completion sequence (packages/core/src/generations/lifecycle.ts completeFromUpload) under
// every interleaving it has to survive: racing completes, a crash between the copy and the
// transaction, a quota refusal after the copy, a PUT racing the copy, and the multipart copy of
// big objects. Real HTTP against DynamoDB Local and s3rver; where s3rver lacks an S3 feature
// (x-amz-copy-source-if-match, UploadPartCopy), a middleware on the app's own S3 client plays S3's
// documented part, and the test says so.
//   npx tsx tests/support/run.ts tests/completion.test.ts
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  type UploadPartCopyCommandInput,
} from "@aws-sdk/client-s3";
import { dynamo } from "@sonna/core/aws";
import { s3 } from "@sonna/core/storage/client";
import { reconcileTenant } from "@sonna/core/maintenance/reconcile";
import { bucketName } from "@sonna/core/resources";
import { copyObject } from "@sonna/core/storage/copy";
import { SourceChanged } from "@sonna/core/storage/objects";
import { objectKeys } from "@sonna/core/storage/keys";
import { makeWav } from "@sonna/core/wav/make";
import { startApi, type Api, type Tenant } from "./support/server";
import { keyOfUrl, notifyCreated } from "./support/events";
import { assertError, assertStatsMatchRecount, createCompleted, createPending, getStats, objectExists, tenantWithProfile, uploadAudio, type Upload } from "./support/fixtures";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

const wav = (n: number) => makeWav({ frames: 2_000 + 150 * n, fill: (i) => 0.3 * Math.sin(i / (3 + n)) });
const keyOf = (upload: Upload) => keyOfUrl(upload.url);

// ---------------------------------------------------------------------------------------------
// Interceptors on the app's own S3 and DynamoDB clients, removed after each test.

type Client = typeof s3 | typeof dynamo;
type Next = (args: { input: any }) => Promise<unknown>;
let installed: (() => void)[] = [];
afterEach(() => {
  for (const remove of installed.splice(0)) remove();
});

/** Runs `around` instead of every command the client sends whose name matches (call `next` to send it). */
function intercept(client: Client, command: RegExp, around: (input: any, next: () => Promise<unknown>) => Promise<unknown>) {
  const name = `completion-${Math.random().toString(36).slice(2)}`;
  (client.middlewareStack as any).add(
    (next: Next, context: { commandName?: string }) => async (args: { input: any }) =>
      command.test(context.commandName ?? "") ? around(args.input, () => next(args)) : next(args),
    { step: "initialize", name, priority: "high" },
  );
  installed.push(() => (client.middlewareStack as any).remove(name));
}

const s3Error = (name: string, status: number) => Object.assign(new Error(name), { name, $fault: "client", $metadata: { httpStatusCode: status } });
const sourceKey = (copySource: string) => decodeURIComponent(copySource.slice(bucketName().length + 1));
const etagOf = async (key: string) => (await s3.send(new HeadObjectCommand({ Bucket: bucketName(), Key: key }))).ETag;

/**
 * What S3 does and s3rver 3.7.1 does not: refuse a copy whose source no longer has the ETag in
 * x-amz-copy-source-if-match (412 PreconditionFailed), atomically with the copy.
 */
function enforceCopySourceIfMatch(beforeCheck: () => Promise<void> = async () => {}) {
  intercept(s3, /^CopyObjectCommand$/, async (input, next) => {
    await beforeCheck();
    if (input.CopySourceIfMatch && (await etagOf(sourceKey(input.CopySource))) !== input.CopySourceIfMatch) throw s3Error("PreconditionFailed", 412);
    return next();
  });
}

/** UploadPartCopy, which s3rver lacks: the range read from the source (if it still matches) and sent as a part. */
function emulateUploadPartCopy(seen: UploadPartCopyCommandInput[], beforePart: () => Promise<void> = async () => {}) {
  intercept(s3, /^UploadPartCopyCommand$/, async (input: UploadPartCopyCommandInput) => {
    seen.push(input);
    await beforePart();
    const source = sourceKey(input.CopySource!);
    if (input.CopySourceIfMatch && (await etagOf(source)) !== input.CopySourceIfMatch) throw s3Error("PreconditionFailed", 412);
    const part = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: source, Range: input.CopySourceRange }));
    const body = await part.Body!.transformToByteArray();
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket: input.Bucket, Key: input.Key, UploadId: input.UploadId, PartNumber: input.PartNumber, Body: body }));
    return { output: { CopyPartResult: { ETag }, $metadata: {} }, response: {} };
  });
}

// ---------------------------------------------------------------------------------------------

/** Every object under a generation's audio prefix: its copies, recorded or not. */
async function copiesOf(t: Tenant, generationId: string): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucketName(), Prefix: `${objectKeys.tenantPrefix(t.id)}audio/${generationId}` }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}

async function served(t: Tenant, id: string): Promise<Uint8Array> {
  const res = await t.json(`/history/${id}`);
  assert.equal(res.status, 200);
  return new Uint8Array(await (await fetch(res.body.audio_url)).arrayBuffer());
}

const setup = () => tenantWithProfile(api);

describe("completion", () => {
  test("ten completes and events at once: one recorded copy, the losers' copies and the upload gone", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    const bytes = wav(1);
    await uploadAudio(upload, bytes);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? t.json(`/history/${generation.id}/complete`, { method: "POST" }).then((r) => r.status) : notifyCreated(keyOf(upload)).then(() => 200))),
    );
    assert.deepEqual(answers, Array(10).fill(200));
    const g = (await t.json(`/history/${generation.id}`)).body;
    assert.equal(g.status, "completed");
    assert.deepEqual(await copiesOf(t, generation.id), [g.audio_path], "exactly the recorded copy is left");
    assert.equal(await objectExists(keyOf(upload)), false);
    assert.ok(Buffer.from(await served(t, generation.id)).equals(Buffer.from(bytes)));
    await assertStatsMatchRecount(t);
  });

  for (const step of ["GetObject", "CopyObject"]) {
    test(`a completion whose upload a faster one completed and deleted before its ${step}: answers the recorded result, leaves nothing`, async () => {
      const { t, profileId } = await setup();
      const { generation, upload } = await createPending(t, profileId);
      await uploadAudio(upload, wav(2));
      let faster: Promise<{ status: number; body: any }> | undefined;
      intercept(s3, new RegExp(`^${step}Command$`), async (input, next) => {
        if (input.Key === keyOf(upload) || input.CopySource?.endsWith(keyOf(upload).split("/").pop())) {
          // The first one through runs a whole other completion first; that one passes straight on.
          if (!faster) await (faster = t.json(`/history/${generation.id}/complete`, { method: "POST" }));
        }
        return next();
      });
      const slower = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
      const first = await faster!;
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(slower.status, 200, JSON.stringify(slower.body));
      assert.deepEqual(slower.body, first.body);
      assert.deepEqual(await copiesOf(t, generation.id), [first.body.audio_path]);
      await assertStatsMatchRecount(t);
    });
  }

  test("a copy that lands but answers an error (S3 can embed one in a 200): 503, nothing left at the copy's key, the retry completes", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    const bytes = wav(3);
    await uploadAudio(upload, bytes);
    let failures = 1;
    intercept(s3, /^CopyObjectCommand$/, async (_input, next) => {
      const result = await next();
      if (failures-- > 0) throw Object.assign(new Error("We encountered an internal error. Please try again."), { name: "InternalError", $fault: "server", $metadata: { httpStatusCode: 200 } });
      return result;
    });
    const failed = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assertError(failed, 503, "service.unavailable");
    assert.deepEqual(await copiesOf(t, generation.id), [], "the copy that landed is removed");
    assert.equal((await t.json(`/history/${generation.id}`)).body.status, "pending");
    assert.equal(await objectExists(keyOf(upload)), true, "the upload stays for the retry");

    const retry = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.deepEqual(await copiesOf(t, generation.id), [retry.body.audio_path]);
    assert.ok(Buffer.from(await served(t, generation.id)).equals(Buffer.from(bytes)));
    await assertStatsMatchRecount(t);
  });

  test("a crash between the copy and the transaction: still pending, the retry completes, reconcile removes the stray copy", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    const bytes = wav(2);
    await uploadAudio(upload, bytes);
    let crashes = 1;
    intercept(dynamo, /TransactWrite/, async (_input, next) => {
      if (crashes-- > 0) throw Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", $metadata: {} });
      return next();
    });
    const crashed = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assertError(crashed, 503, "service.unavailable");
    assert.equal((await t.json(`/history/${generation.id}`)).body.status, "pending");
    const [stray] = await copiesOf(t, generation.id);
    assert.ok(stray, "the copy is kept: the transaction's outcome was unknown");
    assert.equal(await objectExists(keyOf(upload)), true, "the upload stays for the retry");

    // Reconcile, a day later, must not take the pending generation's upload for an orphan.
    const early = await reconcileTenant(t.id);
    assert.equal(early.orphans_deleted, 0);
    assert.equal(await objectExists(keyOf(upload)), true);

    const retry = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.notEqual(retry.body.audio_path, stray, "the retry made its own copy");
    const later = await reconcileTenant(t.id, { minAgeMs: 0 });
    assert.equal(later.orphans_deleted, 1, JSON.stringify(later));
    assert.deepEqual(await copiesOf(t, generation.id), [retry.body.audio_path]);
    assert.ok(Buffer.from(await served(t, generation.id)).equals(Buffer.from(bytes)));
    await assertStatsMatchRecount(t);
  });

  test("a quota refusal after the copy leaves no copy, keeps the upload, and completes once space is freed", async () => {
    const { t, profileId } = await setup();
    const first = await createCompleted(t, profileId, { wav: wav(4) });
    const { generation, upload } = await createPending(t, profileId);
    await uploadAudio(upload, wav(3));
    const settings = await t.json("/settings", { method: "PUT", body: { quota_bytes: first.size_bytes + 10 } });
    assert.equal(settings.status, 200);
    const stats = await getStats(t);
    assertError(await t.json(`/history/${generation.id}/complete`, { method: "POST" }), 409, "quota.exceeded");
    assert.deepEqual(await copiesOf(t, generation.id), [], "the refused completion's copy is deleted");
    assert.equal(await objectExists(keyOf(upload)), true, "the upload stays, so the client can retry");
    assert.deepEqual(await getStats(t), stats);
    // The event is refused the same way, and quietly.
    await notifyCreated(keyOf(upload));
    assert.equal((await t.json(`/history/${generation.id}`)).body.status, "pending");
    assert.deepEqual(await copiesOf(t, generation.id), []);

    assert.equal((await t.request(`/history/${first.id}`, { method: "DELETE" })).status, 204);
    const done = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual(await copiesOf(t, generation.id), [done.body.audio_path]);
    await assertStatsMatchRecount(t);
  });

  test("a PUT landing between inspection and copy: 409 upload.changed, nothing recorded or left, completing again takes the new bytes", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    await uploadAudio(upload, wav(1));
    const racing = wav(9);
    let raced = false;
    // s3rver ignores x-amz-copy-source-if-match: the interceptor checks it as S3 does, right
    // after a second PUT lands (once inspection has read the first).
    enforceCopySourceIfMatch(async () => {
      if (raced) return;
      raced = true;
      await uploadAudio(upload, racing);
    });
    const res = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assertError(res, 409, "upload.changed", "complete again");
    assert.equal(res.headers.get("retry-after"), "1");
    assert.equal((await t.json(`/history/${generation.id}`)).body.status, "pending");
    assert.deepEqual(await copiesOf(t, generation.id), []);

    const again = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.size_bytes, racing.length);
    assert.ok(Buffer.from(await served(t, generation.id)).equals(Buffer.from(racing)));
    await assertStatsMatchRecount(t);
  });

  test("a PUT landing between the HEAD and the header read: 409 upload.changed, not a 500, and completing again takes the new bytes", async () => {
    const { t, profileId } = await setup();
    const { generation, upload } = await createPending(t, profileId);
    await uploadAudio(upload, wav(1));
    const racing = wav(7);
    let raced = false;
    // s3rver ignores If-Match on GetObject; the interceptor answers as S3 does (412) once a second
    // PUT has replaced the object whose ETag the HEAD saw.
    intercept(s3, /^GetObjectCommand$/, async (input: { Key?: string; IfMatch?: string }, next) => {
      if (!raced && input.IfMatch) {
        raced = true;
        await uploadAudio(upload, racing);
      }
      if (input.IfMatch && (await etagOf(input.Key!)) !== input.IfMatch) throw s3Error("PreconditionFailed", 412);
      return next();
    });
    const res = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assertError(res, 409, "upload.changed", "complete again");
    assert.equal((await t.json(`/history/${generation.id}`)).body.status, "pending");
    assert.deepEqual(await copiesOf(t, generation.id), []);

    const again = await t.json(`/history/${generation.id}/complete`, { method: "POST" });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.size_bytes, racing.length);
    await assertStatsMatchRecount(t);
  });

  test("a version's completion follows the same sequence: a racing PUT is refused, a quota refusal leaves no copy", async () => {
    const { t, profileId } = await setup();
    const g = await createCompleted(t, profileId, { wav: wav(0) });
    const created = await t.json(`/history/${g.id}/versions`, { method: "POST", body: { label: "v", effects_chain: [] } });
    const versionUpload = created.body.upload as Upload;
    assert.equal(keyOf(versionUpload), objectKeys.versionUpload(t.id, g.id, created.body.version.id));
    await uploadAudio(versionUpload, wav(5));
    enforceCopySourceIfMatch(async () => uploadAudio(versionUpload, wav(6)));
    const complete = () => t.json(`/history/${g.id}/versions/${created.body.version.id}/complete`, { method: "POST" });
    assertError(await complete(), 409, "upload.changed");
    for (const remove of installed.splice(0)) remove();

    assert.equal((await t.json("/settings", { method: "PUT", body: { quota_bytes: g.size_bytes } })).status, 200);
    assertError(await complete(), 409, "quota.exceeded");
    assert.deepEqual(await copiesOf(t, g.id), [g.audio_path], "only the original's audio");
    assert.equal((await t.json("/settings", { method: "PUT", body: { quota_bytes: null } })).status, 200);
    const done = await complete();
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const version = done.body.versions.find((v: { id: string }) => v.id === created.body.version.id);
    assert.equal(version.size_bytes, wav(6).length, "the last upload wins");
    assert.deepEqual(await copiesOf(t, g.id), [g.audio_path, version.audio_path].sort());
    assert.equal(await objectExists(keyOf(versionUpload)), false);
    await assertStatsMatchRecount(t);
  });
});

describe("copying big objects", () => {
  const MiB = 1024 * 1024;
  // Under a tenant prefix of its own, so suites that watch the bucket attribute these keys to someone else.
  const prefix = `${objectKeys.tenantPrefix(`copy-test-${Date.now()}`)}copies`;
  const big = new Uint8Array(11 * MiB + 123).map((_, i) => (i * 31 + (i >> 12)) & 0xff);
  const put = (key: string, body: Uint8Array) => s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: key, Body: body }));
  const read = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: key }))).Body!.transformToByteArray();

  test("past the part size, the copy is parallel UploadPartCopy over exact ranges, each guarded by the ETag", async () => {
    const source = `${prefix}/source.wav`;
    await put(source, big);
    const etag = await etagOf(source);
    const parts: UploadPartCopyCommandInput[] = [];
    emulateUploadPartCopy(parts);
    await copyObject(source, `${prefix}/copy.wav`, { ifMatch: etag, size: big.length, partBytes: 5 * MiB });
    assert.ok(Buffer.from(await read(`${prefix}/copy.wav`)).equals(Buffer.from(big)), "byte for byte");
    assert.deepEqual(
      parts.map((p) => [p.PartNumber, p.CopySourceRange, p.CopySourceIfMatch]).sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [1, `bytes=0-${5 * MiB - 1}`, etag],
        [2, `bytes=${5 * MiB}-${10 * MiB - 1}`, etag],
        [3, `bytes=${10 * MiB}-${big.length - 1}`, etag],
      ],
    );
  });

  test("a source replaced during a multipart copy fails it with SourceChanged and leaves no object", async () => {
    const source = `${prefix}/replaced.wav`;
    await put(source, big);
    const etag = await etagOf(source);
    // Every part waits for the second PUT: the emulation's check is not atomic with its read, S3's is.
    let replacing: Promise<unknown> | undefined;
    emulateUploadPartCopy([], async () => {
      await (replacing ??= put(source, big.subarray(1)));
    });
    await assert.rejects(copyObject(source, `${prefix}/never.wav`, { ifMatch: etag, size: big.length, partBytes: 5 * MiB }), SourceChanged);
    assert.equal(await objectExists(`${prefix}/never.wav`), false);
  });

  test("on s3rver itself (no UploadPartCopy) the copy falls back to one CopyObject", async () => {
    const source = `${prefix}/fallback.wav`;
    await put(source, big);
    await copyObject(source, `${prefix}/fallback-copy.wav`, { ifMatch: await etagOf(source), size: big.length, partBytes: 5 * MiB });
    assert.ok(Buffer.from(await read(`${prefix}/fallback-copy.wav`)).equals(Buffer.from(big)));
  });
});
