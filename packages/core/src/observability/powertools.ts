import type { Context } from "aws-lambda";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

/** Loaded by ../observability.ts with the first line logged or metric counted; see there. */

const serviceName = "sonna-history";

class InvocationLogger extends Logger {
  /**
   * `addContext`, told whether this is the process's first invocation: this logger is made when
   * the first line or metric needs it, which may be in a later invocation than the cold one.
   */
  addInvocation(context: Context, first: boolean): void {
    if (!first) this.coldStart = false;
    this.addContext(context);
  }
}

/** JSON lines; the level comes from POWERTOOLS_LOG_LEVEL (INFO when unset; the local stack sets WARN). */
export const logger = new InvocationLogger({ serviceName });

/** EMF on stdout, one namespace; POWERTOOLS_METRICS_DISABLED silences it (the local stack sets it). */
export const metrics = new Metrics({ namespace: "SonnaHistory", serviceName, logger });

/** One metric with one dimension of its own (a refusal's code, a job's type), published at once. */
export function countBy(name: string, dimension: string, value: string): void {
  const single = metrics.singleMetric();
  single.addDimension(dimension, value);
  single.addMetric(name, MetricUnit.Count, 1);
}

export { MetricUnit };
