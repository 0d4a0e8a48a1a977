import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";

export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** Thrown when a condition in the transaction failed; `index` says which item's. */
export class ConditionFailed extends Error {
  constructor(readonly index: number) {
    super(`condition failed on transaction item ${index}`);
    this.name = "ConditionFailed";
  }
}

/**
 * One TransactWriteItems call. A cancellation caused by a condition surfaces as ConditionFailed
 * naming the item; conflicts and throttling are retried by the SDK and then propagate.
 */
export async function transact(items: TransactItem[], clientRequestToken?: string): Promise<void> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: items,
        ...(clientRequestToken ? { ClientRequestToken: clientRequestToken } : {}),
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const index = (error.CancellationReasons ?? []).findIndex((r) => r.Code === "ConditionalCheckFailed");
      if (index >= 0) throw new ConditionFailed(index);
    }
    throw error;
  }
}
