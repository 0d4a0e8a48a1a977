import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { VisibleError } from "../errors";
import { isId } from "../ids";
import { tableName } from "../resources";
import type { CreationInput } from "../shapes/generation";
import { keys } from "../table/keys";
import { resolveCreation } from "./defaults";
import { generationDetail } from "./detail";
import { creationDigest } from "./model";

const noHit = () => new VisibleError(404, "generation.not_found", "No completed generation was made with these settings.");

/** A delete between the Query and the read of its hit is retried on a fresh Query this many times. */
const ATTEMPTS = 3;

/**
 * The newest completed generation made with exactly these settings (defaults applied as on
 * create), as `GET /history/{id}` shows it. Every completed live generation has a lookup item
 * under the digest of its settings, written and removed in the transactions that change it, so
 * one Query of that partition (newest first, Limit 1) finds the hit and one GetItem reads it:
 * the cost does not grow with the history. A profile that doesn't exist has no hit.
 */
export async function lookupGeneration(tenant: string, input: CreationInput) {
  const settings = isId(input.profile_id) ? await resolveCreation(tenant, input) : undefined;
  if (!settings) throw noHit();
  const digest = creationDigest(settings);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { Items = [] } = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.lookupPartition(tenant, digest) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const id = Items[0]?.id as string | undefined;
    if (id === undefined) throw noHit();
    try {
      return await generationDetail(tenant, id);
    } catch (error) {
      // Deleted or trashed since the Query: its lookup item went in the same transaction.
      if (!(error instanceof VisibleError && error.code === "generation.not_found")) throw error;
    }
  }
  throw noHit();
}
