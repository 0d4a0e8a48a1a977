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

const contribution = (facts: CountedFacts): Counters => ({
  ...emptyCounters(),
  generations: 1,
  duration_ms: facts.durationMs,
  bytes: facts.bytes,
  [`status_${facts.status}`]: 1,
  favorites: facts.favorited ? 1 : 0,
});

/** One generation's move: a create has no `before`, a delete no `after`. */
export type FactsChange = readonly [before: CountedFacts | null, after: CountedFacts | null];

/**
 * The counter changes per aggregate item (tenant and profile) that a set of generation changes
 * adds up to. Counters that do not move are left out.
 */
export function statsDelta(moves: readonly FactsChange[]) {
  const changes = new Map<string, { profileId: string | null; counters: Partial<Counters> }>();
  const add = (profileId: string | null, facts: CountedFacts, sign: 1 | -1) => {
    const key = profileId ?? "";
    const entry = changes.get(key) ?? { profileId, counters: {} };
    for (const [name, value] of Object.entries(contribution(facts)) as [Counter, number][]) {
      entry.counters[name] = (entry.counters[name] ?? 0) + sign * value;
    }
    changes.set(key, entry);
  };
  for (const [before, after] of moves) {
    for (const [facts, sign] of [
      [before, -1],
      [after, 1],
    ] as const) {
      if (!facts) continue;
      add(null, facts, sign);
      add(facts.profileId, facts, sign);
    }
  }
  return [...changes.values()]
    .map(({ profileId, counters }) => ({
      profileId,
      counters: Object.fromEntries(Object.entries(counters).filter(([, v]) => v !== 0)) as Partial<Counters>,
    }))
    .filter(({ counters }) => Object.keys(counters).length > 0);
}

/** `ADD` updates for a transaction. ADD is atomic but not idempotent: callers pair it with a conditional write. */
export function statsUpdates(tenant: string, moves: readonly FactsChange[]) {
  return statsDelta(moves).map(({ profileId, counters }) => {
    const names: Record<string, string> = {};
    const values: Record<string, number | string> = {};
    const adds = Object.entries(counters).map(([name, value], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = value as number;
      return `#c${i} :c${i}`;
    });
    values[":now"] = new Date().toISOString();
    return {
      Update: {
        TableName: tableName(),
        Key: profileId === null ? keys.tenantStats(tenant) : keys.profileStats(tenant, profileId),
        UpdateExpression: `ADD ${adds.join(", ")} SET updated_at = :now`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
}
