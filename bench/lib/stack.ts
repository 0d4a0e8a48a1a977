// The local stack for a benchmark: DynamoDB Local in memory + s3rver in a temp dir, on free ports.
// Its variables go into process.env here, so import the app and core (which build their AWS clients
// on import) only after startBenchStack() returns.
import { randomBytes } from "node:crypto";
import { startStack, type LocalStack } from "@sonna/local/stack";

export interface BenchStack {
  stack: LocalStack;
  /** process.env after setup: the stack's endpoints, names and the JWT secret. */
  env: Record<string, string>;
  secret: string;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Refuses to go on unless both endpoints are local: a benchmark must never reach real AWS. */
export function assertLoopback(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of ["SONNA_DYNAMODB_ENDPOINT", "SONNA_S3_ENDPOINT"]) {
    const value = env[name];
    const host = value ? new URL(value).hostname : undefined;
    if (!host || !LOOPBACK.has(host)) throw new Error(`${name} is ${value ?? "unset"}; benchmarks only run against loopback endpoints.`);
  }
}

export async function startBenchStack(name: string): Promise<BenchStack> {
  const stack = await startStack({ tableName: `sonna-bench-${name}`, bucketName: `sonna-bench-${name}` });
  const secret = randomBytes(32).toString("hex");
  const env = {
    ...stack.env,
    SONNA_JWT_SECRET: secret,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  Object.assign(process.env, env);
  // Never let a developer's profile or session turn local calls into signed AWS calls.
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  assertLoopback();
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stack.stop());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void stop().finally(() => process.exit(130)));
  }
  return { stack, env, secret, stop };
}
