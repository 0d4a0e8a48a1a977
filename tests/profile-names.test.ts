// The profile name every listed and fetched generation carries is always the profile's current
// one. A page of several profiles is named from one Query of the tenant's name items
// (profiles/names.ts), one profile (a profile's page, one generation) from its profile item:
// these tests hold both paths to the profile items after creates, renames, deletes, name items
// of the old shape, more profiles than the Query reads, and races.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { DeleteCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { NAME_ITEMS_PER_PROFILE, profileNames } from "@sonna/core/profiles/names";
import { createProfile as coreCreateProfile, updateProfile } from "@sonna/core/profiles/service";
import { tableName } from "@sonna/core/resources";
import { keys } from "@sonna/core/table/keys";
import { assertError, createPending, createProfile, inParallel, waitForJob } from "./support/fixtures";
import { startApi, tenant, type Api, type Tenant } from "./support/server";

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api?.close());

type Next = (args: { input: any }) => Promise<unknown>;
let installed: (() => void)[] = [];
afterEach(() => {
  for (const remove of installed.splice(0)) remove();
});

/** Runs `around` instead of every DynamoDB command whose name matches (call `next` to send it). */
function intercept(command: RegExp, around: (input: any, next: () => Promise<unknown>) => Promise<unknown>) {
  const name = `profile-names-${Math.random().toString(36).slice(2)}`;
  (dynamo.middlewareStack as any).add(
    (next: Next, context: { commandName?: string }) => async (args: { input: any }) =>
      command.test(context.commandName ?? "") ? around(args.input, () => next(args)) : next(args),
    { step: "initialize", name, priority: "high" },
  );
  installed.push(() => (dynamo.middlewareStack as any).remove(name));
}

type Profile = { id: string; name: string };

/** A tenant with the named profiles and `perProfile` pending generations of each. */
async function tenantWith(names: string[], perProfile = 2) {
  const t = await tenant(api);
  const profiles: Profile[] = [];
  for (const name of names) profiles.push(await createProfile(t, name));
  for (const p of profiles) for (let i = 0; i < perProfile; i++) await createPending(t, p.id, { text: `${p.name} line ${i}` });
  return { t, profiles };
}

/** A tenant's name items, as stored. */
async function nameItems(tenantId: string) {
  const { Items = [] } = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": keys.tenantPartition(tenantId), ":prefix": keys.profileNamePrefix },
      ConsistentRead: true,
    }),
  );
  return Items as { sk: string; profile_id: string; name?: string }[];
}

/** Name items of the shape written before they carried the display name: the profile id alone. */
async function writeOldShapedNameItems(tenantId: string, profiles: Profile[]) {
  for (const p of profiles) {
    await dynamo.send(new PutCommand({ TableName: tableName(), Item: { ...keys.profileName(tenantId, p.name), profile_id: p.id } }));
  }
}

/**
 * The names a tenant's generations show, by every path: the whole list (several profiles: the
 * name items), each profile's page and one generation of each (one profile: its profile item).
 */
async function assertNamesShown(t: Tenant, profiles: Profile[]) {
  const expected = new Map(profiles.map((p) => [p.id, p.name]));
  const list = await t.json("/history?limit=200");
  assert.equal(list.status, 200);
  assert.ok(list.body.items.length > 0);
  for (const g of list.body.items) assert.equal(g.profile_name, expected.get(g.profile_id), `list, profile ${g.profile_id}`);
  for (const profileId of new Set<string>(list.body.items.map((g: { profile_id: string }) => g.profile_id))) {
    const page = await t.json(`/history?limit=200&profile_id=${profileId}`);
    assert.ok(page.body.items.length > 0);
    for (const g of page.body.items) assert.equal(g.profile_name, expected.get(profileId), `profile page ${profileId}`);
    const one = await t.json(`/history/${page.body.items[0].id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.profile_name, expected.get(profileId), `get, profile ${profileId}`);
  }
}

/** Each profile has exactly one name item, under its lower-cased name, carrying its display name. */
async function assertOneNameItemEach(tenantId: string, profiles: Profile[]) {
  const items = await nameItems(tenantId);
  assert.deepEqual(
    items.map((item) => [item.sk, item.profile_id, item.name]).sort(),
    profiles.map((p) => [keys.profileName(tenantId, p.name).sk, p.id, p.name]).sort(),
  );
}

describe("names on list and get", () => {
  test("after create, rename and a rename that changes only the case", async () => {
    const { t, profiles } = await tenantWith(["Alpha", "Beta", "Gamma"]);
    await assertNamesShown(t, profiles);
    await assertOneNameItemEach(t.id, profiles);

    const alpha = profiles[0]!;
    assert.equal((await t.json(`/profiles/${alpha.id}`, { method: "PATCH", body: { name: "Omega" } })).status, 200);
    alpha.name = "Omega";
    await assertNamesShown(t, profiles);
    await assertOneNameItemEach(t.id, profiles);

    // The lock keeps its key (PNAME#omega) and takes the new display name.
    assert.equal((await t.json(`/profiles/${alpha.id}`, { method: "PATCH", body: { name: "OMEGA" } })).status, 200);
    alpha.name = "OMEGA";
    await assertNamesShown(t, profiles);
    await assertOneNameItemEach(t.id, profiles);
    assertError(await t.json("/profiles", { method: "POST", body: { name: "omega" } }), 409, "profile.name_taken");

    // A patch that leaves the name alone leaves the names alone.
    assert.equal((await t.json(`/profiles/${alpha.id}`, { method: "PATCH", body: { description: "loud" } })).status, 200);
    await assertNamesShown(t, profiles);
    await assertOneNameItemEach(t.id, profiles);

    // The old name is free again.
    profiles.push(await createProfile(t, "alpha"));
    await assertOneNameItemEach(t.id, profiles);
  });

  test("delete, then a new profile of the same name: the new one has the name, the deleted one none", async () => {
    const { t, profiles } = await tenantWith(["Alpha", "Beta"]);
    const [alpha, beta] = profiles as [Profile, Profile];
    const deleted = await t.json(`/profiles/${beta.id}`, { method: "DELETE" });
    assert.equal(deleted.status, 202);
    await waitForJob(t, deleted.body.id);
    await assertOneNameItemEach(t.id, [alpha]);

    const again = await createProfile(t, "Beta");
    await createPending(t, again.id, { text: "the new Beta" });
    await assertNamesShown(t, [alpha, again]);
    await assertOneNameItemEach(t.id, [alpha, again]);
    // The lookup itself, for a page that still held the deleted profile's generations.
    assert.deepEqual(await profileNames(t.id, [beta.id, again.id, alpha.id]), new Map([[again.id, "Beta"], [alpha.id, "Alpha"]]));
    assert.deepEqual(await profileNames(t.id, [beta.id]), new Map());
  });

  test("more profiles than the names Query reads: every name still right", async () => {
    const t = await tenant(api);
    const profiles: Profile[] = [];
    for (let p = 0; p < 60; p++) profiles.push(await coreCreateProfile(t.id, { name: `Voice ${String(p).padStart(2, "0")}` }));
    const [first, secondLast, last] = [profiles[0]!, profiles[58]!, profiles[59]!];
    // Two profiles on a page: the Query reads 2 x 25 = 50 of the 60 name items, in name order, so
    // the last two are past it.
    assert.equal(2 * NAME_ITEMS_PER_PROFILE, 50);
    for (const p of [secondLast, last]) for (let i = 0; i < 3; i++) await createPending(t, p.id, { text: `${p.name} line ${i}` });
    await assertNamesShown(t, profiles);
    const byId = (ps: Profile[]) => new Map(ps.map((p) => [p.id, p.name]));
    assert.deepEqual(await profileNames(t.id, [first.id, last.id]), byId([first, last]));
    assert.deepEqual(await profileNames(t.id, profiles.map((p) => p.id)), byId(profiles));
  });

  test("keys a BatchGet leaves unprocessed are asked again, a bounded number of times", async () => {
    const { t, profiles } = await tenantWith(["Alpha", "Beta"], 0);
    const [alpha, beta] = profiles as [Profile, Profile];
    // As DynamoDB answers a throttled partition: the first key comes back unprocessed, twice.
    let leftovers = 2;
    const calls: number[] = [];
    intercept(/^BatchGet/, async (input, next) => {
      const request = input.RequestItems[tableName()];
      calls.push(request.Keys.length);
      if (leftovers-- <= 0) return next();
      const [held, ...rest] = request.Keys;
      const output = (await next()) as { output: any };
      output.output.Responses[tableName()] = output.output.Responses[tableName()].filter((item: { id: string }) => rest.some((k: { sk: string }) => k.sk.endsWith(item.id)));
      output.output.UnprocessedKeys = { [tableName()]: { ...request, Keys: [held] } };
      return output;
    });
    assert.deepEqual(await profileNames(t.id, [alpha.id]), new Map([[alpha.id, "Alpha"]]));
    assert.deepEqual(calls, [1, 1, 1]);

    // A partition that never answers: the lookup fails after ten calls instead of asking forever.
    leftovers = Infinity;
    calls.length = 0;
    await assert.rejects(profileNames(t.id, [beta.id]), /BatchGetItem kept leaving 1 unprocessed after 10 calls/);
    assert.equal(calls.length, 10);
  });

  test("name items written before they carried the display name: names from the profile items", async () => {
    const { t, profiles } = await tenantWith(["Alpha", "Beta", "Gamma"]);
    await writeOldShapedNameItems(t.id, profiles);
    await assertNamesShown(t, profiles);

    // A rename writes the new lock whole; so does a change of case, which keeps the key.
    const [alpha, beta] = profiles as [Profile, Profile];
    assert.equal((await t.json(`/profiles/${alpha.id}`, { method: "PATCH", body: { name: "Delta" } })).status, 200);
    alpha.name = "Delta";
    assert.equal((await t.json(`/profiles/${beta.id}`, { method: "PATCH", body: { name: "BETA" } })).status, 200);
    beta.name = "BETA";
    await assertNamesShown(t, profiles);
    const items = await nameItems(t.id);
    assert.deepEqual(
      items.filter((item) => item.name !== undefined).map((item) => item.name).sort(),
      ["BETA", "Delta"],
    );
    // Old locks still lock.
    assertError(await t.json("/profiles", { method: "POST", body: { name: "gamma" } }), 409, "profile.name_taken");
    // And a profile with an old lock deletes cleanly.
    const deleted = await t.json(`/profiles/${profiles[2]!.id}`, { method: "DELETE" });
    assert.equal(deleted.status, 202);
    await waitForJob(t, deleted.body.id);
    await assertOneNameItemEach(t.id, [alpha, beta]);
  });
});

describe("names under concurrent changes", () => {
  test("a Query that sees two name items of one profile (a rename half-seen) names it from the profile item", async () => {
    const { t, profiles } = await tenantWith(["Alpha", "Beta"]);
    const alpha = profiles[0]!;
    // What a Query running through a rename's transaction can read: the new lock and the old one.
    const halfSeen = { ...keys.profileName(t.id, "Zebra"), profile_id: alpha.id, name: "Zebra" };
    await dynamo.send(new PutCommand({ TableName: tableName(), Item: halfSeen }));
    try {
      await assertNamesShown(t, profiles);
      assert.equal((await profileNames(t.id, [alpha.id, profiles[1]!.id])).get(alpha.id), "Alpha");
    } finally {
      await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: { pk: halfSeen.pk, sk: halfSeen.sk } }));
    }
  });

  test("renames racing each other and lists: every list shows a name the profile had, then the final one", async () => {
    const { t, profiles } = await tenantWith(["Alpha", "Beta"], 3);
    const alpha = profiles[0]!;
    const given = ["Alpha", "Ash", "ASH", "Aspen", "aspen", "Amber", "Azure", "AZURE", "Ajax", "Alder"];
    const seen: string[] = [];
    const outcomes = await inParallel([...given.slice(1).map((name) => ({ name })), ...given.map(() => ({ list: true }))], 8, async (step) => {
      if ("name" in step) return (await t.json(`/profiles/${alpha.id}`, { method: "PATCH", body: { name: step.name } })).status;
      const list = await t.json("/history?limit=200");
      for (const g of list.body.items) if (g.profile_id === alpha.id) seen.push(g.profile_name);
      return list.status;
    });
    // A rename may lose every retry of its optimistic lock (409 profile.busy); none may fail otherwise.
    for (const status of outcomes) assert.ok(status === 200 || status === 409, `status ${status}`);
    for (const name of seen) assert.ok(given.includes(name), `a list showed ${JSON.stringify(name)}`);
    alpha.name = (await t.json(`/profiles/${alpha.id}`)).body.name;
    await assertNamesShown(t, profiles);
    await assertOneNameItemEach(t.id, profiles);
  });

  test("a rename between a delete's read and its transaction: the delete tries again and leaves no lock behind", async () => {
    const { t, profiles } = await tenantWith(["Alpha", "Beta"]);
    const alpha = profiles[0]!;
    let deleteTransactions = 0;
    intercept(/^TransactWrite/, async (input, next) => {
      const deletesProfile = input.TransactItems.some((item: any) => item.Delete?.Key?.sk === keys.profile(t.id, alpha.id).sk);
      if (deletesProfile && ++deleteTransactions === 1) await updateProfile(t.id, alpha.id, { name: "Renamed meanwhile" });
      return next();
    });
    const deleted = await t.json(`/profiles/${alpha.id}`, { method: "DELETE" });
    assert.equal(deleted.status, 202);
    assert.equal(deleteTransactions, 2, "the first transaction, on the version read before the rename, was refused");
    await waitForJob(t, deleted.body.id);
    await assertOneNameItemEach(t.id, [profiles[1]!]);
    await createProfile(t, "Renamed meanwhile");
  });
});
