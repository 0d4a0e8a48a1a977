import type { WebhookMessage } from "./model";

/** An address a host name resolves to, as `dns.lookup` with `all: true` answers. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = async (hostname) => {
  const { lookup } = await import("node:dns/promises");
  return (await lookup(hostname, { all: true, verbatim: true })) as ResolvedAddress[];
};

/**
 * Waits before each retry: the 2nd try 5 s after the 1st fails, then 5 min, 30 min, 2 h, 5 h, 10 h
 * and 10 h: eight tries over about 28 hours (README, "Receiving events").
 */
export const RETRY_DELAYS_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000];

/**
 * How deliveries behave. Fixed deployed; tests in the API's own process shorten the waits, stub the
 * resolver, move the clock and lose messages through `configureWebhooks`.
 */
export interface WebhookSettings {
  /** The wait before each retry; its length is the number of retries. */
  retryDelaysMs: number[];
  /** An answer must arrive within this to count. */
  timeoutMs: number;
  /** An endpoint with no success for this long since its first failure is disabled. */
  disableAfterMs: number;
  /** A pending delivery this far past its due time has lost its message: the sweep sends it again. */
  overdueAfterMs: number;
  /** Resolves a host name at delivery time; every address it answers is checked before connecting. */
  resolve: Resolver;
  now: () => number;
  /**
   * Loopback destinations (and plain http to them): a switch of the local stack only
   * (SONNA_WEBHOOKS_ALLOW_LOOPBACK=1, set by packages/local), never set deployed.
   */
  allowLoopback: () => boolean;
  /** Drops a message instead of sending it, as a crash would: tests of the sweep's recovery. */
  lose: (message: WebhookMessage) => boolean;
}

const defaults: WebhookSettings = {
  retryDelaysMs: RETRY_DELAYS_MS,
  timeoutMs: 10_000,
  disableAfterMs: 5 * 86_400_000,
  overdueAfterMs: 2 * 60_000,
  resolve: systemResolver,
  now: () => Date.now(),
  allowLoopback: () => process.env.SONNA_WEBHOOKS_ALLOW_LOOPBACK === "1",
  lose: () => false,
};

export const webhookSettings: WebhookSettings = { ...defaults };

/** Changes settings for this process (tests); returns what puts them back. */
export function configureWebhooks(changes: Partial<WebhookSettings>): () => void {
  const before = { ...webhookSettings };
  Object.assign(webhookSettings, changes);
  return () => Object.assign(webhookSettings, before);
}
