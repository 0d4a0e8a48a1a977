// Fault injection into this process's own S3 and DynamoDB clients (packages/core/src/aws.ts), the
// errors AWS really returns, and the check every faulted answer must pass. Shared by the fault,
// concurrency and kill suites.
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { afterEach } from "node:test";
import { TransactionCanceledException, TransactionConflictException } from "@aws-sdk/client-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { s3 } from "@sonna/core/storage/client";
import type { JsonResponse } from "./server";

/** What was injected and how the API answered, for a suite's RELIABILITY line. */
export const faultFigures = {
  faults_injected: 0,
  faults_by_command: {} as Record<string, number>,
  requests_503: 0,
  five_hundreds: 0,
  client_blamed_4xx: 0,
};

const count = (what: string) => {
  faultFigures.faults_injected++;
  faultFigures.faults_by_command[what] = (faultFigures.faults_by_command[what] ?? 0) + 1;
};
/** Faults that are not SDK calls (a worker killed, a process killed) count here too. */
export const countFault = count;

// ---------------------------------------------------------------------------------------------
// The errors, shaped as the SDK shapes them: its retry strategy and our error mapping look at
// `name`, `code`, `$metadata.httpStatusCode` and, for transactions, `CancellationReasons`.

export const unavailable = () =>
  Object.assign(new Error("Service Unavailable"), { name: "ServiceUnavailable", $fault: "server", $metadata: { httpStatusCode: 503, attempts: 1 } });
export const reset = () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", $metadata: {} });

/** DynamoDB throttling as a plain call gets it (HTTP 400 with a throttling name). */
export const throttled = (name: "ProvisionedThroughputExceededException" | "ThrottlingException") => () =>
  Object.assign(new Error(name === "ThrottlingException" ? "Rate of requests exceeds the allowed throughput." : "The level of configured provisioned throughput for the table was exceeded."), {
    name,
    $fault: "client",
    $metadata: { httpStatusCode: 400, attempts: 1 },
  });

/** What a single-item write gets when a transaction in progress holds its item. */
export const conflicted = () =>
  new TransactionConflictException({ message: "Transaction is ongoing for the item", $metadata: { httpStatusCode: 400, attempts: 1 } });

/**
 * What TransactWriteItems answers when another transaction holds one of its items (or the
 * partition throttles it): a TransactionCanceledException with one reason per item, `None` for
 * the others. Nothing of the transaction was applied.
 */
export const cancelled =
  (reason: "TransactionConflict" | "ThrottlingError" | "ProvisionedThroughputExceeded", at = 0) =>
  (_command: string, input: { TransactItems?: unknown[] }) => {
    const n = input?.TransactItems?.length ?? 1;
    const reasons = Array.from({ length: n }, (_, i) => (i === Math.min(at, n - 1) ? { Code: reason, Message: `${reason} on item ${i}` } : { Code: "None" }));
    return new TransactionCanceledException({
      message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
      $metadata: { httpStatusCode: 400, attempts: 1 },
      CancellationReasons: reasons,
    });
  };

// ---------------------------------------------------------------------------------------------

export type Step = "initialize" | "deserialize";
type Client = typeof s3 | typeof dynamo;
/** A command name pattern, or a test on the name and the command's input. */
export type Match = RegExp | ((command: string, input: any) => boolean);

let installed: (() => void)[] = [];
afterEach(() => removeAllFaults());
export function removeAllFaults(): void {
  for (const remove of installed) remove();
  installed = [];
}

/**
 * Fails matching calls: the next `when` of them, or each one for which `when()` says so. At
 * "initialize" the error bypasses the SDK's retry loop (the app sees it); at "deserialize" it is
 * inside it (the SDK's own retries may absorb it).
 */
const matches = (match: Match, command: string, input: unknown) => (match instanceof RegExp ? match.test(command) : match(command, input));

type Middleware = (next: (args: { input: unknown }) => Promise<any>, context: { commandName?: string }) => (args: { input: unknown }) => Promise<any>;

/** Adds a middleware until the test ends (or `remove()`). */
function install(client: Client, step: Step, middleware: Middleware): () => void {
  const name = `reliability-fault-${Math.random().toString(36).slice(2)}`;
  (client.middlewareStack as any).add(middleware, { step, name, priority: step === "initialize" ? "high" : "low" });
  const remove = () => (client.middlewareStack as any).remove(name);
  installed.push(remove);
  return remove;
}

/**
 * Fails matching calls: the next `when` of them, or each one for which `when()` says so. At
 * "initialize" the error bypasses the SDK's retry loop (the app sees it); at "deserialize" it is
 * inside it (the SDK's own retries may absorb it).
 */
export function inject(client: Client, match: Match, when: number | (() => boolean), error: (command: string, input: any) => Error, step: Step = "initialize") {
  const state = { left: typeof when === "number" ? when : Infinity, hit: 0 };
  const remove = install(client, step, (next, context) => async (args) => {
    const command = context.commandName ?? "";
    if (state.left > 0 && matches(match, command, args.input) && (typeof when === "number" || when())) {
      state.left--;
      state.hit++;
      const failure = error(command, args.input);
      const reason = (failure as TransactionCanceledException).CancellationReasons?.find((r) => r.Code !== "None")?.Code;
      count(`${command} ${reason ?? (failure as { code?: string }).code ?? failure.name}`);
      throw failure;
    }
    return next(args);
  });
  return { state, remove };
}

/** Runs `action` once, just before the first matching call goes out: a race made deterministic. */
export function interpose(client: Client, match: Match, action: () => Promise<unknown>) {
  const state = { left: 1, hit: 0 };
  const remove = install(client, "initialize", (next, context) => async (args) => {
    if (state.left > 0 && matches(match, context.commandName ?? "", args.input)) {
      state.left--;
      state.hit++;
      await action();
    }
    return next(args);
  });
  return { state, remove };
}

/** The answer to a faulted request: 503 with Retry-After and the error shape, or a success. */
export function assertFaultAnswer(res: JsonResponse, what: string): "503" | "ok" {
  if (res.status >= 500 && res.status !== 503) faultFigures.five_hundreds++;
  if (res.status >= 400 && res.status < 500) faultFigures.client_blamed_4xx++;
  if (res.status === 503) {
    faultFigures.requests_503++;
    assert.ok(Number(res.headers.get("retry-after")) > 0, `${what}: 503 without Retry-After`);
    assert.equal(res.body?.code, "service.unavailable", `${what}: ${JSON.stringify(res.body)}`);
    assert.equal(typeof res.body?.detail, "string");
    return "503";
  }
  assert.ok(res.status >= 200 && res.status < 300, `${what}: expected 503 or success, got ${res.status} ${JSON.stringify(res.body)}`);
  return "ok";
}

/** Deterministic PRNG (mulberry32), so a failing run can be replayed with the same seed. */
export function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Lets matching calls succeed but breaks their response body after `afterBytes` with a connection
 * reset, as a download cut off mid-way does.
 */
export function breakDownload(client: typeof s3, match: Match, afterBytes: number) {
  const state = { left: 1, hit: 0 };
  async function* cut(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    let sent = 0;
    for await (const chunk of source) {
      if (sent + chunk.length >= afterBytes) {
        yield chunk.subarray(0, afterBytes - sent);
        throw reset();
      }
      sent += chunk.length;
      yield chunk;
    }
  }
  const remove = install(client, "initialize", (next, context) => async (args) => {
    const result = await next(args);
    const command = context.commandName ?? "";
    if (state.left > 0 && matches(match, command, args.input)) {
      state.left--;
      state.hit++;
      count(`${command} body reset`);
      result.output.Body = Readable.from(cut(result.output.Body as AsyncIterable<Uint8Array>), { objectMode: false });
    }
    return result;
  });
  return { state, remove };
}
