import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import { setTimeout as sleep } from "node:timers/promises";
import { dynamo } from "../aws";
import { notFound } from "../errors";
import { deleteMatching } from "../generations/bulk-delete";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { ConditionFailed, transact } from "../table/transact";
import { findProfileItem } from "./service";

const profileGenerationCount = async (tenant: string, profileId: string): Promise<number> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: keys.profileStats(tenant, profileId), ConsistentRead: true }),
  );
  return Number(Item?.generations ?? 0);
};

/**
 * Removes the profile first, so no new generation can be created for it (creation checks the
 * profile in its transaction), then its generations and audio in batches. The GSI that finds them
 * is eventually consistent, so the loop runs until the profile's own counter says none are left.
 */
export async function deleteProfile(tenant: string, profileId: string): Promise<{ deleted_generations: number }> {
  const profile = await findProfileItem(tenant, profileId);
  if (!profile) throw notFound("profile", profileId);
  try {
    await transact([
      { Delete: { TableName: tableName(), Key: keys.profile(tenant, profileId), ConditionExpression: "attribute_exists(pk)" } },
      { Delete: { TableName: tableName(), Key: keys.profileName(tenant, profile.name) } },
    ]);
  } catch (error) {
    if (error instanceof ConditionFailed) throw notFound("profile", profileId);
    throw error;
  }
  return { deleted_generations: await deleteProfileGenerations(tenant, profileId) };
}

export async function deleteProfileGenerations(tenant: string, profileId: string): Promise<number> {
  let deleted = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    deleted += await deleteMatching(tenant, { profile_id: profileId });
    if ((await profileGenerationCount(tenant, profileId)) === 0) {
      await dynamo.send(
        new DeleteCommand({
          TableName: tableName(),
          Key: keys.profileStats(tenant, profileId),
          ConditionExpression: "attribute_not_exists(generations) OR generations = :zero",
          ExpressionAttributeValues: { ":zero": 0 },
        }),
      ).catch((error: unknown) => {
        if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
      });
      return deleted;
    }
    await sleep(Math.min(100 * 2 ** attempt, 2000));
  }
  throw new Error(`profile ${profileId}: generations still counted after repeated deletes`);
}
