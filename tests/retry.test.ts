/** The one retry policy's pure logic: attempt cap, backoff bounds, jitter range, the predicate. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { backoffMs, retry, type RetryPolicy } from "@sonna/core/retry";

const policy: RetryPolicy = { attempts: 4, baseMs: 50, capMs: 300 };
/** Waits of at most 1 ms, so the loop's own logic is what a test sees. */
const quick = { attempts: 4, baseMs: 1, capMs: 1 };

class Transient extends Error {}

describe("backoffMs", () => {
  test("doubles the bound with each retry, up to the cap", () => {
    const bounds = [1, 2, 3, 4, 5].map((retry) => backoffMs(policy, retry, () => 1));
    assert.deepEqual(bounds, [50, 100, 200, 300, 300]);
  });

  test("full jitter: anywhere from 0 up to the bound, never above", () => {
    assert.equal(backoffMs(policy, 3, () => 0), 0);
    assert.equal(backoffMs(policy, 3, () => 0.5), 100);
    for (let i = 0; i < 1000; i++) {
      const wait = backoffMs(policy, 2);
      assert.ok(wait >= 0 && wait < 100, `${wait} outside [0, 100)`);
    }
  });

  test("the waits spread over the range rather than bunching", () => {
    const waits = Array.from({ length: 2000 }, () => backoffMs(policy, 4));
    const low = waits.filter((w) => w < 150).length;
    assert.ok(low > 800 && low < 1200, `${low} of 2000 in the lower half`);
  });
});

describe("retry", () => {
  test("returns the first success, passing each attempt its number", async () => {
    const seen: number[] = [];
    const result = await retry(
      async (n) => {
        seen.push(n);
        if (n < 3) throw new Transient();
        return "done";
      },
      { ...quick, retryable: (e) => e instanceof Transient },
    );
    assert.equal(result, "done");
    assert.deepEqual(seen, [1, 2, 3]);
  });

  test("stops at the attempt cap and throws the last error", async () => {
    let calls = 0;
    const last = new Transient("fourth");
    await assert.rejects(
      retry(
        async (n) => {
          calls++;
          throw n === 4 ? last : new Transient();
        },
        { ...quick, retryable: (e) => e instanceof Transient },
      ),
      (error) => error === last,
    );
    assert.equal(calls, 4);
  });

  test("`exhausted` replaces the error only when the attempts ran out", async () => {
    const busy = new Error("busy");
    await assert.rejects(retry(async () => Promise.reject(new Transient()), { ...quick, retryable: (e) => e instanceof Transient, exhausted: () => busy }), (e) => e === busy);
    const refusal = new Error("refused");
    await assert.rejects(retry(async () => Promise.reject(refusal), { ...quick, retryable: (e) => e instanceof Transient, exhausted: () => busy }), (e) => e === refusal);
  });

  test("a failure the predicate refuses is thrown at once, without another call", async () => {
    let calls = 0;
    const refusal = new Error("not retryable");
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw refusal;
        },
        { ...quick, retryable: (e) => e instanceof Transient },
      ),
      (error) => error === refusal,
    );
    assert.equal(calls, 1);
  });

  test("one attempt means no retry at all", async () => {
    let calls = 0;
    await assert.rejects(retry(async () => Promise.reject(new Transient(String(++calls))), { ...quick, attempts: 1, retryable: () => true }));
    assert.equal(calls, 1);
  });

  test("waits between attempts: the total stays within the sum of the bounds", async () => {
    const started = performance.now();
    await assert.rejects(retry(async () => Promise.reject(new Transient()), { attempts: 4, baseMs: 20, capMs: 40, retryable: () => true }));
    const elapsed = performance.now() - started;
    // Bounds 20 + 40 + 40 = 100 ms; timers may fire a little late, never early.
    assert.ok(elapsed < 100 + 50, `${elapsed} ms`);
  });
});
