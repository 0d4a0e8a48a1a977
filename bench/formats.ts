// Downloads in a format: how fast each encoder runs and how much memory a transcode takes.
//   npx tsx bench/formats.ts [--gib 1]
//
// Speed: seconds of audio encoded per CPU-second (user + system of the ffmpeg process, from the
// shell's `times`) for FLAC, MP3 and Opus with exactly the arguments the service uses
// (packages/core/src/audio/encode.ts), on a 10-minute 24 kHz mono speech-like clip and a
// 10-minute 44.1 kHz stereo clip, through the npm ffmpeg the service runs and, as the reference,
// the Debian `ffmpeg` doing the same encode in the same run. Spawn cost: `ffmpeg -version`.
// Memory: the service's own transcode (S3 GET -> ffmpeg -> multipart upload, against s3rver) of a
// WAV of `--gib` GiB, in a fresh process; peak RSS growth of Node plus ffmpeg, sampled every 10 ms.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { wavStream } from "./lib/wav-stream";
import { benchData, emit, fixed, log, machine, ratio, table, verdict } from "./lib/report";

const MiB = 1024 * 1024;
const TARGET_GROWTH = 128 * MiB;
const dir = join(benchData, "formats");
const DEBIAN_FFMPEG = "/usr/bin/ffmpeg";

if (process.argv.includes("--measure")) await measureTranscode(process.argv[process.argv.indexOf("--measure") + 1] as "flac");
else await bench();

/** Speech-like: a voiced buzz whose pitch and loudness drift, with pauses and a little noise. */
function speech(rate: number) {
  return (i: number) => {
    const t = i / rate;
    const pitch = 120 + 40 * Math.sin(2 * Math.PI * 0.7 * t);
    const phase = 2 * Math.PI * pitch * t;
    const voiced = 0.35 * Math.sin(phase) + 0.2 * Math.sin(2 * phase) + 0.1 * Math.sin(3 * phase);
    const envelope = Math.max(0, Math.sin(2 * Math.PI * 1.9 * t)) * (Math.sin(2 * Math.PI * 0.23 * t) > -0.6 ? 1 : 0);
    return voiced * envelope + 0.01 * (Math.random() - 0.5);
  };
}

async function clip(name: string, options: { sampleRate: number; channels: number }): Promise<string> {
  const path = join(dir, `${name}.wav`);
  if (!existsSync(path)) {
    const { makeWav } = await import("../packages/core/src/wav/make");
    log(`writing ${name}`);
    writeFileSync(path, makeWav({ ...options, frames: options.sampleRate * 600, fill: speech(options.sampleRate) }));
  }
  return path;
}

/** CPU seconds (user + system) ffmpeg spent encoding `input` with `args`. */
function cpuSeconds(binary: string, args: string[], input: string): number {
  const script = `"$0" -hide_banner -loglevel error "$@" < "${input}" > /dev/null || exit 1; times`;
  const out = spawnSync("bash", ["-c", script, binary, ...args], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`${binary} ${args.join(" ")}: ${out.stderr}`);
  const children = out.stdout.trim().split("\n")[1]!;
  return children.split(/\s+/).map((t) => {
    const [, m, s] = /(\d+)m([\d.]+)s/.exec(t)!;
    return Number(m) * 60 + Number(s);
  }).reduce((a, b) => a + b, 0);
}

async function bench() {
  mkdirSync(dir, { recursive: true });
  const { ffmpegPath } = await import("../packages/core/src/audio/ffmpeg");
  const { encoderArgs } = await import("../packages/core/src/audio/encode");
  const { audioOptions } = await import("../packages/core/src/audio/formats");
  const { inspectWav } = await import("../packages/core/src/wav/inspect");
  const npmFfmpeg = ffmpegPath();
  const debian = existsSync(DEBIAN_FFMPEG);
  const version = (binary: string) => spawnSync(binary, ["-version"], { encoding: "utf8" }).stdout.split("\n")[0]!.replace(/ Copyright.*/, "");

  const clips = [
    { name: "10 min, 24 kHz mono 16-bit speech", path: await clip("speech-24k-mono", { sampleRate: 24_000, channels: 1 }) },
    { name: "10 min, 44.1 kHz stereo 16-bit", path: await clip("music-44k-stereo", { sampleRate: 44_100, channels: 2 }) },
  ];
  const rows: string[][] = [];
  for (const c of clips) {
    const info = inspectWav(readFileSync(c.path).subarray(0, 64 * 1024), statSync(c.path).size);
    for (const format of ["flac", "mp3", "opus"] as const) {
      const args = encoderArgs(info, audioOptions(format));
      const ours = cpuSeconds(npmFfmpeg, args, c.path);
      const reference = debian ? cpuSeconds(DEBIAN_FFMPEG, args, c.path) : Number.NaN;
      log(`${c.name} ${format}: npm ${fixed(ours, 2)} s, Debian ${fixed(reference, 2)} s`);
      rows.push([c.name, format === "flac" ? "flac" : `${format} ${audioOptions(format).bitrate} kbps`, fixed(info.durationSeconds / ours, 0), fixed(info.durationSeconds / reference, 0), ratio(reference, ours)]);
    }
  }

  const spawnCost = (binary: string) => {
    const runs = Array.from({ length: 20 }, () => {
      const start = performance.now();
      spawnSync(binary, ["-version"]);
      return performance.now() - start;
    }).sort((a, b) => a - b);
    return runs[10]!;
  };
  const gib = Number(process.argv[process.argv.indexOf("--gib") + 1] ?? 1) || 1;
  const memory = await inFreshStack(gib);
  const pass = memory.every((m) => m.peakGrowth < TARGET_GROWTH);
  const installed = (name: string) => {
    const at = join(fileURLToPath(new URL("..", import.meta.url)), "node_modules", "@ffmpeg-installer", name);
    return existsSync(at) ? readdirSync(at).reduce((sum, f) => sum + statSync(join(at, f)).size, 0) : Number.NaN;
  };

  emit({
    title: "Formats: transcoding",
    targets: memory.map((m) => ({ name: `transcode ${m.format} of a ${gib} GiB WAV: peak RSS growth`, measured: `${fixed(m.peakGrowth / MiB)} MiB`, target: "< 128 MiB", pass: m.peakGrowth < TARGET_GROWTH })),
    markdown: [
      "## Formats: transcoding",
      "",
      ...machine().lines,
      `- npm ffmpeg (the service's): ${version(npmFfmpeg)}, ${fixed(installed(`${process.platform}-${process.arch}`) / MiB)} MiB installed`,
      `- Reference: ${debian ? version(DEBIAN_FFMPEG) : "Debian ffmpeg not installed (`apt-get install -y ffmpeg`)"}`,
      "",
      "Seconds of audio encoded per CPU-second of ffmpeg (user + system), same arguments as the service (`encoderArgs`), " +
        "WAV on stdin, output discarded. Higher is faster. The last column is how much CPU Debian's ffmpeg takes per our ffmpeg's.",
      "",
      table(["clip", "format", "npm ffmpeg (audio s / CPU s)", "Debian ffmpeg", "Debian CPU / ours"], rows),
      "",
      `Spawn cost (\`ffmpeg -version\`, median of 20, wall): npm build ${fixed(spawnCost(npmFfmpeg))} ms` + (debian ? `, Debian ${fixed(spawnCost(DEBIAN_FFMPEG))} ms.` : "."),
      "",
      `Memory: \`transcode()\` of a ${gib} GiB WAV (16-bit mono 48 kHz) from s3rver to a multipart upload, in a fresh process; ` +
        "peak RSS growth of Node plus the ffmpeg child over Node's RSS before the transcode.",
      "",
      table(
        ["format", "output", "wall", "peak RSS growth (Node + ffmpeg)", "ffmpeg's own peak", "target < 128 MiB"],
        memory.map((m) => [m.format, `${fixed(m.size / MiB)} MiB`, `${fixed(m.ms / 1000)} s`, `${fixed(m.peakGrowth / MiB)} MiB`, `${fixed(m.childPeak / MiB)} MiB`, verdict(m.peakGrowth < TARGET_GROWTH)]),
      ),
      "",
      `Overall: ${verdict(pass)}. Reproduce: \`npx tsx bench/formats.ts\` (clips are kept in .bench-data/formats/).`,
    ].join("\n"),
  });
}

type Measured = { format: string; size: number; ms: number; peakGrowth: number; childPeak: number };

/** Uploads a `gib` GiB WAV to a fresh local stack, then transcodes it in a fresh process per format. */
async function inFreshStack(gib: number): Promise<Measured[]> {
  const { startBenchStack } = await import("./lib/stack");
  const { env, stop } = await startBenchStack("formats");
  try {
    const { Upload } = await import("@aws-sdk/lib-storage");
    const { s3 } = await import("../packages/core/src/storage/client");
    const { bucketName } = await import("../packages/core/src/resources");
    // Seven seconds of speech, repeated: computing every sample of a gibibyte would take minutes.
    const voice = speech(48_000);
    const loop = Int16Array.from({ length: 7 * 48_000 }, (_, i) => 20_000 * voice(i));
    log(`uploading a ${gib} GiB WAV`);
    await new Upload({ client: s3, params: { Bucket: bucketName(), Key: "src/large.wav", Body: Readable.from(wavStream(Math.floor(gib * 1024 * MiB) & ~1, (i) => loop[i % loop.length]!)) }, partSize: 16 * MiB }).done();
    const results: Measured[] = [];
    for (const format of ["flac", "opus"] as const) {
      log(`transcoding ${gib} GiB to ${format}`);
      const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "--measure", format], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
      const [code] = (await once(child, "exit")) as [number | null];
      if (code !== 0) throw new Error(`measuring ${format} failed (exit ${code})`);
      results.push(JSON.parse(out) as Measured);
    }
    s3.destroy();
    return results;
  } finally {
    await stop();
  }
}

function rssOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

function childPids(): number[] {
  try {
    return readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Child: one transcode through the service's code, memory sampled every 10 ms. */
async function measureTranscode(format: "flac" | "opus") {
  const { transcode } = await import("../packages/core/src/audio/transcode");
  const { audioOptions } = await import("../packages/core/src/audio/formats");
  const { s3 } = await import("../packages/core/src/storage/client");
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  const base = process.memoryUsage().rss;
  let peak = 0;
  let childPeak = 0;
  const timer = setInterval(() => {
    const children = childPids().reduce((sum, pid) => sum + rssOf(pid), 0);
    childPeak = Math.max(childPeak, children);
    peak = Math.max(peak, process.memoryUsage().rss - base + children);
  }, 10);
  const start = performance.now();
  const { headObject } = await import("../packages/core/src/storage/objects");
  const source = { audio_path: "src/large.wav", size_bytes: (await headObject("src/large.wav"))!.size, archive: null };
  const { size_bytes } = await transcode({ source, target: `out/large.${format}`, options: audioOptions(format) });
  clearInterval(timer);
  s3.destroy();
  process.stdout.write(JSON.stringify({ format, size: size_bytes, ms: performance.now() - start, peakGrowth: peak, childPeak }));
}
