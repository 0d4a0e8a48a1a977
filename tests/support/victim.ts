// The process the kill suites kill: the app on a free loopback port, against the runner's local
// stack, which stops dead at one S3 or DynamoDB call (before it goes out, or once its answer is
// in) and tells its parent, which kills it with SIGKILL. Where it stops is a call count, not a
// delay, so the kill lands at the same point on any machine. Started by startVictim (./kill.ts).
import { serve } from "@hono/node-server";
import type { StopAt } from "./kill";
import { assertLoopbackEnv } from "./server";

assertLoopbackEnv();
const stopAt = JSON.parse(process.env.SONNA_VICTIM_STOP ?? "null") as StopAt;
if (!stopAt || !process.send) throw new Error("victim.ts runs as a child of startVictim (tests/support/kill.ts)");
const tell = (message: object) => process.send!(message);

const { dynamo } = await import("@sonna/core/aws");
const { s3 } = await import("@sonna/core/storage/client");
let seen = 0;
const stop = (nth: number) => {
  tell({ stopped: { ...stopAt, nth } });
  return new Promise<never>(() => {});
};
((stopAt.client === "s3" ? s3 : dynamo).middlewareStack as any).add(
  (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    if (context.commandName !== stopAt.command) return next(args);
    const nth = ++seen;
    if (nth === stopAt.nth && stopAt.when === "before") await stop(nth);
    const result = await next(args);
    if (nth === stopAt.nth && stopAt.when === "after") await stop(nth);
    return result;
  },
  { step: "initialize", priority: "high", name: "victim-stop" },
);

const { app } = await import("@sonna/functions/app");
const { localGateway } = await import("@sonna/local/gateway");
serve({ fetch: localGateway(app, process.env.SONNA_JWT_SECRET!), port: 0, hostname: "127.0.0.1" }, (info) => tell({ port: info.port }));
