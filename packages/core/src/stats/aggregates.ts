import { keys } from "../table/keys";
import { tableName } from "../resources";

/** What a generation adds to the aggregate items: the only facts stats are made of. */
export interface CountedFacts {
  /** A trashed generation counts only the bytes it still holds, on the tenant item. */
  trashed: boolean;
  tags: readonly string[];
  profileId: string;
  status: "pending" | "completed" | "failed";
  durationMs: number;
  /** The original's and every version's audio bytes, as stored (an archived one's FLAC size). */
  bytes: number;
  /** Of `bytes`, those stored as FLAC (archival compression). */
  archivedBytes: number;
  /** What archival saved: the archived audio's WAV bytes minus its FLAC bytes. */
  savedBytes: number;
  favorited: boolean;
  engine: string;
  language: string;
  /** The UTC day of created_at, YYYY-MM-DD. */
  day: string;
}

export const counterNames = [
  "generations",
  "duration_ms",
  "bytes",
  "status_pending",
  "status_completed",
  "status_failed",
  "favorites",
  "trash_generations",
  "trash_bytes",
  "archived_bytes",
  "bytes_saved",
] as const;
export type Counter = (typeof counterNames)[number];
export type Counters = Record<Counter, number>;

export const emptyCounters = (): Counters =>
  Object.fromEntries(counterNames.map((name) => [name, 0])) as Counters;

/**
 * Breakdown counters on the tenant item, one attribute per engine or language value (the API
 * limits both to short [A-Za-z0-9._-] tokens, so the names are safe and few).
 */
export const breakdownCounter = (dimension: "engine" | "language", value: string, measure: "count" | "duration_ms") =>
  `${dimension}#${value}#${measure}`;

type Target =
  | { kind: "tenant" }
  | { kind: "profile"; profileId: string }
  | { kind: "day"; day: string }
  | { kind: "tag"; tag: string };

const base = (facts: CountedFacts): Record<string, number> => ({
  generations: 1,
  duration_ms: facts.durationMs,
  bytes: facts.bytes,
  [`status_${facts.status}`]: 1,
  favorites: facts.favorited ? 1 : 0,
});

/**
 * The counters one generation adds to each aggregate item it is counted in. The tenant's `bytes`
 * holds every byte stored, trash included, because byte quotas count them; a trashed generation
 * leaves its profile's and every other count.
 */
function contributions(facts: CountedFacts): [Target, Record<string, number>][] {
  // Archival counts what is stored, trash included, as the quota's bytes do: on the tenant item only.
  const archival = { archived_bytes: facts.archivedBytes, bytes_saved: facts.savedBytes };
  if (facts.trashed) return [[{ kind: "tenant" }, { bytes: facts.bytes, trash_bytes: facts.bytes, trash_generations: 1, ...archival }]];
  return [
    [
      { kind: "tenant" },
      {
        ...base(facts),
        ...archival,
        [breakdownCounter("engine", facts.engine, "count")]: 1,
        [breakdownCounter("engine", facts.engine, "duration_ms")]: facts.durationMs,
        [breakdownCounter("language", facts.language, "count")]: 1,
        [breakdownCounter("language", facts.language, "duration_ms")]: facts.durationMs,
      },
    ],
    [{ kind: "profile", profileId: facts.profileId }, base(facts)],
    [{ kind: "day", day: facts.day }, { generations: 1, duration_ms: facts.durationMs }],
    ...facts.tags.map((tag): [Target, Record<string, number>] => [{ kind: "tag", tag }, { count: 1 }]),
  ];
}

const targetKey = (tenant: string, target: Target) =>
  target.kind === "tenant"
    ? keys.tenantStats(tenant)
    : target.kind === "profile"
      ? keys.profileStats(tenant, target.profileId)
      : target.kind === "day"
        ? keys.dayStats(tenant, target.day)
        : keys.tagStats(tenant, target.tag);

/** One generation's move: a create has no `before`, a delete no `after`. */
export type FactsChange = readonly [before: CountedFacts | null, after: CountedFacts | null];

/**
 * The counter changes per aggregate item that a set of generation changes adds up to. Counters
 * that do not move, and items none of whose counters move, are left out.
 */
export function statsDelta(moves: readonly FactsChange[]): { target: Target; counters: Record<string, number> }[] {
  const changes = new Map<string, { target: Target; counters: Record<string, number> }>();
  for (const [before, after] of moves) {
    for (const [facts, sign] of [
      [before, -1],
      [after, 1],
    ] as const) {
      if (!facts) continue;
      for (const [target, counters] of contributions(facts)) {
        const id = JSON.stringify(target);
        const entry = changes.get(id) ?? { target, counters: {} };
        for (const [name, value] of Object.entries(counters)) entry.counters[name] = (entry.counters[name] ?? 0) + sign * value;
        changes.set(id, entry);
      }
    }
  }
  return [...changes.values()]
    .map(({ target, counters }) => ({
      target,
      counters: Object.fromEntries(Object.entries(counters).filter(([, v]) => v !== 0)),
    }))
    .filter(({ counters }) => Object.keys(counters).length > 0);
}

/** Limits to hold the tenant and profile items to; null or absent is unlimited. */
export interface Quotas {
  /** Bytes stored, trash included. */
  tenant?: number | null;
  profile?: number | null;
  /** Generations not in the trash. */
  tenantGenerations?: number | null;
  profileGenerations?: number | null;
}

/** The counters a quota can hold. */
const quotaCounters = ["bytes", "generations"] as const;
export type QuotaCounter = (typeof quotaCounters)[number];

/** The quotas that hold an aggregate item: a counter and its limit. */
function limitsFor(target: Target, quotas: Quotas): { counter: QuotaCounter; limit: number }[] {
  const pairs: [counter: QuotaCounter, quota: number | null | undefined][] =
    target.kind === "tenant"
      ? [["bytes", quotas.tenant], ["generations", quotas.tenantGenerations]]
      : target.kind === "profile"
        ? [["bytes", quotas.profile], ["generations", quotas.profileGenerations]]
        : [];
  return pairs.flatMap(([counter, quota]) => (quota === null || quota === undefined ? [] : [{ counter, limit: quota }]));
}

/**
 * `ADD` updates for a transaction. ADD is atomic but not idempotent: callers pair it with a
 * conditional write. Where a quota applies and its counter grows, the update carries the condition
 * that the counter after the change stays within it, so concurrent writers can't overshoot it
 * together: the transaction that would cross it is cancelled.
 */
export function statsUpdates(tenant: string, moves: readonly FactsChange[], quotas: Quotas = {}) {
  return statsDelta(moves).map(({ target, counters }) => {
    const names: Record<string, string> = {};
    const values: Record<string, number | string> = {};
    const adds = Object.entries(counters).map(([name, value], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = value;
      return `#c${i} :c${i}`;
    });
    values[":now"] = new Date().toISOString();
    const conditions = limitsFor(target, quotas)
      .filter(({ counter }) => (counters[counter] ?? 0) > 0)
      .map(({ counter, limit }) => {
        const growth = counters[counter]!;
        names[`#quota_${counter}`] = counter;
        values[`:room_${counter}`] = limit - growth;
        // A counter not written yet stands for 0, so the growth alone must fit (a quota of 0 refuses the first one).
        const within = `#quota_${counter} <= :room_${counter}`;
        return growth <= limit ? `(attribute_not_exists(#quota_${counter}) OR ${within})` : within;
      });
    const guard = conditions.length ? { ConditionExpression: conditions.join(" AND ") } : undefined;
    return {
      Update: {
        TableName: tableName(),
        Key: targetKey(tenant, target),
        UpdateExpression: `ADD ${adds.join(", ")} SET updated_at = :now`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...guard,
      },
    };
  });
}

/** The counters whose quota an update from `statsUpdates` holds to its limit. */
export const guardedCounters = (update: ReturnType<typeof statsUpdates>[number]): QuotaCounter[] =>
  quotaCounters.filter((counter) => `#quota_${counter}` in update.Update.ExpressionAttributeNames);
