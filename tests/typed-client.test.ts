// The README's typed client: Hono's `hc` typed by `AppType`, against the running app. If a route's
// shape changes, this file stops compiling (npm test type-checks first).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { hc } from "hono/client";
import type { AppType } from "@sonna/functions/app";
import { startApi, tenant, type Api } from "./support/server";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

test("hc<AppType> creates a profile and a generation and finds it, with typed inputs and answers", async () => {
  const t = await tenant(api);
  const client = hc<AppType>(api.baseUrl, { headers: { authorization: `Bearer ${t.token}` } });
  const profile = await client.profiles.$post({ json: { name: "Typed" } });
  assert.equal(profile.status, 201);
  const { id: profileId } = await profile.json();
  const created = await client.history.$post({ json: { profile_id: profileId, text: "Hello typed world" }, header: {} });
  assert.equal(created.status, 201);
  const { generation } = await created.json();
  const listed = await client.history.$get({ query: { search: "TYPED", limit: "10" } });
  assert.equal(listed.status, 200);
  if (listed.status !== 200) return;
  const page = await listed.json();
  assert.deepEqual(page.items.map((g) => g.id), [generation.id]);
  assert.equal(page.total, 1);
  const one = await client.history[":id"].$get({ param: { id: generation.id } });
  assert.equal(one.status, 200);
  if (one.status === 200) assert.equal((await one.json()).profile_name, "Typed");
});
