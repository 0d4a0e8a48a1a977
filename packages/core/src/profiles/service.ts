import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { notFound, VisibleError } from "../errors";
import { isId, newId } from "../ids";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { queryPages } from "../table/query-pages";
import { retry } from "../retry";
import { profileUpserted } from "../changes/entries";
import { transactWithChanges } from "../changes/log";
import { ConditionFailed, LOCK_RETRY } from "../table/transact";
import { registerTenant } from "../settings/service";
import { profileNameItem, toProfile, type Profile, type ProfileItem } from "./model";
import type { ProfileInput } from "../shapes/profile";

export type { ProfileInput } from "../shapes/profile";

const nameTaken = (name: string) =>
  new VisibleError(409, "profile.name_taken", `A profile named ${JSON.stringify(name)} already exists.`);

export const profileBusy = () =>
  new VisibleError(409, "profile.busy", "The profile is being changed by other requests; retry.", { "Retry-After": "1" });

const notExists = { ConditionExpression: "attribute_not_exists(pk)" };

export async function createProfile(tenant: string, input: ProfileInput): Promise<Profile> {
  const now = new Date().toISOString();
  const id = newId();
  const item: ProfileItem = {
    ...keys.profile(tenant, id),
    entity: "profile",
    id,
    name: input.name.trim(),
    description: input.description ?? null,
    language: input.language ?? "en",
    created_at: now,
    updated_at: now,
  };
  try {
    await transactWithChanges(
      tenant,
      [
        { Put: { TableName: tableName(), Item: item, ...notExists } },
        { Put: { TableName: tableName(), Item: profileNameItem(tenant, item), ...notExists } },
        registerTenant(tenant),
      ],
      [profileUpserted(item)],
    );
  } catch (error) {
    if (error instanceof ConditionFailed && error.index === 1) throw nameTaken(item.name);
    throw error;
  }
  return toProfile(item);
}

export async function findProfileItem(tenant: string, id: string): Promise<ProfileItem | undefined> {
  if (!isId(id)) return undefined;
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: keys.profile(tenant, id), ConsistentRead: true }),
  );
  return Item as ProfileItem | undefined;
}

export async function getProfile(tenant: string, id: string): Promise<Profile> {
  const item = await findProfileItem(tenant, id);
  if (!item) throw notFound("profile", id);
  return toProfile(item);
}

export async function findProfileByName(tenant: string, name: string): Promise<Profile | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: keys.profileName(tenant, name), ConsistentRead: true }),
  );
  const id = Item?.profile_id as string | undefined;
  return id ? (await findProfileItem(tenant, id).then((p) => p && toProfile(p))) : undefined;
}

/** All profiles, oldest first. A tenant has few enough that one paginated query is fine. */
export async function listProfiles(tenant: string): Promise<Profile[]> {
  const profiles: Profile[] = [];
  for await (const page of queryPages({
    TableName: tableName(),
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.tenantPartition(tenant), ":prefix": keys.profilePrefix },
  })) {
    profiles.push(...((page.Items ?? []) as ProfileItem[]).map(toProfile));
  }
  return profiles;
}

/**
 * Applies a patch under an optimistic lock on `updated_at`; a concurrent change makes the lock
 * fail and the patch is applied again to the fresh profile, so non-overlapping edits all land.
 */
export async function updateProfile(tenant: string, id: string, patch: Partial<ProfileInput>): Promise<Profile> {
  return retry(
    async () => {
      const current = await findProfileItem(tenant, id);
      if (!current) throw notFound("profile", id);
      const next: ProfileItem = {
        ...current,
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.language !== undefined ? { language: patch.language } : {}),
        updated_at: laterThan(current.updated_at),
      };
      const lockMoves = keys.profileName(tenant, next.name).sk !== keys.profileName(tenant, current.name).sk;
      try {
        await transactWithChanges(tenant, [
          {
            Put: {
              TableName: tableName(),
              Item: next,
              ConditionExpression: "updated_at = :seen",
              ExpressionAttributeValues: { ":seen": current.updated_at },
            },
          },
          ...(lockMoves
            ? [
                { Put: { TableName: tableName(), Item: profileNameItem(tenant, next), ...notExists } },
                { Delete: { TableName: tableName(), Key: keys.profileName(tenant, current.name) } },
              ]
            : next.name !== current.name
              ? [
                  // A change of case only keeps the lock's key, but the lock carries the display name
                  // that lists show: rewrite it, as long as it is this profile's.
                  {
                    Put: {
                      TableName: tableName(),
                      Item: profileNameItem(tenant, next),
                      ConditionExpression: "attribute_not_exists(pk) OR profile_id = :id",
                      ExpressionAttributeValues: { ":id": id },
                    },
                  },
                ]
              : []),
        ], [profileUpserted(next)]);
        return toProfile(next);
      } catch (error) {
        if (error instanceof ConditionFailed && error.index === 1) throw nameTaken(next.name);
        throw error;
      }
    },
    { ...LOCK_RETRY, exhausted: profileBusy },
  );
}

/** A timestamp after `previous` even within the same millisecond, so the lock always moves. */
function laterThan(previous: string): string {
  const now = Date.now();
  const last = Date.parse(previous);
  return new Date(now > last ? now : last + 1).toISOString();
}
