// Peak memory of exporting a large WAV through writeZipToS3, beside a plain streamed copy of the
// same object (copyObjectStream), against s3rver.
//   node --expose-gc --import tsx bench/zip-memory.ts [megabytes=200]
//
// s3rver runs in a child process, and each transfer in a fresh process of its own (RSS seldom
// shrinks, so one transfer's peak would hide the next's). RSS is sampled every 5 ms while the
// transfer runs and reported as growth over the RSS just before it, after imports and a GC.
// The source WAV is uploaded as a stream, so no step holds the whole file.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { wavStream } from "./lib/wav-stream";

const BUCKET = "zip-memory-bench";
const noisySine = (i: number) => 8000 * Math.sin(i / 11) + (Math.random() - 0.5) * 200;
const MiB = 1024 * 1024;
const TARGET_GROWTH = 128 * MiB;

if (process.argv.includes("--s3rver")) {
  await serveS3();
} else if (process.argv.includes("--measure")) {
  await measureOne(process.argv[process.argv.indexOf("--measure") + 1] ?? "");
} else {
  await bench(Number(process.argv[2] ?? 200));
}

/** Child: s3rver on a free port, in a temp directory, until the parent closes stdin. */
async function serveS3() {
  const require = createRequire(import.meta.url);
  const S3rver = require("s3rver") as new (options: object) => {
    configureBuckets(): Promise<void>;
    listen(port: number, host: string, done: () => void): import("node:http").Server;
  };
  const directory = mkdtempSync(join(tmpdir(), "zip-memory-s3-"));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory, configureBuckets: [{ name: BUCKET, configs: [] }] });
  await server.configureBuckets();
  const http = server.listen(0, "127.0.0.1", () => {
    process.stdout.write(`${(http.address() as AddressInfo).port}\n`);
  });
  process.stdin.resume();
  await once(process.stdin, "end");
  http.closeAllConnections();
  http.close();
  rmSync(directory, { recursive: true, force: true });
}

async function bench(megabytes: number) {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--s3rver"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  try {
    const [line] = (await once(child.stdout!, "data")) as [Buffer];
    Object.assign(process.env, {
      SONNA_S3_ENDPOINT: `http://127.0.0.1:${line.toString().trim()}`,
      SST_RESOURCE_Bucket: JSON.stringify({ name: BUCKET }),
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    });
    // Imported after the environment is set: aws.ts reads the endpoint when it loads.
    const { Upload } = await import("@aws-sdk/lib-storage");
    const { s3 } = await import("../packages/core/src/storage/client");
    const { UPLOAD_PART_BYTES } = await import("../packages/core/src/archive/write");

    const bytes = megabytes * 1_000_000;
    await new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key: "src/audio.wav", Body: Readable.from(wavStream(bytes, noisySine)), ContentType: "audio/wav" },
      partSize: UPLOAD_PART_BYTES,
    }).done();

    await new Upload({ client: s3, params: { Bucket: BUCKET, Key: "src/small.wav", Body: Readable.from(wavStream(MiB, noisySine)) } }).done();
    const copy = await inFreshProcess("copy");
    const zip = await inFreshProcess("zip");
    const coldZip = await inFreshProcess("zip", true);
    const rows = [
      ["copyObjectStream (baseline)", copy],
      ["writeZipToS3", zip],
      ["writeZipToS3, cold process", coldZip],
    ] as const;
    console.log(`Source: ${megabytes} MB WAV; Node ${process.versions.node}; parts of ${UPLOAD_PART_BYTES / MiB} MiB; s3rver on loopback`);
    for (const [name, m] of rows) {
      console.log(
        `${name.padEnd(28)} ${String(m.size).padStart(11)} bytes  ${(m.ms / 1000).toFixed(2)} s  ` +
          `${(bytes / 1e6 / (m.ms / 1000)).toFixed(0)} MB/s  peak RSS growth ${(m.peakGrowth / MiB).toFixed(1)} MiB`,
      );
    }
    const ok = zip.peakGrowth < TARGET_GROWTH;
    console.log(`${ok ? "PASS" : "FAIL"}: writeZipToS3 peak RSS growth ${(zip.peakGrowth / MiB).toFixed(1)} MiB (target < ${TARGET_GROWTH / MiB} MiB)`);
    process.exitCode = ok ? 0 : 1;
    s3.destroy();
  } finally {
    child.stdin!.end();
    await once(child, "exit");
  }
}

type Measured = { size: number; ms: number; peakGrowth: number };

async function inFreshProcess(what: "zip" | "copy", cold = false): Promise<Measured> {
  const args = ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "--measure", what, ...(cold ? ["--cold"] : [])];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`measuring ${what} failed (exit ${code})`);
  return JSON.parse(out) as Measured;
}

/** Child: one transfer, against the endpoint the parent put in the environment. */
async function measureOne(what: string) {
  const { s3 } = await import("../packages/core/src/storage/client");
  const { writeZipToS3, copyObjectStream } = await import("../packages/core/src/archive/write");
  const { sonnaManifest } = await import("../packages/core/src/archive/format");
  const manifest = sonnaManifest(
    {
      id: "bench",
      profile_id: "bench",
      text: "Memory benchmark",
      language: "en",
      seed: null,
      instruct: null,
      engine: "qwen",
      model_size: null,
      status: "completed",
      error: null,
      duration: null,
      is_favorited: false,
      tags: [],
      note: null,
      created_at: new Date().toISOString(),
      size_bytes: 0,
    },
    null,
    [],
  );
  const transfer = (source: string) =>
    what === "copy"
      ? copyObjectStream(source, "out/copy.wav")
      : writeZipToS3({
          key: "out/export.zip",
          entries: [
            { name: "generation.json", kind: "json", data: manifest },
            { name: "audio.wav", kind: "object", key: source },
          ],
        });
  // The SDK loads most of its code on the first request; a small transfer first keeps that
  // one-off cost out of the streaming figure (--cold shows it).
  if (!process.argv.includes("--cold")) await transfer("src/small.wav");
  const result = await measure(() => transfer("src/audio.wav"));
  s3.destroy();
  process.stdout.write(JSON.stringify(result));
}

async function measure(run: () => Promise<{ size: number }>): Promise<Measured> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  gc();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const start = performance.now();
  try {
    const { size } = await run();
    return { size, ms: performance.now() - start, peakGrowth: Math.max(peak, process.memoryUsage().rss) - base };
  } finally {
    clearInterval(timer);
  }
}
