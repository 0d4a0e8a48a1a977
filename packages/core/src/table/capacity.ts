import type { AsyncLocalStorage } from "node:async_hooks";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface CapacityTally {
  read: number;
  write: number;
  calls: number;
}

/** Made by the first `measureCapacity`: node:async_hooks is not worth loading on every cold start for a test tool. */
let tallies: AsyncLocalStorage<CapacityTally> | undefined;

/**
 * Runs `fn` and returns the DynamoDB capacity every call made inside it consumed, as DynamoDB
 * itself reports it. Used by the capacity tests and the cost benchmark; outside `measureCapacity`
 * requests are sent unchanged.
 */
export async function measureCapacity<T>(fn: () => Promise<T>): Promise<{ result: T; capacity: CapacityTally }> {
  const capacity: CapacityTally = { read: 0, write: 0, calls: 0 };
  tallies ??= new (await import("node:async_hooks")).AsyncLocalStorage<CapacityTally>();
  const result = await tallies.run(capacity, fn);
  return { result, capacity };
}

type Consumed = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };

export function instrumentCapacity(client: DynamoDBDocumentClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const tally = tallies?.getStore();
      if (!tally) return next(args);
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = "TOTAL";
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: Consumed | Consumed[] };
      const consumed = output.ConsumedCapacity;
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        // DynamoDB Local reports only CapacityUnits; split by operation kind when the split is absent.
        const read = entry.ReadCapacityUnits;
        const write = entry.WriteCapacityUnits;
        if (read !== undefined || write !== undefined) {
          tally.read += read ?? 0;
          tally.write += write ?? 0;
        } else if (/Get|Query|Scan/.test(context.commandName ?? "")) {
          tally.read += entry.CapacityUnits ?? 0;
        } else {
          tally.write += entry.CapacityUnits ?? 0;
        }
      }
      tally.calls++;
      return result;
    },
    { step: "initialize", name: "sonnaCapacityTally" },
  );
}
