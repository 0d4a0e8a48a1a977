/**
 * What the Lambda entries write, as Lambda would see it: each scenario runs in a fresh process (the
 * logger and metrics are per process, and their environment is read once) with the deployed
 * defaults, and the test reads its stdout line by line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";

type Line = Record<string, any>;

/** The fields of Lambda's context that the logger reads. */
const lambdaContext = {
  functionName: "sonna-api",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:sonna-api",
  memoryLimitInMB: "1024",
};

/**
 * Invokes a wrapped handler once per entry of `invocations` in a fresh process. Its JSON lines:
 * Powertools writes warnings and errors to stderr, the rest to stdout (on Lambda both reach the log).
 */
function run(invocations: string, env: NodeJS.ProcessEnv): Promise<{ stdout: Line[]; stderr: Line[]; all: Line[] }> {
  const script = `
    import * as o from "@sonna/core/observability";
    const handler = o.withObservability(async (step) => { ${invocations}[step](); return "ok"; });
    for (const [step, awsRequestId] of ["first", "second"].entries()) await handler(step, { ...${JSON.stringify(lambdaContext)}, awsRequestId });
  `;
  return new Promise((done, fail) =>
    execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { env }, (error, stdout, stderr) =>
      error ? fail(new Error(stderr || error.message)) : done(parsed(stdout, stderr)),
    ),
  );
}

/** The deployed defaults: none of the local stack's POWERTOOLS_* settings, an on-demand Lambda. */
const deployed = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand" };
  for (const name of Object.keys(env)) if (name.startsWith("POWERTOOLS_")) delete env[name];
  return env;
};

const jsonLines = (text: string) => text.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Line);
const parsed = (stdout: string, stderr: string) => ({ stdout: jsonLines(stdout), stderr: jsonLines(stderr), all: [...jsonLines(stdout), ...jsonLines(stderr)] });

const emf = (lines: Line[]) => lines.filter((line) => line._aws?.CloudWatchMetrics);
const logs = (lines: Line[]) => lines.filter((line) => line.message !== undefined);

test("every line carries the request id, the cold-start flag and the tenant; keys end with the invocation", async () => {
  const { all } = await run(
    `[
      () => { o.log.info("before the tenant"); o.setTenant("tenant-a"); o.log.warn("with the tenant", { detail: 1 }); },
      () => { o.log.error("next invocation", { error: new Error("boom") }); },
    ]`,
    deployed(),
  );
  const line = (message: string) => logs(all).find((l) => l.message === message);
  const [before, during, next] = [line("before the tenant"), line("with the tenant"), line("next invocation")];
  assert.equal(before?.message, "before the tenant");
  assert.equal(before?.function_request_id, "first");
  assert.equal(before?.cold_start, true);
  assert.equal(before?.tenant, undefined);
  assert.equal(during?.tenant, "tenant-a");
  assert.equal(during?.detail, 1);
  assert.equal(during?.level, "WARN");
  assert.equal(during?.service, "sonna-history");
  assert.equal(next?.function_request_id, "second");
  assert.equal(next?.cold_start, false);
  assert.equal(next?.tenant, undefined, "the tenant outlived its invocation");
  assert.equal(next?.error?.message, "boom");
  assert.equal(next?.level, "ERROR");
});

test("Powertools loaded only in a later invocation still says it is not a cold start", async () => {
  const { all } = await run(`[() => {}, () => o.log.info("late")]`, deployed());
  assert.deepEqual(
    logs(all).map((line) => [line.message, line.function_request_id, line.cold_start]),
    [["late", "second", false]],
  );
});

test("metrics: EMF in the SonnaHistory namespace, flushed per invocation; refusals and jobs by their own dimension", async () => {
  const { stdout: lines } = await run(
    `[
      () => { o.countGeneration("Created"); o.countGeneration("Completed"); o.countBytesStored(4096); o.countRefusal("quota.exceeded"); },
      () => { o.countJob("reconcile", "Succeeded"); o.countGeneration("Failed"); },
    ]`,
    deployed(),
  );
  const blobs = emf(lines);
  for (const blob of blobs) assert.equal(blob._aws.CloudWatchMetrics[0].Namespace, "SonnaHistory");
  const withMetric = (name: string) => blobs.filter((blob) => blob._aws.CloudWatchMetrics[0].Metrics.some((m: { Name: string }) => m.Name === name));
  const refusal = withMetric("Refusals");
  assert.equal(refusal.length, 1);
  assert.equal(refusal[0]!.code, "quota.exceeded");
  assert.deepEqual(refusal[0]!._aws.CloudWatchMetrics[0].Dimensions, [["service", "code"]]);
  const [first] = withMetric("GenerationsCreated");
  assert.equal(first?.GenerationsCompleted, 1);
  assert.equal(first?.BytesStored, 4096);
  assert.equal(first?._aws.CloudWatchMetrics[0].Metrics.find((m: { Name: string }) => m.Name === "BytesStored").Unit, "Bytes");
  assert.equal(first?.GenerationsFailed, undefined, "the second invocation's count was published with the first");
  const [job] = withMetric("JobsSucceeded");
  assert.equal(job?.job_type, "reconcile");
  assert.equal(withMetric("GenerationsFailed")[0]?.GenerationsFailed, 1);
});

test("the local stack's settings keep stdout quiet: no metrics, no info lines", async () => {
  const { stdout, stderr } = await run(`[() => { o.log.info("chatty"); o.countGeneration("Created"); }, () => o.log.warn("worth seeing")]`, process.env);
  assert.equal(process.env.POWERTOOLS_METRICS_DISABLED, "true");
  assert.deepEqual(stdout, []);
  assert.deepEqual(stderr.map((line) => line.message), ["worth seeing"]);
});
