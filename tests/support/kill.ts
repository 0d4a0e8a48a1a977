// Starts a victim process (./victim.ts) and kills it with SIGKILL at the call it stops at.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after } from "node:test";
import { fileURLToPath } from "node:url";

/** The `nth` call of `command` on the victim's S3 or DynamoDB client; `when` it is sent or answered. */
export interface StopAt {
  client: "s3" | "dynamo";
  command: string;
  nth: number;
  when: "before" | "after";
}

export interface Victim {
  /** The victim's API, for `tenant(victim, id)`. */
  baseUrl: string;
  /**
   * Waits until the victim stops, then kills it with SIGKILL. `request` (sent to the victim) must
   * not end first: then the stop was never reached. Resolves once the process is gone.
   */
  killAtStop(request?: Promise<unknown>): Promise<StopAt>;
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const victimScript = fileURLToPath(new URL("./victim.ts", import.meta.url));
const running = new Set<() => void>();
after(() => {
  for (const kill of running) kill();
});

/** `env` adds to this process's environment (the local stack's endpoints, the token secret). */
export async function startVictim(stopAt: StopAt, env: Record<string, string> = {}): Promise<Victim> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, SONNA_VICTIM_STOP: JSON.stringify(stopAt) };
  // Not a test file: it must not report to node --test.
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ["--import", "tsx", victimScript], { cwd: repoRoot, env: childEnv, stdio: ["ignore", "ignore", "pipe", "ipc"] });
  const kill = () => child.kill("SIGKILL");
  running.add(kill);
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once("exit", (code, signal) => {
      running.delete(kill);
      done({ code, signal });
    }),
  );
  const message = <K extends "port" | "stopped">(key: K) =>
    new Promise<any>((done, fail) => {
      child.on("message", (m: Record<string, unknown>) => key in m && done(m[key]));
      void exited.then(({ code, signal }) => fail(new Error(`the victim exited (${signal ?? code}) before "${key}":\n${stderr}`)));
    });
  const port = (await message("port")) as number;
  const stopped = message("stopped") as Promise<StopAt>;
  stopped.catch(() => {});
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async killAtStop(request) {
      const first = await Promise.race([
        stopped.then((at) => ({ at })),
        ...(request ? [request.then((answer) => ({ answer }), (error: unknown) => ({ answer: String(error) }))] : []),
      ]);
      if (!("at" in first)) assert.fail(`the victim never reached ${stopAt.command} #${stopAt.nth}: the request ended first with ${JSON.stringify(first.answer).slice(0, 300)}`);
      kill();
      const { signal } = await exited;
      assert.equal(signal, "SIGKILL");
      if (request) await assert.rejects(request, "the killed process still answered");
      return first.at;
    },
  };
}
