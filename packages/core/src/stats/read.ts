import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { counterNames, emptyCounters, type Counters } from "./aggregates";

export interface ProfileUsage {
  generations: number;
  duration_seconds: number;
  bytes: number;
}

export interface Stats {
  total_generations: number;
  total_duration_seconds: number;
  total_bytes: number;
  favorites: number;
  generations_by_status: { pending: number; completed: number; failed: number };
  generations_by_profile: Record<string, number>;
  profiles: Record<string, ProfileUsage>;
}

const countersOf = (item: Record<string, unknown>): Counters => {
  const counters = emptyCounters();
  for (const name of counterNames) counters[name] = Number(item[name] ?? 0);
  return counters;
};

/**
 * One Query over the aggregate items (the tenant's and one per profile): its cost follows the
 * number of profiles, never the number of generations.
 */
export async function readStats(tenant: string): Promise<Stats> {
  let tenantCounters = emptyCounters();
  const byProfile = new Map<string, Counters>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": keys.tenantPartition(tenant), ":prefix": keys.statsPrefix },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const profileId = keys.profileIdFromStatsSk(item.sk as string);
      if (profileId === undefined) tenantCounters = countersOf(item);
      else byProfile.set(profileId, countersOf(item));
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const active = [...byProfile].filter(([, c]) => c.generations > 0);
  return {
    total_generations: tenantCounters.generations,
    total_duration_seconds: tenantCounters.duration_ms / 1000,
    total_bytes: tenantCounters.bytes,
    favorites: tenantCounters.favorites,
    generations_by_status: {
      pending: tenantCounters.status_pending,
      completed: tenantCounters.status_completed,
      failed: tenantCounters.status_failed,
    },
    generations_by_profile: Object.fromEntries(active.map(([id, c]) => [id, c.generations])),
    profiles: Object.fromEntries(
      active.map(([id, c]) => [id, { generations: c.generations, duration_seconds: c.duration_ms / 1000, bytes: c.bytes }]),
    ),
  };
}
