import type { Context } from "aws-lambda";
import type { LogItemExtraInput } from "@aws-lambda-powertools/logger/types";

/**
 * Logs and metrics for every Lambda entry and the core code it runs, through Powertools for AWS
 * Lambda: Logger (JSON lines carrying the Lambda request id, the cold-start flag and our keys, the
 * tenant first) and Metrics (EMF, namespace SonnaHistory, published at the end of each invocation).
 *
 * Powertools itself (observability/powertools.ts) loads with the first line logged or metric
 * counted, not with this module: importing it costs about 35 KB and 16 M instructions, and a cold
 * API request that logs and counts nothing (a read that succeeds) never needs it
 * (docs/decisions.md). Until it is there, lines and counts wait in order, each line with the keys
 * of the moment it was logged, and `withObservability` waits for them before the invocation ends.
 *
 * Keys belong to the invocation, as Lambda runs one at a time per process. The local server runs
 * requests concurrently in one process, so there a line may carry another request's tenant.
 */

type Powertools = typeof import("./observability/powertools");
type Keys = Record<string, string>;

let powertools: Powertools | undefined;
let loading: Promise<void> | undefined;
/** Lines and counts made before Powertools had loaded, in order. */
let waiting: ((p: Powertools) => void)[] = [];

/** This invocation's context and keys (and how many invocations this process has run). */
let context: Context | undefined;
let keys: Keys = {};
let invocations = 0;

function load(): Promise<void> {
  return (loading ??= import("./observability/powertools").then(
    (loaded) => {
      if (context) loaded.logger.addInvocation(context, invocations === 1);
      for (const run of waiting) run(loaded);
      waiting = [];
      loaded.logger.resetKeys();
      loaded.logger.appendKeys(keys);
      powertools = loaded;
    },
    (error: unknown) => {
      // Kept waiting: the next line or invocation tries again.
      loading = undefined;
      throw error;
    },
  ));
}

/** Runs `use` on Powertools now if it is there, else once it has loaded, with the keys of now. */
function withPowertools(use: (p: Powertools) => void): void {
  if (powertools) return use(powertools);
  const now = { ...keys };
  waiting.push((p) => {
    p.logger.resetKeys();
    p.logger.appendKeys(now);
    use(p);
  });
  load().catch(() => undefined);
}

export const log = {
  debug: (message: string, ...extra: LogItemExtraInput) => withPowertools((p) => p.logger.debug(message, ...extra)),
  info: (message: string, ...extra: LogItemExtraInput) => withPowertools((p) => p.logger.info(message, ...extra)),
  warn: (message: string, ...extra: LogItemExtraInput) => withPowertools((p) => p.logger.warn(message, ...extra)),
  error: (message: string, ...extra: LogItemExtraInput) => withPowertools((p) => p.logger.error(message, ...extra)),
};

/** Keys on every line from here to the end of the invocation (or `removeKeys`). */
export function appendKeys(added: Keys): void {
  Object.assign(keys, added);
  powertools?.logger.appendKeys(added);
}

export function removeKeys(names: string[]): void {
  for (const name of names) delete keys[name];
  powertools?.logger.removeKeys(names);
}

/** The tenant a request or job acts for, on every line that follows in this invocation. */
export const setTenant = (tenant: string): void => appendKeys({ tenant });

export type GenerationOutcome = "Created" | "Completed" | "Failed";

/** GenerationsCreated, GenerationsCompleted or GenerationsFailed. */
export const countGeneration = (outcome: GenerationOutcome): void =>
  withPowertools((p) => p.metrics.addMetric(`Generations${outcome}`, p.MetricUnit.Count, 1));

/** Audio bytes a completion (or an import) stored. */
export const countBytesStored = (bytes: number): void =>
  withPowertools((p) => p.metrics.addMetric("BytesStored", p.MetricUnit.Bytes, bytes));

/** A request refused with a 4xx: Refusals, by its error code. */
export const countRefusal = (code: string): void => withPowertools((p) => p.countBy("Refusals", "code", code));

/** JobsSucceeded or JobsFailed (for good: no retry follows), by job type. */
export const countJob = (type: string, outcome: "Succeeded" | "Failed"): void =>
  withPowertools((p) => p.countBy(`Jobs${outcome}`, "job_type", type));

/**
 * Wraps a Lambda handler: the request id and cold-start flag from Lambda's context go on every
 * line, lines still waiting for Powertools are written, stored metrics are published, and the
 * invocation's keys are dropped, all before the handler's answer goes back. The context is absent
 * where the local stack or a test calls the handler.
 */
export function withObservability<E, R>(handler: (event: E, context?: Context) => Promise<R>): (event: E, context?: Context) => Promise<R> {
  return async (event, lambdaContext) => {
    invocations++;
    context = lambdaContext;
    if (lambdaContext) powertools?.logger.addInvocation(lambdaContext, invocations === 1);
    try {
      return await handler(event, lambdaContext);
    } finally {
      await loading?.catch(() => undefined);
      if (powertools?.metrics.hasStoredMetrics()) powertools.metrics.publishStoredMetrics();
      keys = {};
      powertools?.logger.resetKeys();
      context = undefined;
    }
  };
}
