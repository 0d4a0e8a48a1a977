// Export and import of large files: for WAVs of 10 MB, 100 MB and 1 GiB on the local stack, the
// time and peak memory of (a) a plain S3-to-S3 streamed copy (`copyObjectStream`, the baseline),
// (b) an export (`exportGeneration`, which streams the ZIP with `writeZipToS3`) and (c) an import
// of that export (`importArchive` reading the ZIP by ranged GetObjects, as the large-import flow does).
//   npx tsx bench/files.ts                          all three sizes (about 4-6 minutes)
//   npx tsx bench/files.ts --sizes 10MB,100MB       just those
//   npx tsx bench/files.ts --section <path>         also write the section for bench/run.ts
//
// The source WAV is generated as a stream (a deterministic pattern, never held whole) and uploaded
// with lib-storage; the generation is created and completed through core. Each transfer runs in a
// fresh child process (RSS seldom shrinks, so one transfer's peak would hide the next's) started
// with --expose-gc: the child first does the same operation on a 1 MiB clip (so the SDK's lazily
// loaded code and the first connections are in place), collects garbage, takes RSS as the
// baseline, then samples RSS every 50 ms while the measured transfer runs. Growth = peak - baseline.
// DynamoDB Local and s3rver run in this (parent) process, so their memory is not in the figures.
import { spawn } from "node:child_process";
import { once } from "node:events";
import os from "node:os";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { emit, fixed, log, median, table, verdict, type Target } from "./lib/report";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const SAMPLE_MS = 50;
const RSS_TARGET = 128 * MiB;
const EXPORT_VS_COPY_TARGET = 0.5;
const TENANT = "bench-files";
const WARM_BYTES = 1 * MiB;

interface Size {
  label: string;
  bytes: number;
  rounds: number;
}

const ALL_SIZES: Size[] = [
  { label: "10 MB", bytes: 10_000_000, rounds: 3 },
  { label: "100 MB", bytes: 100_000_000, rounds: 2 },
  { label: "1 GiB", bytes: GiB, rounds: 1 },
];

type Operation = "copy" | "export" | "import";

interface Measured {
  /** Bytes that went through: the WAV for a copy, the archive for an export or import. */
  bytes: number;
  ms: number;
  peakGrowth: number;
  baseline: number;
  samples: number;
  /** Export: the archive's key; import: the new generation's id. */
  output?: string;
  check?: string;
}

// ---------------------------------------------------------------------------------------------
// The source WAV

/** 16-bit stereo 48 kHz PCM: a header from makeWav with the data size patched in, then the data. */
async function wavHeader(dataBytes: number): Promise<Uint8Array> {
  const { makeWav } = await import("@sonna/core/wav/make");
  const header = makeWav({ frames: 0, channels: 2, sampleRate: 48_000 });
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const dataAt = header.length - 8;
  if (String.fromCharCode(...header.subarray(dataAt, dataAt + 4)) !== "data") throw new Error("makeWav's header does not end with the data chunk");
  if (dataBytes % 4 !== 0) throw new Error(`data size ${dataBytes} is not a whole number of stereo 16-bit frames`);
  view.setUint32(4, header.length - 8 + dataBytes, true);
  view.setUint32(dataAt + 4, dataBytes, true);
  return header;
}

/** The whole file, 1 MiB at a time: a 440 Hz tone plus LCG noise, the same bytes on every run. */
async function* wavStream(total: number): AsyncGenerator<Uint8Array> {
  const header = await wavHeader(total - 44);
  if (header.length !== 44) throw new Error(`unexpected header size ${header.length}`);
  yield header;
  const period = 48_000 / 440;
  const tone = Int16Array.from({ length: 4_800 }, (_, i) => Math.round(6_000 * Math.sin((2 * Math.PI * i) / period)));
  let seed = 0x2545f491;
  let frame = 0;
  for (let left = total - header.length; left > 0; ) {
    const size = Math.min(MiB, left);
    const samples = new Int16Array(size / 2);
    for (let i = 0; i < samples.length; i += 2) {
      seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) | 0;
      const value = tone[frame++ % tone.length]! + (seed >> 24);
      samples[i] = value;
      samples[i + 1] = value;
    }
    left -= size;
    yield new Uint8Array(samples.buffer);
  }
}

// ---------------------------------------------------------------------------------------------
// Child: one measured transfer

async function child(operation: Operation, args: Record<string, string>) {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("the child must run with --expose-gc");
  const { s3 } = await import("@sonna/core/storage/client");
  const { copyObjectStream } = await import("@sonna/core/archive/write");
  const { exportGeneration } = await import("@sonna/core/transfer/export");
  const { importArchive } = await import("@sonna/core/transfer/import");
  const { deleteGeneration } = await import("@sonna/core/generations/lifecycle");
  const { deleteObjects, headObject, objectRanges } = await import("@sonna/core/storage/objects");
  const keyOf = (url: string) => decodeURIComponent(new URL(url).pathname).split("/").slice(2).join("/");
  /** The archive as the large-import flow reads it: ranged GETs of the object version it saw. */
  const ranges = async (key: string) => {
    const head = await headObject(key);
    if (!head) throw new Error(`${key} is gone`);
    return objectRanges(key, head);
  };

  let run: () => Promise<{ bytes: number; output?: string; check?: string }>;
  let cleanup: (output?: string) => Promise<void> = async () => {};
  switch (operation) {
    case "copy": {
      const warm = `${args.dest}.warm`;
      await copyObjectStream(args.warmSource!, warm);
      await deleteObjects([warm]);
      run = async () => ({ bytes: (await copyObjectStream(args.source!, args.dest!)).size });
      cleanup = () => deleteObjects([args.dest!]);
      break;
    }
    case "export": {
      const warm = await exportGeneration(TENANT, args.warmId!);
      await deleteObjects([keyOf(warm.url)]);
      run = async () => {
        const link = await exportGeneration(TENANT, args.id!);
        return { bytes: link.size_bytes, output: keyOf(link.url) };
      };
      break;
    }
    case "import": {
      const warmLink = await exportGeneration(TENANT, args.warmId!);
      const warm = await importArchive(TENANT, await ranges(keyOf(warmLink.url)));
      await deleteGeneration(TENANT, warm.id);
      await deleteObjects([keyOf(warmLink.url)]);
      run = async () => {
        const source = await ranges(args.key!);
        const generation = await importArchive(TENANT, source);
        return { bytes: source.size, output: generation.id, check: `${generation.size_bytes}` };
      };
      cleanup = async (id) => {
        if (id) await deleteGeneration(TENANT, id);
      };
      break;
    }
  }

  gc();
  await new Promise((wake) => setTimeout(wake, 200));
  gc();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let samples = 0;
  const timer = setInterval(() => {
    samples++;
    peak = Math.max(peak, process.memoryUsage().rss);
  }, SAMPLE_MS);
  const started = performance.now();
  let result: Awaited<ReturnType<typeof run>>;
  try {
    result = await run();
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - started;
  peak = Math.max(peak, process.memoryUsage().rss);
  await cleanup(result.output);
  s3.destroy();
  const measured: Measured = { bytes: result.bytes, ms, peakGrowth: peak - baseline, baseline, samples, output: result.output, check: result.check };
  process.stdout.write(`\n${JSON.stringify(measured)}\n`);
}

/** Runs one operation in a fresh process and returns what it measured. */
async function inChild(operation: Operation, args: Record<string, string>): Promise<Measured> {
  const script = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, ["--expose-gc", "--import", "tsx", script, "--child", operation, JSON.stringify(args)], {
    env: process.env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  proc.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(proc, "exit")) as [number | null];
  const last = out.trim().split("\n").at(-1) ?? "";
  if (code !== 0 || !last.startsWith("{")) throw new Error(`${operation} child exited with ${code}: ${out.slice(-500)}`);
  return JSON.parse(last) as Measured;
}

// ---------------------------------------------------------------------------------------------
// Parent

interface Row {
  size: Size;
  operation: Operation;
  runs: Measured[];
}

const mbps = (m: Measured) => m.bytes / 1e6 / (m.ms / 1000);
const mib = (bytes: number) => bytes / MiB;

async function measureAll(sizes: Size[]): Promise<{ rows: Row[]; uploads: { size: Size; ms: number }[]; leftovers: string[] }> {
  const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
  const { Upload } = await import("@aws-sdk/lib-storage");
  const { s3 } = await import("@sonna/core/storage/client");
  const { bucketName } = await import("@sonna/core/resources");
  const { createProfile } = await import("@sonna/core/profiles/service");
  const { createGeneration } = await import("@sonna/core/generations/create");
  const { completeGeneration, deleteGeneration } = await import("@sonna/core/generations/lifecycle");
  const { deleteObjects } = await import("@sonna/core/storage/objects");

  const upload = async (key: string, bytes: number) =>
    new Upload({
      client: s3,
      params: { Bucket: bucketName(), Key: key, Body: Readable.from(wavStream(bytes)), ContentType: "audio/wav" },
      partSize: 8 * MiB,
      queueSize: 2,
    }).done();

  /** A completed generation whose audio is a streamed WAV of `bytes`. */
  const completedGeneration = async (profileId: string, bytes: number, text: string) => {
    const { generation } = await createGeneration(TENANT, { profile_id: profileId, text });
    const started = performance.now();
    await upload(generation.audio_path, bytes);
    const ms = performance.now() - started;
    const done = await completeGeneration(TENANT, generation.id);
    if (done.size_bytes !== bytes) throw new Error(`completed with ${done.size_bytes} bytes, uploaded ${bytes}`);
    // The served audio is the copy completion made; the upload itself is gone by now.
    return { id: generation.id, audioPath: done.audio_path, uploadMs: ms };
  };

  const listKeys = async () => {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucketName(), ContinuationToken }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys;
  };

  const profile = await createProfile(TENANT, { name: "Benchmark voice" });
  const warm = await completedGeneration(profile.id, WARM_BYTES, "Warm-up clip");
  const rows: Row[] = [];
  const uploads: { size: Size; ms: number }[] = [];
  for (const size of sizes) {
    log(`files: ${size.label}: uploading the source WAV (streamed)`);
    const source = await completedGeneration(profile.id, size.bytes, `Benchmark clip of ${size.label}`);
    uploads.push({ size, ms: source.uploadMs });
    const runs: Record<Operation, Measured[]> = { copy: [], export: [], import: [] };
    for (let round = 1; round <= size.rounds; round++) {
      const copy = await inChild("copy", { source: source.audioPath, dest: `bench/copy-${size.bytes}.wav`, warmSource: warm.audioPath });
      runs.copy.push(copy);
      const exported = await inChild("export", { id: source.id, warmId: warm.id });
      runs.export.push(exported);
      const imported = await inChild("import", { key: exported.output!, warmId: warm.id });
      if (imported.check !== String(size.bytes)) throw new Error(`the import holds ${imported.check} bytes of audio, not ${size.bytes}`);
      runs.import.push(imported);
      // The next export of the unchanged generation would reuse this archive; remove it.
      await deleteObjects([exported.output!]);
      log(
        `files: ${size.label} round ${round}/${size.rounds}: ` +
          (["copy", "export", "import"] as const)
            .map((op) => `${op} ${fixed(mbps(runs[op].at(-1)!), 0)} MB/s +${fixed(mib(runs[op].at(-1)!.peakGrowth))} MiB`)
            .join(", "),
      );
    }
    for (const operation of ["copy", "export", "import"] as const) rows.push({ size, operation, runs: runs[operation] });
    await deleteGeneration(TENANT, source.id);
  }
  await deleteGeneration(TENANT, warm.id);
  const leftovers = await listKeys();
  if (leftovers.length) log(`files: objects left in the bucket: ${leftovers.join(", ")}`);
  s3.destroy();
  return { rows, uploads, leftovers };
}

function section(result: Awaited<ReturnType<typeof measureAll>>, sizes: Size[], seconds: number, loadAtStart: number) {
  const { rows, uploads, leftovers } = result;
  const medianOf = (row: Row) => ({
    ms: median(row.runs.map((m) => m.ms)),
    mbps: median(row.runs.map(mbps)),
    growth: Math.max(...row.runs.map((m) => m.peakGrowth)),
    bytes: row.runs[0]!.bytes,
  });
  const find = (size: Size, op: Operation) => rows.find((r) => r.size === size && r.operation === op)!;
  const targets: Target[] = [];
  const tableRows: (string | number)[][] = [];
  for (const size of sizes) {
    const copy = medianOf(find(size, "copy"));
    for (const op of ["copy", "export", "import"] as const) {
      const m = medianOf(find(size, op));
      tableRows.push([
        size.label,
        op === "copy" ? "copy (baseline): `copyObjectStream`" : op === "export" ? "export: `exportGeneration` → `writeZipToS3`" : "import: `importArchive` by ranged GetObjects",
        find(size, op).runs.length,
        (m.bytes / 1e6).toFixed(1),
        fixed(m.ms / 1000, 2),
        fixed(m.mbps, 0),
        op === "copy" ? "1.00x" : `${(m.mbps / copy.mbps).toFixed(2)}x`,
        fixed(mib(m.growth)),
      ]);
      if (op !== "copy") {
        targets.push({
          name: `files: ${op} peak RSS growth, ${size.label}`,
          measured: `${fixed(mib(m.growth))} MiB`,
          target: `< ${RSS_TARGET / MiB} MiB`,
          pass: m.growth < RSS_TARGET,
        });
      }
    }
    const exported = medianOf(find(size, "export"));
    targets.push({
      name: `files: export throughput vs plain copy, ${size.label}`,
      measured: `${fixed(exported.mbps, 0)} vs ${fixed(copy.mbps, 0)} MB/s (${(exported.mbps / copy.mbps).toFixed(2)}x)`,
      target: `>= ${EXPORT_VS_COPY_TARGET}x`,
      pass: exported.mbps >= EXPORT_VS_COPY_TARGET * copy.mbps,
    });
  }
  const copyGrowth = Math.max(...rows.filter((r) => r.operation === "copy").flatMap((r) => r.runs.map((m) => m.peakGrowth)));
  const markdown = [
    `## Files: export and import`,
    "",
    `A completed generation whose WAV is 10 MB, 100 MB or 1 GiB (16-bit stereo 48 kHz PCM; the header from \`makeWav\` with ` +
      `the real data size, the samples a deterministic tone plus noise, generated as a stream and uploaded with lib-storage, ` +
      `never held whole), created and completed through core. For each size: **(a)** a plain S3-to-S3 streamed copy of the WAV ` +
      `(\`copyObjectStream\`, the baseline: the same GetObject → lib-storage \`Upload\` path without the ZIP), **(b)** an export ` +
      `(\`exportGeneration\`: \`writeZipToS3\` streams generation.json + audio.wav into \`exports/\`), **(c)** an import of that ` +
      `export (\`importArchive\` reading the ZIP by ranged GetObjects, as the large-import flow does: the reader stages the WAV, inspects it, copies it into place and ` +
      `writes the record). Each measurement runs in a fresh child process (\`--expose-gc\`) after a warm-up of the same ` +
      `operation on a 1 MiB clip; RSS is sampled every ${SAMPLE_MS} ms and the growth is the peak minus the RSS after the warm-up and a GC. ` +
      `${sizes.map((s) => `${s.label} runs ${s.rounds === 1 ? "once" : `${s.rounds} alternating rounds`}`).join(", ")} (copy, export, import in turn; ` +
      `the table gives median times and the largest growth). DynamoDB Local and s3rver (disk-backed, in a temp directory) run in the parent process, ` +
      `so their memory is not counted, but they share the machine's cores with the transfer: throughput here is s3rver-bound and ` +
      `only meaningful as the ratio to the copy measured beside it.`,
    "",
    table(["WAV", "operation", "runs", "MB moved", "time (s)", "MB/s", "vs copy", "peak RSS growth (MiB)"], tableRows),
    "",
    table(
      ["target", "measured", "goal", "verdict"],
      targets.map((t) => [t.name.replace(/^files: /, ""), t.measured, t.target, verdict(t.pass)]),
    ),
    "",
    `- The plain copy's own peak growth was at most ${fixed(mib(copyGrowth))} MiB: the floor of streaming through the SDK with 8 MiB ` +
      `parts and two in flight.`,
    `- Streaming the source WAV into s3rver (parent, not measured for memory): ${uploads.map((u) => `${u.size.label} ${fixed(u.size.bytes / 1e6 / (u.ms / 1000), 0)} MB/s`).join(", ")}.`,
    `- Every import was checked to hold the source's exact byte count; after each size the source, copy, export and imported ` +
      `generation were deleted. Objects left in the bucket at the end: ${leftovers.length === 0 ? "none" : leftovers.map((k) => `\`${k}\``).join(", ")}.`,
    `- Whole benchmark: ${fixed(seconds / 60, 1)} minutes. Load average (1 min) at the start and the end: ${fixed(loadAtStart)} and ` +
      `${fixed(os.loadavg()[0]!)} on ${os.cpus().length} cores (the machine is shared; absolute MB/s move with it).`,
    "",
    `Reproduce: \`npx tsx bench/files.ts\` (or \`npm run bench -- files\`; \`--sizes 10MB,100MB\` for a quick run).`,
  ].join("\n");
  return { title: "Files: export and import", markdown, targets };
}

function parseSizes(): Size[] {
  const at = process.argv.indexOf("--sizes");
  if (at < 0) return ALL_SIZES;
  const wanted = (process.argv[at + 1] ?? "").split(",").map((s) => s.replace(/\s+/g, "").toUpperCase());
  const sizes = ALL_SIZES.filter((s) => wanted.includes(s.label.replace(/\s+/g, "").toUpperCase()));
  if (sizes.length === 0) throw new Error(`--sizes takes a list of ${ALL_SIZES.map((s) => s.label.replace(/\s+/g, "")).join(", ")}`);
  return sizes;
}

async function main() {
  // The SDK's Node 20 notice would otherwise open the output (lib/stack.ts sets it too, but later).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const sizes = parseSizes();
  const started = performance.now();
  const loadAtStart = os.loadavg()[0]!;
  const { startBenchStack } = await import("./lib/stack");
  const bench = await startBenchStack("files");
  let result: Awaited<ReturnType<typeof measureAll>>;
  try {
    result = await measureAll(sizes);
  } finally {
    await bench.stop();
  }
  emit(section(result, sizes, (performance.now() - started) / 1000, loadAtStart));
}

const childAt = process.argv.indexOf("--child");
if (childAt >= 0) {
  await child(process.argv[childAt + 1] as Operation, JSON.parse(process.argv[childAt + 2] ?? "{}") as Record<string, string>);
  process.exit(0);
} else {
  await main();
  process.exit(0);
}
