// The `npm test` runner: one in-memory local stack for the whole run, then `node --test` over the
// test files in a child process that inherits the stack's endpoints.
//   npx tsx tests/support/run.ts                       every tests/**/*.test.ts
//   npx tsx tests/support/run.ts tests/foo.test.ts     just those files
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startStack, type LocalStack } from "@sonna/local/stack";
import { assertLoopbackEnv } from "./server";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const testsDir = join(repoRoot, "tests");

/** Node 20's `--test` does not expand globs, so list tests/**\/*.test.ts here. */
function findTestFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === "node_modules" ? [] : findTestFiles(path);
      return entry.isFile() && entry.name.endsWith(".test.ts") ? [path] : [];
    });
}

const args = process.argv.slice(2);
const files = args.length > 0 ? args.map((file) => resolve(file)) : findTestFiles(testsDir);
const missing = files.filter((file) => !existsSync(file));
if (missing.length > 0) {
  console.error(`No such test file: ${missing.join(", ")}`);
  process.exit(1);
}
if (files.length === 0) {
  console.error(`No test files under ${testsDir}.`);
  process.exit(1);
}

// The SDK's Node 20 deprecation notice would otherwise repeat once per test file.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

let stack: LocalStack | undefined;
let child: ChildProcess | undefined;
let exiting = false;

async function finish(code: number): Promise<never> {
  exiting = true;
  await stack?.stop();
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (exiting) process.exit(1);
    exiting = true;
    // The child exiting triggers finish(); without a child yet, stop here.
    if (child && child.exitCode === null) child.kill(signal);
    else void finish(1);
  });
}

try {
  stack = await startStack({ tableName: "sonna-test", bucketName: "sonna-test" });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...stack.env,
  SONNA_JWT_SECRET: randomBytes(32).toString("hex"),
  SONNA_TEST_STACK: "1",
  // Small enough that the over-the-cap test uploads megabytes, not a gibibyte.
  SONNA_MAX_AUDIO_BYTES: String(8 * 1024 * 1024),
  // Small enough that archived audio of a megabyte or two takes the restore job.
  SONNA_RESTORE_IN_REQUEST_BYTES: String(1024 * 1024),
  // Small enough that the transcode-as-a-job tests upload a few hundred kilobytes.
  SONNA_TRANSCODE_IN_REQUEST_MAX_CHANNEL_SECONDS: "1",
};
delete env.AWS_PROFILE;
delete env.AWS_SESSION_TOKEN;

try {
  assertLoopbackEnv(env);
} catch (error) {
  console.error((error as Error).message);
  await finish(1);
}

if (exiting) await finish(1);
console.log(`Local stack up (DynamoDB ${stack.env.SONNA_DYNAMODB_ENDPOINT}, S3 ${stack.env.SONNA_S3_ENDPOINT}); running ${files.length} file(s): ${files.map((f) => relative(repoRoot, f)).join(" ")}`);

child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...files], {
  cwd: repoRoot,
  env,
  stdio: "inherit",
});
child.on("error", (error) => {
  console.error("Could not run node --test:", error);
  void finish(1);
});
child.on("exit", (code, signal) => void finish(code ?? (signal ? 1 : 0)));
