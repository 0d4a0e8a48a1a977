import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { notFound } from "../errors";
import { deleteMatching, type OnDeleted } from "../generations/bulk-delete";
import { tableName } from "../resources";
import { retry, type RetryPolicy } from "../retry";
import { keys } from "../table/keys";
import { enqueueJob } from "../jobs/enqueue";
import { profileDeleted } from "../changes/entries";
import type { Job } from "../jobs/model";
import { LOCK_RETRY } from "../table/transact";
import { findProfileItem, profileBusy } from "./service";

const profileGenerationCount = async (tenant: string, profileId: string): Promise<number> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: keys.profileStats(tenant, profileId), ConsistentRead: true }),
  );
  return Number(Item?.generations ?? 0);
};

/**
 * Removes the profile at once, in the same transaction that records the job which deletes its
 * generations: no new generation can be created for it (creation checks the profile), and the job
 * is never lost. Works the same for 1 or 50,000 generations.
 */
export async function deleteProfile(tenant: string, profileId: string): Promise<Job> {
  return retry(async () => {
    const profile = await findProfileItem(tenant, profileId);
    if (!profile) throw notFound("profile", profileId);
    return enqueueJob(tenant, "profile.delete", { profile_id: profileId }, [
      // Guarded by the version read: a rename in between moves the lock, and deleting the old
      // one would leave the new one (and the name it holds) behind for a profile that is gone.
      {
        Delete: {
          TableName: tableName(),
          Key: keys.profile(tenant, profileId),
          ConditionExpression: "updated_at = :seen",
          ExpressionAttributeValues: { ":seen": profile.updated_at },
        },
      },
      { Delete: { TableName: tableName(), Key: keys.profileName(tenant, profile.name) } },
    ], [profileDeleted(profileId)]);
  }, { ...LOCK_RETRY, exhausted: profileBusy });
}

/** The profile's counter still counts generations that the GSI did not show yet. */
class StillCounted extends Error {}

/**
 * Real GSIs usually catch up within a second: twenty passes with waits of up to 2 s give one that
 * lags about 15 s on average (31 s at most) before the job fails and the queue runs it again.
 */
const GSI_CATCH_UP: RetryPolicy = { attempts: 20, baseMs: 100, capMs: 2000 };

/**
 * Deletes a removed profile's generations and audio in batches. The GSI that finds them is
 * eventually consistent, so the passes go on until the profile's own counter says none are left;
 * run again after a crash, it picks up what is left.
 */
export async function deleteProfileGenerations(tenant: string, profileId: string, onDeleted?: OnDeleted): Promise<number> {
  let deleted = 0;
  await retry(
    async () => {
      const before = deleted;
      deleted += await deleteMatching(tenant, { profile_id: profileId }, (n) => onDeleted?.(before + n));
      if ((await profileGenerationCount(tenant, profileId)) > 0) throw new StillCounted(`profile ${profileId}: generations still counted after repeated deletes`);
    },
    { ...GSI_CATCH_UP, retryable: (error) => error instanceof StillCounted },
  );
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
