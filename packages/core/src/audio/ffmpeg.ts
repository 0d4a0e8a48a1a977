import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * The ffmpeg binary: `SONNA_FFMPEG_PATH` when set, else the static build that npm installed for
 * this platform and architecture (`@ffmpeg-installer/<platform>-<arch>`, an optional dependency
 * of which npm installs only the matching one).
 */
export function ffmpegPath(): string {
  const configured = process.env.SONNA_FFMPEG_PATH;
  if (configured) return configured;
  return createRequire(import.meta.url).resolve(`@ffmpeg-installer/${process.platform}-${process.arch}/ffmpeg`);
}

/** ffmpeg exited with a failure; `stderr` holds the end of what it said. */
export class FfmpegFailed extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`ffmpeg failed (${exitCode === null ? "killed" : `exit ${exitCode}`}): ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
    this.name = "FfmpegFailed";
  }
}

export interface FfmpegRun {
  /** What ffmpeg writes to `pipe:1`. */
  output: Readable;
  /** Settles once ffmpeg has exited and its input was fully written: rejects on any failure. */
  finished: Promise<void>;
}

const STDERR_KEPT = 8 * 1024;

/**
 * Runs ffmpeg with `input` piped to its stdin and its stdout as `output`, streaming both ways so
 * memory stays flat whatever the size. `args` name `pipe:0` / `pipe:1` themselves. Destroying
 * `output` early kills the process.
 */
export function runFfmpeg(args: readonly string[], input: Readable): FfmpegRun {
  const child = spawn(ffmpegPath(), ["-hide_banner", "-loglevel", "error", ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEPT);
  });
  const output = new PassThrough();
  const exited = new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new FfmpegFailed(code, stderr))));
  });
  // ffmpeg may stop reading early (it failed, or it has what it needs): an EPIPE on its stdin
  // then says nothing the exit code doesn't.
  const fed = pipeline(input, child.stdin).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_PREMATURE_CLOSE") throw error;
  });
  const drained = pipeline(child.stdout, output).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  const finished = Promise.all([exited, fed, drained]).then(() => undefined);
  finished.catch((error: unknown) => output.destroy(error as Error));
  return { output, finished };
}
