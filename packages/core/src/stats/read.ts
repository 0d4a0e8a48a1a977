import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { tableName } from "../resources";
import { getSettings } from "../settings/service";
import { keys } from "../table/keys";
import { queryPages } from "../table/query-pages";
import type { Breakdown, Stats } from "../shapes/stats";
import { counterNames, emptyCounters, type Counters } from "./aggregates";

export type { Breakdown, ProfileUsage, Stats } from "../shapes/stats";

export const STATS_DAYS = 30;

/** engine#<value>#count / #duration_ms attributes of the tenant item, folded per value. */
function breakdown(item: Record<string, unknown>, dimension: "engine" | "language"): Record<string, Breakdown> {
  const result: Record<string, Breakdown> = {};
  for (const [name, raw] of Object.entries(item)) {
    const match = new RegExp(`^${dimension}#(.+)#(count|duration_ms)$`).exec(name);
    if (!match) continue;
    const entry = (result[match[1]!] ??= { generations: 0, duration_seconds: 0 });
    if (match[2] === "count") entry.generations = Number(raw);
    else entry.duration_seconds = Number(raw) / 1000;
  }
  return Object.fromEntries(Object.entries(result).filter(([, b]) => b.generations > 0));
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function readDays(tenant: string, now = Date.now()) {
  const days = Array.from({ length: STATS_DAYS }, (_, i) => utcDay(now - (STATS_DAYS - 1 - i) * 86_400_000));
  const { Items } = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ExpressionAttributeValues: {
        ":pk": keys.tenantPartition(tenant),
        ":from": keys.dayStats(tenant, days[0]!).sk,
        ":to": keys.dayStats(tenant, days[days.length - 1]!).sk,
      },
    }),
  );
  const byDay = new Map((Items ?? []).map((item) => [(item.sk as string).slice(keys.dayStatsPrefix.length), item]));
  return days.map((day) => ({
    day,
    generations: Number(byDay.get(day)?.generations ?? 0),
    duration_seconds: Number(byDay.get(day)?.duration_ms ?? 0) / 1000,
  }));
}

const countersOf = (item: Record<string, unknown>): Counters => {
  const counters = emptyCounters();
  for (const name of counterNames) counters[name] = Number(item[name] ?? 0);
  return counters;
};

/**
 * One Query over the aggregate items (the tenant's and one per profile), one over the last 30 day
 * items and one GetItem of the settings: the cost follows the number of profiles, never the number
 * of generations.
 */
async function readAggregates(tenant: string) {
  let tenantItem: Record<string, unknown> = {};
  const byProfile = new Map<string, Counters>();
  for await (const page of queryPages({
    TableName: tableName(),
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.tenantPartition(tenant), ":prefix": keys.statsPrefix },
  })) {
    for (const item of page.Items ?? []) {
      const profileId = keys.profileIdFromStatsSk(item.sk as string);
      if (profileId === undefined) tenantItem = item;
      else byProfile.set(profileId, countersOf(item));
    }
  }
  return { tenantItem, byProfile };
}

export async function readStats(tenant: string): Promise<Stats> {
  const [{ tenantItem, byProfile }, perDay, settings] = await Promise.all([
    readAggregates(tenant),
    readDays(tenant),
    getSettings(tenant),
  ]);
  const tenantCounters = countersOf(tenantItem);
  const active = [...byProfile].filter(([, c]) => c.generations > 0);
  return {
    total_generations: tenantCounters.generations,
    total_duration_seconds: tenantCounters.duration_ms / 1000,
    // The tenant's `bytes` holds the trash's too (byte quotas count them); the totals are the live history's.
    total_bytes: tenantCounters.bytes - tenantCounters.trash_bytes,
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
    by_engine: breakdown(tenantItem, "engine"),
    by_language: breakdown(tenantItem, "language"),
    archived_bytes: tenantCounters.archived_bytes,
    bytes_saved: tenantCounters.bytes_saved,
    quota: { quota_bytes: settings.quota_bytes, profile_quota_bytes: settings.profile_quota_bytes, used_bytes: tenantCounters.bytes },
    trash: { generations: tenantCounters.trash_generations, bytes: tenantCounters.trash_bytes },
    generations_per_day: perDay,
  };
}
