import { keys } from "../table/keys";
import { tableName } from "../resources";

/** What a generation adds to the aggregate items: the only facts stats are made of. */
export interface CountedFacts {
  profileId: string;
  status: "pending" | "completed" | "failed";
  durationMs: number;
  /** The original's and every version's audio bytes. */
  bytes: number;
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

type Target = { kind: "tenant" } | { kind: "profile"; profileId: string } | { kind: "day"; day: string };

const base = (facts: CountedFacts): Record<string, number> => ({
  generations: 1,
  duration_ms: facts.durationMs,
  bytes: facts.bytes,
  [`status_${facts.status}`]: 1,
  favorites: facts.favorited ? 1 : 0,
});

/** The counters one generation adds to each aggregate item it is counted in. */
function contributions(facts: CountedFacts): [Target, Record<string, number>][] {
  return [
    [
      { kind: "tenant" },
      {
        ...base(facts),
        [breakdownCounter("engine", facts.engine, "count")]: 1,
        [breakdownCounter("engine", facts.engine, "duration_ms")]: facts.durationMs,
        [breakdownCounter("language", facts.language, "count")]: 1,
        [breakdownCounter("language", facts.language, "duration_ms")]: facts.durationMs,
      },
    ],
    [{ kind: "profile", profileId: facts.profileId }, base(facts)],
    [{ kind: "day", day: facts.day }, { generations: 1, duration_ms: facts.durationMs }],
  ];
}

const targetKey = (tenant: string, target: Target) =>
  target.kind === "tenant"
    ? keys.tenantStats(tenant)
    : target.kind === "profile"
      ? keys.profileStats(tenant, target.profileId)
      : keys.dayStats(tenant, target.day);

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

/** Byte limits to hold the tenant and profile items to; null or absent is unlimited. */
export interface Quotas {
  tenant?: number | null;
  profile?: number | null;
}

/**
 * `ADD` updates for a transaction. ADD is atomic but not idempotent: callers pair it with a
 * conditional write. Where a quota applies and bytes grow, the update carries the condition that
 * the item's bytes after the change stay within it, so concurrent writers can't overshoot it
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
    const quota = target.kind === "tenant" ? quotas.tenant : target.kind === "profile" ? quotas.profile : null;
    const growth = counters.bytes ?? 0;
    const guard =
      quota !== null && quota !== undefined && growth > 0
        ? { ConditionExpression: "attribute_not_exists(#quota_bytes) OR #quota_bytes <= :quota_room" }
        : undefined;
    if (guard) {
      names["#quota_bytes"] = "bytes";
      values[":quota_room"] = quota! - growth;
    }
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
