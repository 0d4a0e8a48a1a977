// `npm start`: DynamoDB Local + s3rver on fixed ports with data under the data dir, and the API
// on http://127.0.0.1:$PORT, until Ctrl-C.
import { execFileSync } from "node:child_process";
import type { Server } from "node:http";
import { localGateway } from "./gateway";
import { signLocalToken } from "./tokens";
import { ensureSecret, resolveDataDir } from "./data-dir";
import { listen } from "./serve";
import { assertPortFree, JavaMissingError, PortInUseError, startStack, type LocalStack } from "./stack";

const HOST = "127.0.0.1";
const TABLE_NAME = "sonna-history";
const BUCKET_NAME = "sonna-history-local";

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a port number, got "${raw}".`);
  return port;
}

const PORT_VARIABLES: Record<string, string> = {
  API: "PORT",
  "DynamoDB Local": "SONNA_DYNAMODB_PORT",
  "S3 (s3rver)": "SONNA_S3_PORT",
};

let stack: LocalStack | undefined;
let server: Server | undefined;
let startup: Promise<void> | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  stopping = true;
  // Let a half-finished startup settle so its JVM is stopped cleanly rather than killed.
  await startup?.catch(() => {});
  if (server) {
    const closing = server;
    await new Promise<void>((done) => {
      closing.close(() => done());
      closing.closeAllConnections();
    });
  }
  await stack?.stop();
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    // A second signal means "now": the stack's exit hook still kills the JVM.
    if (stopping) process.exit(1);
    console.log(`\n${signal}: stopping…`);
    void shutdown(0);
  });
}

/**
 * `npm start` runs npm -> sh -> tsx -> node. A SIGTERM sent to npm is forwarded to sh, and dash
 * dies without passing it on, which would leave this process and its JVM running as orphans.
 * So the process that launched tsx is watched too, and its exit counts as a stop request.
 */
function watchLauncher(onGone: () => void): void {
  if (process.platform === "win32") return;
  let launcher: number;
  try {
    launcher = Number(execFileSync("ps", ["-o", "ppid=", "-p", String(process.ppid)], { encoding: "utf8" }).trim());
  } catch {
    return;
  }
  if (!Number.isInteger(launcher) || launcher <= 1) return;
  const timer = setInterval(() => {
    try {
      process.kill(launcher, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") return;
      clearInterval(timer);
      onGone();
    }
  }, 1_000);
  timer.unref();
}

async function main(): Promise<void> {
  // A deprecation notice about the SDK's future Node floor; deployed functions run Node 22.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const port = portFrom("PORT", 8787);
  const dynamoPort = portFrom("SONNA_DYNAMODB_PORT", 8788);
  const s3Port = portFrom("SONNA_S3_PORT", 8789);
  const dataDir = resolveDataDir();
  const secret = ensureSecret(dataDir);

  // Before the JVM starts, so a clash fails in milliseconds instead of after a startup.
  await assertPortFree(port, "API", HOST);
  console.log(`Starting DynamoDB Local and s3rver (data in ${dataDir})…`);
  stack = await startStack({ dataDir, dynamoPort, s3Port, tableName: TABLE_NAME, bucketName: BUCKET_NAME });
  if (stopping) return;

  // The app's modules read configuration when imported, so the environment comes first.
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, stack.env);
  const { app } = await import("@sonna/functions/app");
  const { resumeOpenJobs } = await import("@sonna/core/jobs/local-runner");
  const resumed = await resumeOpenJobs();
  if (resumed > 0) console.log(`Resuming ${resumed} unfinished job(s).`);
  // Deployed, a cron sweeps every minute; here a timer does, and its first run resumes deliveries a restart cut off.
  const { sweepWebhooksEveryMinute } = await import("@sonna/core/webhooks/local-runner");
  sweepWebhooksEveryMinute();
  // s3rver emits the same notification shape S3 sends (for every key: the handler picks uploads and
  // import archives out, as the notification filters do on AWS), so both complete here as there.
  const uploadEvents = await import("@sonna/functions/upload-events");
  stack.s3rver.on("event", (event: Parameters<typeof uploadEvents.handler>[0]) => {
    uploadEvents.handler(event).catch((error: unknown) => console.error("upload event failed:", error));
  });

  server = await listen(localGateway(app, secret), port, HOST).catch((error: NodeJS.ErrnoException) => {
    throw error.code === "EADDRINUSE" ? new PortInUseError(port, "API") : error;
  });

  const url = `http://${HOST}:${port}`;
  const token = await signLocalToken(secret, "dev", { expiresIn: "30d" });
  console.log(`
Sonna History API  ${url}
API docs           ${url}/docs
DynamoDB Local     ${stack.env.SONNA_DYNAMODB_ENDPOINT}  (table ${TABLE_NAME})
S3 (s3rver)        ${stack.env.SONNA_S3_ENDPOINT}  (bucket ${BUCKET_NAME})

Bearer token for subject "dev" (30 days; another subject: npm run --silent token -- <subject>):
${token}

Try:
curl -H "Authorization: Bearer ${token}" ${url}/profiles

Ctrl-C to stop.`);
}

watchLauncher(() => {
  if (stopping) return;
  console.log("The launching process exited: stopping…");
  void shutdown(0);
});
startup = main();
startup.catch(async (error: unknown) => {
  if (error instanceof JavaMissingError) {
    console.error(error.message);
  } else if (error instanceof PortInUseError) {
    const variable = PORT_VARIABLES[error.what];
    console.error(`${error.message} Is another \`npm start\` running?${variable ? ` Set ${variable} to use another port.` : ""}`);
  } else {
    console.error("Startup failed:", error);
  }
  startup = undefined;
  await shutdown(1);
});
