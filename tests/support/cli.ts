// Running the sonna-history CLI from tests: in this process (exit code and output), or as the real
// bin in a child process that is killed once it has reported some items (an interrupted run).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../../packages/client/src/cli/main";
import { startApi, type Api, type Tenant } from "./server";

export const cliBin = fileURLToPath(new URL("../../node_modules/.bin/sonna-history", import.meta.url));

/** The local API and a scratch folder for one test file, started before its tests and removed after. */
export function apiAndFolder(prefix: string): { api: Api; dir: string } {
  const context = {} as { api: Api; dir: string };
  before(async () => {
    context.api = await startApi();
    context.dir = await mkdtemp(join(tmpdir(), prefix));
  });
  after(async () => {
    await context.api?.close();
    if (context.dir) await rm(context.dir, { recursive: true, force: true });
  });
  return context;
}

/** The environment that points the CLI at the local API as this tenant. */
export const cliEnv = (api: Api, t: Tenant) => ({ SONNA_API_URL: api.baseUrl, SONNA_TOKEN: t.token });

/** Runs the CLI in this process; answers its exit code and what it wrote. */
export async function cli(args: string[], env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => out.push(chunk));
  stderr.on("data", (chunk: Buffer) => err.push(chunk));
  const code = await main(args, { stdout, stderr, env });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/**
 * Runs the bin and SIGKILLs it as soon as its stderr (plain progress lines, not a terminal) has
 * `lines` lines matching `pattern`; answers what it wrote by then. Fails if it exits first.
 */
export const cliKilledAfter = (args: string[], env: Record<string, string>, pattern: RegExp, lines: number): Promise<string> =>
  cliSignalledAfter(args, env, pattern, lines, "SIGKILL").then((run) => run.stderr);

/** The same with `signal` (SIGINT: Ctrl-C); answers the exit code and everything the bin wrote. */
export function cliSignalledAfter(args: string[], env: Record<string, string>, pattern: RegExp, lines: number, signal: NodeJS.Signals) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(cliBin, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let signalled = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (!signalled && stderr.split("\n").filter((line) => pattern.test(line)).length >= lines) {
        signalled = true;
        child.kill(signal);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => (signalled ? resolve({ code, stdout, stderr }) : reject(new Error(`the CLI exited (${code}) before ${signal}:\n${stderr}`))));
  });
}
