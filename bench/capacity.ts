// DynamoDB capacity of every history endpoint, at 100 and at 10,000 generations, beside the least
// the data model allows for the same result.
//   npx tsx bench/capacity.ts [--large 10000]
//
// Capacity is what DynamoDB (Local) reports in ConsumedCapacity, summed over every call a request
// makes (core's measureCapacity). Unlike time, it does not depend on the machine: each figure is
// measured once, and a second measurement of every read is checked to be identical.
import { randomUUID } from "node:crypto";
import { emit, isMain, log, ratio, table, units, verdict, type Section, type Target } from "./lib/report";
import type { Seeded } from "./lib/seed";
import { startBenchStack } from "./lib/stack";

const LIST_TARGET = 1.5;
const PAGE = 50;

interface Measured {
  read: number;
  write: number;
  calls: number;
  status: number;
  /** Capacity per DynamoDB operation, as reported. */
  breakdown?: string;
  ops?: Record<string, number>;
  /** The answer, for reads. */
  json?: any;
  /** What AWS would bill for the writes (see estimateWrites), where it differs from Local's report. */
  awsWrite?: number;
}

interface Call {
  command: string;
  input: Record<string, any>;
  output: Record<string, any>;
  units: number;
}

/** DynamoDB's item size: attribute names plus values (numbers about 1 byte per 2 digits + 1). */
export function itemBytes(item: Record<string, unknown>): number {
  const valueBytes = (value: unknown): number => {
    if (value === null || value === undefined || typeof value === "boolean") return 1;
    if (typeof value === "string") return Buffer.byteLength(value);
    if (typeof value === "number") return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, "").replace(/^0+/, "").length / 2) + 1;
    if (value instanceof Uint8Array) return value.byteLength;
    if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + valueBytes(v) + 1, 0);
    if (typeof value === "object") {
      return 3 + Object.entries(value as Record<string, unknown>).reduce((n, [k, v]) => n + Buffer.byteLength(k) + valueBytes(v) + 1, 0);
    }
    return 8;
  };
  return Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + valueBytes(v), 0);
}

/**
 * The WCU AWS bills for a request's writes: per written item, 1 WCU per started KB of the larger
 * of its old and new image, the same again for GSI1 when the item carries GSI1 keys (projection
 * ALL), and twice all of it inside a transaction. Old images come from the GetItems the same
 * request made before writing; stats items, never read before an ADD, are taken as one KB (they
 * are a few hundred bytes). ConditionCheck items are left out (AWS bills them as reads).
 */
/** AttributeValue → plain value (enough for sizing items). */
function fromAttribute(value: Record<string, any>): unknown {
  const [type, inner] = Object.entries(value)[0] ?? [];
  switch (type) {
    case "S":
    case "B":
    case "SS":
    case "BS":
      return inner;
    case "N":
      return Number(inner);
    case "NS":
      return (inner as string[]).map(Number);
    case "BOOL":
      return inner;
    case "NULL":
      return null;
    case "L":
      return (inner as Record<string, any>[]).map(fromAttribute);
    case "M":
      return unmarshall(inner as Record<string, any>);
    default:
      return inner;
  }
}
const unmarshall = (record: Record<string, any>) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromAttribute(v)]));

function plain(value: unknown): Record<string, unknown> {
  const record = (value ?? {}) as Record<string, any>;
  // Recorded below the document client's marshalling: { pk: { S: "..." } } → { pk: "..." }.
  const marshalled = Object.values(record).some((v) => v && typeof v === "object" && !Array.isArray(v) && /^(S|N|B|BOOL|NULL|M|L|SS|NS|BS)$/.test(Object.keys(v)[0] ?? ""));
  return marshalled ? unmarshall(record) : record;
}

/** WCU of writing one item once: 1 per started KB of the larger image, again for GSI1 if it has GSI1 keys. */
function itemWcu(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): number {
  const kb = Math.max(1, Math.ceil(Math.max(before ? itemBytes(before) : 0, after ? itemBytes(after) : 0) / 1024));
  const gsi = (before?.gsi1pk ?? after?.gsi1pk) !== undefined ? kb : 0;
  return kb + gsi;
}

function estimateWrites(calls: Call[]): number {
  const seen = new Map<string, Record<string, unknown>>();
  const keyOf = (key: Record<string, unknown>) => `${key.pk}|${key.sk}`;
  let total = 0;
  for (const call of calls) {
    if (call.output.Item && call.input.Key) seen.set(keyOf(plain(call.input.Key)), plain(call.output.Item));
    const single = (op: string, body: Record<string, any>): number => {
      if (op === "Put") return itemWcu(seen.get(keyOf(plain(body.Item))), plain(body.Item));
      if (op === "Delete") return itemWcu(seen.get(keyOf(plain(body.Key))), undefined);
      if (op === "Update") return itemWcu(seen.get(keyOf(plain(body.Key))), undefined);
      return 0;
    };
    const command = call.command.replace(/Item(s)?Command$/, "Command");
    if (command === "TransactWriteCommand") {
      for (const entry of call.input.TransactItems as Record<string, any>[]) {
        const [op, body] = Object.entries(entry)[0]!;
        total += 2 * single(op, body);
      }
    } else if (command === "PutCommand") total += single("Put", call.input);
    else if (command === "DeleteCommand") total += single("Delete", call.input);
    else if (command === "UpdateCommand") total += single("Update", call.input);
  }
  return total;
}

/** The operation a call is counted under; the profile-names Query apart from the page's. */
function operationOf(call: Call): string {
  const name = call.command.replace(/Command$/, "");
  const prefix = plain(call.input.ExpressionAttributeValues)[":prefix"];
  return name === "Query" && prefix === "PNAME#" ? "Query (names)" : name;
}

function opsOf(calls: Call[]): Record<string, number> {
  const ops: Record<string, number> = {};
  for (const call of calls) ops[operationOf(call)] = (ops[operationOf(call)] ?? 0) + call.units;
  return ops;
}

function breakdownOf(calls: Call[]): string {
  const groups = new Map<string, { count: number; units: number }>();
  for (const call of calls) {
    const name = operationOf(call);
    const group = groups.get(name) ?? { count: 0, units: 0 };
    group.count++;
    group.units += call.units;
    groups.set(name, group);
  }
  return [...groups].map(([name, g]) => `${name}${g.count > 1 ? ` ×${g.count}` : ""} ${Math.round(g.units * 100) / 100}`).join(" + ");
}

type Row = {
  endpoint: string;
  note: string;
  small?: Measured;
  large?: Measured;
  minimum?: { label: string; read: number; write: number; awsWrite?: number };
  kind: "read" | "write";
};

export async function capacity(large = Number(process.env.BENCH_CAPACITY_LARGE ?? 10_000), small = 100): Promise<Section> {
  const bench = await startBenchStack("capacity");
  try {
    return await measureAll(large, small);
  } finally {
    await bench.stop();
  }
}

async function measureAll(large: number, small: number): Promise<Section> {
  // Imported only now: the app and core build their AWS clients from the env on import.
  const { app } = await import("@sonna/functions/app");
  const { authorizedEnv } = await import("@sonna/local/gateway");
  const { measureCapacity } = await import("@sonna/core/table/capacity");
  const { dynamo } = await import("@sonna/core/aws");
  const { tableName } = await import("@sonna/core/resources");
  const { keys } = await import("@sonna/core/table/keys");
  const { createGeneration } = await import("@sonna/core/generations/create");
  const { DeleteCommand, GetCommand, PutCommand, QueryCommand } = await import("@aws-sdk/lib-dynamodb");
  const { seedTenant, upload, RARE_WORD, ABSENT_WORD } = await import("./lib/seed");

  // Records every call the app makes through core's client, inside the capacity middleware (added
  // later, so it runs closer to the wire and sees ConsumedCapacity).
  let recording: Call[] | undefined;
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (recording) {
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
        const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
        recording.push({
          command: context.commandName ?? "unknown",
          input: args.input as Record<string, any>,
          output: result.output as Record<string, any>,
          units: list.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0),
        });
      }
      return result;
    },
    { step: "initialize", name: "benchCallRecorder" },
  );
  const recorded = async <T>(fn: () => Promise<T>) => {
    recording = [];
    try {
      const value = await fn();
      return { value, calls: recording };
    } finally {
      recording = undefined;
    }
  };

  const sizes = [small, large] as const;
  const tenants = sizes.map((n) => `bench-capacity-${n}-${randomUUID().slice(0, 8)}`);
  const seeded: Seeded[] = [];
  for (const [k, n] of sizes.entries()) {
    const started = Date.now();
    log(`capacity: seeding ${n} generations`);
    // At 10k, fewer completions keep seeding within the time budget; every status is still present.
    seeded.push(
      await seedTenant(tenants[k]!, {
        generations: n,
        completeEvery: n > 1000 ? 5 : 4,
        onProgress: (message) => log(`capacity: ${message}`),
      }),
    );
    log(`capacity: seeded ${n} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const envs = tenants.map((tenant) => authorizedEnv({ sub: tenant }));

  /** One request through the app (in process), with the capacity every DynamoDB call inside it consumed. */
  async function request(k: number, method: string, path: string, body?: unknown): Promise<Measured & { json: any }> {
    const { value: { result, capacity }, calls } = await recorded(() => measureCapacity(async () => {
      const response = await app.request(
        path,
        {
          method,
          headers: body !== undefined ? { "content-type": "application/json" } : {},
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        },
        envs[k],
      );
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null };
    }));
    if (result.status >= 300) throw new Error(`${method} ${path} answered ${result.status}: ${JSON.stringify(result.json)}`);
    return { ...capacity, status: result.status, json: result.json, breakdown: breakdownOf(calls), ops: opsOf(calls), awsWrite: estimateWrites(calls) };
  }

  /** A read measured twice; capacity must not depend on the run. */
  async function read(k: number, path: string): Promise<Measured> {
    const first = await request(k, "GET", path);
    const second = await request(k, "GET", path);
    if (first.read !== second.read || first.calls !== second.calls) {
      log(`capacity: ${path} measured ${first.read} then ${second.read} RCU`);
    }
    return first;
  }

  /** A cursor about `depth` items deep, walked with big pages (the cursor does not depend on the limit). */
  async function cursorAt(k: number, depth: number): Promise<string | undefined> {
    let cursor: string | undefined;
    let walked = 0;
    while (walked < depth) {
      const limit = Math.min(200, depth - walked);
      const page = await request(k, "GET", `/history?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      walked += page.json.items.length;
      cursor = page.json.next_cursor ?? undefined;
      if (!cursor) break;
    }
    return cursor;
  }

  const rows: Row[] = [];
  const both = async (endpoint: string, note: string, kind: Row["kind"], fn: (k: number) => Promise<Measured>) => {
    const row: Row = { endpoint, note, kind };
    row.small = await fn(0);
    row.large = await fn(1);
    rows.push(row);
    return row;
  };
  const measureDirect = async (fn: () => Promise<unknown>) => {
    const { value, calls } = await recorded(() => measureCapacity(fn));
    return { ...value.capacity, awsWrite: estimateWrites(calls) };
  };

  // The minimum the data model allows for a page: one Query of exactly 50 generation items,
  // eventually consistent, on the same key range (table or GSI), at the same depth.
  const pageQuery = (k: number, options: { profile?: string; startAfter?: string } = {}) => {
    const tenant = tenants[k]!;
    const byProfile = options.profile !== undefined;
    return measureDirect(() =>
      dynamo.send(
        new QueryCommand({
          TableName: tableName(),
          ...(byProfile ? { IndexName: "gsi1" } : {}),
          KeyConditionExpression: byProfile ? "gsi1pk = :pk AND begins_with(gsi1sk, :gen)" : "pk = :pk AND begins_with(sk, :gen)",
          ExpressionAttributeValues: {
            ":pk": byProfile ? keys.profileGenerationsPartition(tenant, options.profile!) : keys.tenantPartition(tenant),
            ":gen": keys.generationPrefix,
          },
          ScanIndexForward: false,
          Limit: PAGE,
          ...(options.startAfter
            ? {
                ExclusiveStartKey: {
                  ...keys.generation(tenant, options.startAfter),
                  ...(byProfile ? keys.generationByProfile(tenant, options.profile!, options.startAfter) : {}),
                },
              }
            : {}),
        }),
      ),
    );
  };
  const decodeCursorId = (cursor: string) => (JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { id: string }).id;

  log("capacity: measuring reads");
  const first = await both("GET /history?limit=50", "first page", "read", (k) => read(k, "/history?limit=50"));
  first.minimum = { label: "Query, 50 items", ...(await pageQuery(1)) };

  const byProfile = await both("GET /history?limit=50&profile_id=…", "one profile (GSI1)", "read", (k) =>
    read(k, `/history?limit=50&profile_id=${seeded[k]!.profiles[0]}`),
  );
  byProfile.minimum = { label: "Query GSI1, 50 items", ...(await pageQuery(1, { profile: seeded[1]!.profiles[0] })) };

  const deepCursors = [await cursorAt(0, PAGE), await cursorAt(1, Math.floor(large / 2))];
  const deep = await both("GET /history?limit=50&cursor=…", `deep page (item ${PAGE} of ${small}; item ${Math.floor(large / 2)} of ${large})`, "read", (k) =>
    read(k, `/history?limit=50&cursor=${encodeURIComponent(deepCursors[k]!)}`),
  );
  deep.minimum = { label: "Query, 50 items, same depth", ...(await pageQuery(1, { startAfter: decodeCursorId(deepCursors[1]!) })) };

  const offset = await both("GET /history?limit=50&offset=1000", "skips 1,000 items", "read", (k) => read(k, "/history?limit=50&offset=1000"));
  offset.minimum = first.minimum;

  // A search reads the tenant's search index: built here as a tenant's first search has it built.
  const { compactTenant } = await import("@sonna/core/search/compact");
  for (const tenant of tenants) await compactTenant(tenant);
  const rare = await both(`GET /history?limit=50&search=${RARE_WORD}`, "1 text in 100 matches", "read", (k) =>
    read(k, `/history?limit=50&search=${RARE_WORD}`),
  );
  rare.minimum = first.minimum;
  const absent = await both(`GET /history?limit=50&search=${ABSENT_WORD}`, "no text matches", "read", (k) =>
    read(k, `/history?limit=50&search=${ABSENT_WORD}`),
  );
  absent.minimum = first.minimum;

  const failed = await both("GET /history?limit=50&status=failed", "about 1 in 12 is failed", "read", (k) =>
    read(k, "/history?limit=50&status=failed"),
  );
  failed.minimum = first.minimum;

  const detail = await both("GET /history/{id}", "a completed generation (with download URL)", "read", (k) =>
    read(k, `/history/${seeded[k]!.completed[0]}`),
  );
  const someCompleted = seeded[1]!.completed[0]!;
  detail.minimum = {
    label: "GetItem, 1 item",
    ...(await measureDirect(() => dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.generation(tenants[1]!, someCompleted) })))),
  };

  const stats = await both("GET /history/stats", "aggregates only", "read", (k) => read(k, "/history/stats"));
  stats.minimum = {
    label: "GetItem of the tenant stats item",
    ...(await measureDirect(() => dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.tenantStats(tenants[1]!) })))),
  };

  const profiles = await both("GET /profiles", "5 profiles", "read", (k) => read(k, "/profiles"));
  profiles.minimum = {
    label: "Query of the profile items",
    ...(await measureDirect(() =>
      dynamo.send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
          ExpressionAttributeValues: { ":pk": keys.tenantPartition(tenants[1]!), ":p": keys.profilePrefix },
        }),
      ),
    )),
  };

  // The change feed: a cursor taken now, polled with nothing new (and again, below, after the writes).
  const feedCursors: string[] = [];
  for (const k of [0, 1]) feedCursors.push((await request(k, "GET", "/history/changes?from=now")).json.next_cursor);
  await both("GET /history/changes?cursor=…", "idle poll: nothing changed since the cursor", "read", (k) =>
    read(k, `/history/changes?cursor=${feedCursors[k]}`),
  );

  log("capacity: measuring writes");
  const body = (k: number) => ({ profile_id: seeded[k]!.profiles[1], text: "A benchmark line, about as long as a short sentence to speak.", engine: "qwen" });
  const create = await both("POST /history", "pending generation + upload URL", "write", (k) => request(k, "POST", "/history", body(k)));
  async function measureIdem(k: number): Promise<Measured> {
    const { value: { result, capacity }, calls } = await recorded(() =>
      measureCapacity(async () =>
        app.request(
          "/history",
          { method: "POST", headers: { "content-type": "application/json", "idempotency-key": randomUUID() }, body: JSON.stringify(body(k)) },
          envs[k],
        ),
      ),
    );
    if (result.status !== 201) throw new Error(`POST /history with Idempotency-Key answered ${result.status}`);
    return { ...capacity, status: result.status, breakdown: breakdownOf(calls), awsWrite: estimateWrites(calls) };
  }
  const createIdem = await both("POST /history (Idempotency-Key)", "also stores the idempotency record", "write", measureIdem);

  // Fresh pending generations with their audio uploaded, to complete through the API.
  const uploaded: string[] = [];
  for (const tenant of tenants) {
    const created = await createGeneration(tenant, { profile_id: seeded[tenants.indexOf(tenant)]!.profiles[2]!, text: "Completed by the benchmark." });
    await upload(created.upload.url);
    uploaded.push(created.generation.id);
  }
  const complete = await both("POST /history/{id}/complete", "reads the WAV header from S3", "write", (k) =>
    request(k, "POST", `/history/${uploaded[k]}/complete`),
  );
  const favorite = await both("POST /history/{id}/favorite", "toggle on a completed generation", "write", (k) =>
    request(k, "POST", `/history/${seeded[k]!.completed[1]}/favorite`),
  );
  const remove = await both("DELETE /history/{id}", "a completed generation and its audio", "write", (k) =>
    request(k, "DELETE", `/history/${seeded[k]!.completed[2]}`),
  );

  await both("GET /history/changes?cursor=…", "busy poll: the 6 changes the writes above made", "read", (k) =>
    read(k, `/history/changes?cursor=${feedCursors[k]}`),
  );

  // Write minimums: the same item written (or deleted) once, outside a transaction, under a scratch key.
  const itemOf = async (id: string) =>
    (await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.generation(tenants[1]!, id), ConsistentRead: true }))).Item!;
  const scratchWrite = async (item: Record<string, unknown>) => {
    const scratch: Record<string, unknown> = { ...item, sk: `BENCH#${randomUUID()}`, gsi1pk: `BENCH#${randomUUID()}` };
    const put = await measureDirect(() => dynamo.send(new PutCommand({ TableName: tableName(), Item: scratch })));
    const del = await measureDirect(() => dynamo.send(new DeleteCommand({ TableName: tableName(), Key: { pk: scratch.pk, sk: scratch.sk } })));
    return { put: { ...put, awsWrite: itemWcu(undefined, item) }, del: { ...del, awsWrite: itemWcu(item, undefined) } };
  };
  const pendingItem = await itemOf(seeded[1]!.pending[0]!);
  const completedItem = await itemOf(uploaded[1]!);
  const pendingWrite = await scratchWrite(pendingItem);
  const completedWrite = await scratchWrite(completedItem);
  create.minimum = { label: "PutItem of the new item", ...pendingWrite.put };
  createIdem.minimum = create.minimum;
  complete.minimum = { label: "PutItem of the completed item", ...completedWrite.put };
  favorite.minimum = { label: "PutItem of the item", ...completedWrite.put };
  remove.minimum = { label: "DeleteItem of the item", ...completedWrite.del };

  // DynamoDB Local's accounting, probed with the same client: is a transaction doubled, and what
  // does a ConditionCheck cost?
  const probeKey = (suffix: string) => ({ pk: keys.tenantPartition(tenants[0]!), sk: `BENCH#probe-${suffix}` });
  const { TransactWriteCommand } = await import("@aws-sdk/lib-dynamodb");
  const plainPut = await measureDirect(() => dynamo.send(new PutCommand({ TableName: tableName(), Item: { ...probeKey("a"), v: 1 } })));
  const txPut = await measureDirect(() =>
    dynamo.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: tableName(), Item: { ...probeKey("b"), v: 1 } } }] })),
  );
  const txPutCheck = await measureDirect(() =>
    dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: { ...probeKey("c"), v: 1 } } },
          { ConditionCheck: { TableName: tableName(), Key: probeKey("a"), ConditionExpression: "attribute_exists(pk)" } },
        ],
      }),
    ),
  );

  const add = (suffix: string) => ({
    Update: { TableName: tableName(), Key: probeKey(suffix), UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": 1 } },
  });
  const txOneUpdate = await measureDirect(() => dynamo.send(new TransactWriteCommand({ TransactItems: [add("u1")] })));
  const txThreeUpdates = await measureDirect(() => dynamo.send(new TransactWriteCommand({ TransactItems: [add("u1"), add("u2"), add("u3")] })));
  const gsiPut = await measureDirect(() =>
    dynamo.send(new PutCommand({ TableName: tableName(), Item: { ...probeKey("g"), gsi1pk: "BENCH#probe", gsi1sk: "BENCH#probe", v: 1 } })),
  );

  // Verdicts.
  const value = (m: Measured | undefined, kind: Row["kind"]) => (m ? (kind === "read" ? m.read : m.write) : Number.NaN);
  const minimumOf = (row: Row) => (row.minimum ? (row.kind === "read" ? row.minimum.read : row.minimum.write) : Number.NaN);
  const constant = (row: Row) => value(row.small, row.kind) === value(row.large, row.kind);
  const targets: Target[] = [];
  for (const row of [stats, detail]) {
    targets.push({
      name: `Capacity: ${row.endpoint} constant in history size`,
      measured: `${units(row.small!.read)} RCU at ${small}, ${units(row.large!.read)} RCU at ${large}`,
      target: "equal",
      pass: constant(row),
    });
  }
  for (const row of [first, byProfile, deep]) {
    const r = value(row.large, "read") / minimumOf(row);
    targets.push({
      name: `Capacity: ${row.endpoint} (${row.note}) vs one Query of 50`,
      measured: `${units(row.large!.read)} vs ${units(minimumOf(row))} RCU = ${ratio(value(row.large, "read"), minimumOf(row))}`,
      target: `≤ ${LIST_TARGET}x`,
      pass: r <= LIST_TARGET,
    });
  }

  const tableRows = rows.map((row) => {
    const min = minimumOf(row);
    return [
      `\`${row.endpoint}\``,
      row.note,
      units(row.small?.read),
      units(row.large?.read),
      units(row.small?.write),
      units(row.large?.write),
      `${row.small?.calls ?? "n/a"} / ${row.large?.calls ?? "n/a"}`,
      row.minimum ? `${units(min)} ${row.kind === "read" ? "RCU" : "WCU"} (${row.minimum.label})` : "n/a",
      row.minimum ? ratio(value(row.large, row.kind), min) : "n/a",
      row.kind === "write" ? `${units(row.large?.awsWrite)} vs ${units(row.minimum?.awsWrite)}` : "same",
      row.large?.breakdown ?? "",
    ];
  });

  const markdown = [
    `## DynamoDB capacity per request`,
    "",
    `Two tenants in one DynamoDB Local table, filled through core's \`createGeneration\` (25 in parallel), then completed ` +
      `(upload of a 0.1 s WAV to the presigned URL, then \`completeGeneration\`), failed and favorited: ${small} generations ` +
      `(${seeded[0]!.completed.length} completed, ${seeded[0]!.failed.length} failed, ${seeded[0]!.pending.length} pending, ` +
      `${seeded[0]!.favorites.length} favorites) and ${large} generations (${seeded[1]!.completed.length} completed, ` +
      `${seeded[1]!.failed.length} failed, ${seeded[1]!.pending.length} pending, ${seeded[1]!.favorites.length} favorites), ` +
      `5 voice profiles each, texts of 100-250 characters. Every request goes through the app in process ` +
      `(\`app.request\`, with a real bearer token) inside \`measureCapacity\`, which sums the \`ConsumedCapacity\` DynamoDB ` +
      `reports for every call. Each read was measured twice with identical results. The minimum is measured the same ` +
      `way with direct SDK calls: reads eventually consistent, writes as one plain PutItem/DeleteItem of the same item.`,
    "",
    table(
      [
        "endpoint",
        "case",
        `RCU @${small}`,
        `RCU @${large}`,
        `WCU @${small}`,
        `WCU @${large}`,
        "calls",
        "minimum",
        `ratio @${large}`,
        `AWS estimate @${large}: WCU vs minimum`,
        `reported per operation @${large}`,
      ],
      tableRows,
    ),
    "",
    `**Targets**`,
    "",
    table(
      ["target", "measured", "goal", "verdict"],
      targets.map((t) => [t.name.replace(/^Capacity: /, ""), t.measured, t.target, verdict(t.pass)]),
    ),
    "",
    ...[first, byProfile, deep].map((row) => {
      const ops = row.large!.ops ?? {};
      const names = (ops["Query (names)"] ?? 0) + (ops.BatchGetItem ?? 0);
      const min = minimumOf(row);
      const distinct = new Set((row.large!.json?.items ?? []).map((item: { profile_id: string }) => item.profile_id)).size;
      const how = ops["Query (names)"] !== undefined
        ? `one Query of the tenant's name items${ops.BatchGetItem !== undefined ? " and a BatchGetItem of what it did not name" : ""}`
        : "a BatchGetItem of its one profile item";
      return (
        `**Where \`${row.endpoint}\` (${row.note}) goes beyond the minimum** at ${large}: the page Query (limit + 1 = 51 items) ` +
        `${units(ops.Query)} RCU vs ${units(min)} for exactly 50; the \`total\` counter (GetItem) ${units(ops.GetItem)}; the profile ` +
        `names of the ${distinct} profile${distinct === 1 ? "" : "s"} on the page (${how}) ${units(names)}, where a BatchGetItem ` +
        `of every profile on the page costs ${units(distinct * 0.5)}. Without the profile-name lookup the page would cost ` +
        `${units(row.large!.read - names)} RCU (${ratio(row.large!.read - names, min)}).`
      );
    }).flatMap((line) => [line, ""]),
    `A page naming two or more profiles reads one Query of the tenant's name items (\`PNAME#\`, about 30 to 4 KB, with ` +
      `\`Limit\` 25 per distinct profile on the page): ${units(first.large!.ops?.["Query (names)"])} RCU for these 5 profiles, ` +
      `where a BatchGetItem of the profile items costs 0.5 RCU per profile (up to 25 RCU for a page of 50 voices). Profiles the Query did not name (name items ` +
      `from before they held the display name, profiles past its \`Limit\`) come from a BatchGetItem; so does the one ` +
      `profile of a profile's page or of \`GET /history/{id}\` (0.5 RCU, the least a read costs). Costs at 2, 5, 30 and ` +
      `60 profiles are in \`tests/capacity.test.ts\` and [data-model.md](data-model.md#profile-names-on-lists).`,
    "",
    `**Search and offset, plainly.** \`offset=1000\` costs ${units(offset.large!.read)} RCU at ${large} generations ` +
      `(${ratio(offset.large!.read, minimumOf(offset))} a page): it reads and discards every skipped item, so its cost grows ` +
      `linearly with the offset (at ${small} generations it reads the whole history, ${units(offset.small!.read)} RCU, and returns nothing). ` +
      `A search costs ${units(rare.small!.read)} RCU at ${small} and ${units(rare.large!.read)} RCU at ${large} generations ` +
      `when 1 text in 100 matches, and ${units(absent.small!.read)} / ${units(absent.large!.read)} RCU when nothing matches: ` +
      `it reads the search index (data-model.md, "Search index"): the manifest, the change log since the last compaction, ` +
      `and a consistent BatchGetItem of the page, while the texts come from S3 segments (their GETs and bytes are in the Search section). ` +
      `\`status=failed\` has a counter for its total and reads until it finds 51 matches: ` +
      `${units(failed.large!.read)} RCU at ${large}.`,
    "",
    `**DynamoDB Local's accounting, as observed here** (probed in this run with the same client). It reports only ` +
      `\`CapacityUnits\` (no read/write split; core's \`measureCapacity\` splits them by operation). Reads match AWS's rules ` +
      `(0.5 RCU per started 4 KB eventually consistent, 1 RCU strongly consistent, a Query billed on the summed size of the ` +
      `items it reads, filtered or not; a GetItem of a missing key and an empty Query still cost 0.5). A PutItem of an item ` +
      `with GSI1 keys includes the index write (${units(gsiPut.write)} WCU vs ${units(plainPut.write)} WCU without), as on AWS. ` +
      `Transactions are doubled for a single item (a small Put: ${units(plainPut.write)} WCU plain, ${units(txPut.write)} WCU ` +
      `in TransactWriteItems) **but not summed over items**: three \`ADD\` updates of three different small items in one ` +
      `transaction reported ${units(txThreeUpdates.write)} WCU, the same as one (${units(txOneUpdate.write)}); AWS bills ` +
      `2 × 3 = 6. A ConditionCheck added nothing (Put + ConditionCheck: ${units(txPutCheck.write)} WCU). So Local ` +
      `under-reports every transactional write here (create, complete, favorite, delete); the "AWS estimate" column ` +
      `recomputes them from the items each request actually wrote (recorded from the SDK calls): per item 1 WCU per started KB ` +
      `of the larger of its old and new image, the same again for GSI1, ×2 in a transaction; ConditionChecks excluded.`,
    "",
    `Reproduce: \`npx tsx bench/capacity.ts\` (\`--large N\` or \`BENCH_CAPACITY_LARGE\` changes the big tenant's size).`,
  ].join("\n");

  return { title: "Capacity", markdown, targets };
}

if (isMain(import.meta.url)) {
  const largeArg = process.argv.indexOf("--large");
  emit(await capacity(largeArg >= 0 ? Number(process.argv[largeArg + 1]) : undefined));
}
