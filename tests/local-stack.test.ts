import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { checkJava, JavaMissingError, startStack, type LocalStack } from "@sonna/local/stack";
import { repoRoot } from "@sonna/local/data-dir";
import { MAX_SUBJECT_CHARS, noSecretMessage, parseSubject } from "@sonna/local/token";

const TABLE = "sonna-persist";
const BUCKET = "sonna-persist";

type StackEnv = Record<string, string | undefined>;
const credentialsOf = (env: StackEnv) => ({ accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! });

/** An S3 client of the stack whose variables are in `env` (a started stack's, or the runner's in process.env). */
function s3Client(env: StackEnv, options: { maxAttempts?: number } = {}) {
  return new S3Client({
    ...options,
    endpoint: env.SONNA_S3_ENDPOINT!,
    region: env.AWS_REGION!,
    credentials: credentialsOf(env),
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

function clients(env: StackEnv) {
  return {
    dynamo: new DynamoDBClient({ endpoint: env.SONNA_DYNAMODB_ENDPOINT!, region: env.AWS_REGION!, credentials: credentialsOf(env) }),
    s3: s3Client(env),
  };
}

/** DynamoDB Local processes on this port; the runner's own stack listens on another one. */
function javaOnPort(port: number): string[] {
  try {
    return execFileSync("pgrep", ["-f", `DynamoDBLocal\\.jar.* -port ${port}( |$)`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function assertStopped(stack: LocalStack) {
  await stack.stop();
  await stack.stop(); // a second stop is a no-op, not an error
  assert.equal(pidAlive(stack.dynamoPid), false, "the DynamoDB Local JVM is still running");
  assert.deepEqual(javaOnPort(stack.dynamoPort), [], "a DynamoDBLocal process remains on the stack's port");
  const s3Alive = await fetch(stack.env.SONNA_S3_ENDPOINT!).then(
    () => true,
    () => false,
  );
  assert.equal(s3Alive, false, "s3rver still answers");
}

test("a stack with a data dir keeps items and objects across restarts", { timeout: 180_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "sonna-stack-test-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const body = "persisted bytes \u{1F3B5}";

  const first = await startStack({ dataDir, tableName: TABLE, bucketName: BUCKET });
  t.after(() => first.stop());
  {
    const { dynamo, s3 } = clients(first.env);
    await dynamo.send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { S: "T#a" }, sk: { S: "X#1" }, note: { S: "kept" } } }),
    );
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "a/b.txt", Body: body, ContentType: "text/plain" }));
    dynamo.destroy();
    s3.destroy();
  }
  await assertStopped(first);

  // Restarting on the same directory also proves table/bucket setup is idempotent.
  const second = await startStack({ dataDir, tableName: TABLE, bucketName: BUCKET });
  t.after(() => second.stop());
  {
    const { dynamo, s3 } = clients(second.env);
    const item = await dynamo.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: "T#a" }, sk: { S: "X#1" } }, ConsistentRead: true }),
    );
    assert.equal(item.Item?.note?.S, "kept");
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "a/b.txt" }));
    assert.equal(await object.Body?.transformToString(), body);
    dynamo.destroy();
    s3.destroy();
  }
  await assertStopped(second);
});

test("a delete racing a PUT into the same prefix fails neither, and the prefix lists empty after", async () => {
  // The runner's stack: s3rver removed directories a delete left empty, under a PUT that had just made one.
  const bucket = (JSON.parse(process.env.SST_RESOURCE_Bucket!) as { name: string }).name;
  // One attempt: the SDK's retries would hide the 500 this test is about.
  const s3 = s3Client(process.env, { maxAttempts: 1 });
  const prefix = `race-${Date.now()}/`;
  try {
    for (let round = 0; round < 100; round++) {
      const dir = `${prefix}d${round % 5}`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${dir}/old-${round}`, Body: "x" }));
      await Promise.all([
        s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${dir}/old-${round}` })),
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${dir}/new-${round}`, Body: Buffer.alloc(1000, round) })),
      ]);
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${dir}/new-${round}` }));
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: "/" }));
    assert.deepEqual([listed.Contents ?? [], listed.CommonPrefixes ?? []], [[], []]);
  } finally {
    s3.destroy();
  }
});

test("checkJava explains how to install Java when it is missing", async () => {
  await assert.rejects(checkJava("/nonexistent/java"), (error: unknown) => {
    assert.ok(error instanceof JavaMissingError);
    assert.match(error.message, /Java 17/);
    assert.match(error.message, /apt-get install -y openjdk-17-jre-headless/);
    return true;
  });
});

test("token subjects: default, empty and over-long", () => {
  assert.equal(parseSubject([]), "dev");
  assert.equal(parseSubject(["alice"]), "alice");
  assert.equal(parseSubject(["x".repeat(MAX_SUBJECT_CHARS)]), "x".repeat(MAX_SUBJECT_CHARS));
  assert.throws(() => parseSubject([""]), /empty/);
  assert.throws(() => parseSubject(["   "]), /empty/);
  assert.throws(() => parseSubject(["x".repeat(MAX_SUBJECT_CHARS + 1)]), /at most 256/);
});

test("npm run token with no secret in its data dir says to set SONNA_DATA_DIR to the one npm start used", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "sonna-token-"));
  try {
    const run = spawnSync("npm", ["run", "--silent", "token", "--", "alice"], { cwd: repoRoot, env: { ...process.env, SONNA_DATA_DIR: dataDir }, encoding: "utf8" });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, "", "no token on stdout");
    assert.equal(run.stderr.trim(), noSecretMessage(dataDir, { SONNA_DATA_DIR: dataDir }));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const env of [{}, { SONNA_DATA_DIR: "/elsewhere" }]) {
    const message = noSecretMessage("/some/dir", env);
    assert.match(message, /^No secret in \/some\/dir/);
    assert.match(message, /set the same one here: SONNA_DATA_DIR=<dir> npm run --silent token/);
  }
});

/** The local addresses of sockets listening on TCP `port`, from the kernel's tables (IPv4, then IPv6). */
function listeningAddresses(port: number): string[] {
  const LISTEN = "0A";
  return ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((table) =>
    readFileSync(table, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter(([, local, , state]) => state === LISTEN && parseInt(local!.split(":")[1]!, 16) === port)
      .map(([, local]) => {
        // Each 32-bit word of the address is in the host's (little-endian) byte order.
        const bytes = local!.split(":")[0]!.match(/.{8}/g)!.flatMap((word) => word.match(/../g)!.reverse().map((byte) => parseInt(byte, 16)));
        if (bytes.length === 4) return bytes.join(".");
        const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
        if (mapped) return `::ffff:${bytes.slice(12).join(".")}`;
        return Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(":");
      }),
  );
}

const isLoopbackAddress = (address: string) => /^(::ffff:)?127\./.test(address) || address === "0:0:0:0:0:0:0:1";

test("DynamoDB Local and s3rver listen on loopback only", () => {
  for (const name of ["SONNA_DYNAMODB_ENDPOINT", "SONNA_S3_ENDPOINT"]) {
    const port = Number(new URL(process.env[name]!).port);
    const addresses = listeningAddresses(port);
    assert.ok(addresses.length > 0, `nothing listens on ${name}'s port ${port}`);
    assert.deepEqual(addresses.filter((address) => !isLoopbackAddress(address)), [], `${name}'s port ${port} listens on ${addresses.join(", ")}`);
  }
});
