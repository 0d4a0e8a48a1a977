// The baseline for the HTTP benchmark: a bare node:http server, in its own process like ours, that
// makes the same DynamoDB calls our endpoints make (mirrored from packages/core/src: generations/
// list.ts, generations/detail.ts + profiles/names.ts profileNames, stats/read.ts) with the same
// SDK clients and configuration, and answers with the same JSON shapes. What it leaves out is our
// layers: Hono routing and middleware, token verification (it only decodes the token's `sub`),
// request validation, error mapping, the capacity middleware.
// Prints "listening <port>" once it accepts connections on 127.0.0.1.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, type BatchGetCommandOutput, DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { assertLoopback } from "../lib/stack";
import { enableProfiling } from "./profiler";
// The same pure mapping the endpoint uses (no I/O, no framework), so the comparison is of everything else.
import { toGeneration, type GenerationItem } from "../../packages/core/src/generations/model";

assertLoopback();
const TABLE = (JSON.parse(process.env.SST_RESOURCE_Table!) as { name: string }).name;
const BUCKET = (JSON.parse(process.env.SST_RESOURCE_Bucket!) as { name: string }).name;
const PRESIGN_SECONDS = 15 * 60;
const COUNTERS = ["generations", "duration_ms", "bytes", "status_pending", "status_completed", "status_failed", "favorites"];

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: process.env.SONNA_DYNAMODB_ENDPOINT! }), {
  marshallOptions: { removeUndefinedValues: true },
});
const s3 = new S3Client({
  endpoint: process.env.SONNA_S3_ENDPOINT!,
  forcePathStyle: true,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});

const pk = (tenant: string) => `T#${Buffer.from(tenant, "utf8").toString("base64url")}`;

/** The token's subject, decoded without verification (the bare baseline does no auth). */
function tenantOf(request: IncomingMessage): string | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
  const payload = token?.split(".")[1];
  if (!payload) return undefined;
  return (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: string }).sub;
}

/** Several profiles: one Query of the name items (25 per profile), then the profile items of the rest. */
async function profileNames(tenant: string, ids: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const unique = [...new Set(ids)];
  if (unique.length === 0) return names;
  if (unique.length > 1) {
    const { Items = [] } = await dynamo.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": pk(tenant), ":prefix": "PNAME#" },
        ProjectionExpression: "profile_id, #name",
        ExpressionAttributeNames: { "#name": "name" },
        Limit: 25 * unique.length,
      }),
    );
    const counts = new Map<string, number>();
    for (const item of Items) counts.set(item.profile_id, (counts.get(item.profile_id) ?? 0) + 1);
    for (const item of Items) if (typeof item.name === "string" && counts.get(item.profile_id) === 1) names.set(item.profile_id, item.name);
  }
  const missing = unique.filter((id) => !names.has(id));
  if (missing.length === 0) return names;
  let request: Record<string, any> | undefined = {
    [TABLE]: {
      Keys: missing.map((id) => ({ pk: pk(tenant), sk: `PROFILE#${id}` })),
      ProjectionExpression: "id, #name",
      ExpressionAttributeNames: { "#name": "name" },
    },
  };
  while (request && Object.keys(request).length > 0) {
    const result: BatchGetCommandOutput = await dynamo.send(new BatchGetCommand({ RequestItems: request }));
    for (const item of result.Responses?.[TABLE] ?? []) names.set(item.id as string, item.name as string);
    request = result.UnprocessedKeys;
  }
  return names;
}

/** GET /history?limit=N (newest first, no filter): what listGenerations does for that query. */
async function list(tenant: string, limit: number) {
  const [page, stats] = await Promise.all([
    dynamo.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :low AND :high",
        ExpressionAttributeNames: { "#pk": "pk", "#sk": "sk" },
        ExpressionAttributeValues: { ":pk": pk(tenant), ":low": "GEN#", ":high": "GEN#~" },
        ScanIndexForward: false,
        Limit: limit + 1,
      }),
    ),
    dynamo.send(
      new GetCommand({
        TableName: TABLE,
        Key: { pk: pk(tenant), sk: "STATS" },
        ProjectionExpression: "#c",
        ExpressionAttributeNames: { "#c": "generations" },
      }),
    ),
  ]);
  const items = (page.Items ?? []).slice(0, limit);
  const hasMore = (page.Items ?? []).length > limit;
  const names = await profileNames(tenant, items.map((item) => item.profile_id as string));
  const last = items[items.length - 1];
  const fingerprint = createHash("sha256").update(JSON.stringify([["sort", "desc"]])).digest("base64url").slice(0, 16);
  return {
    items: items.map((item) => ({ ...toGeneration(item as GenerationItem), profile_name: names.get(item.profile_id) ?? null })),
    total: Number(stats.Item?.generations ?? 0),
    next_cursor: hasMore && last ? Buffer.from(JSON.stringify({ q: fingerprint, id: last.id })).toString("base64url") : null,
  };
}

/** GET /history/{id}: what generationDetail does. */
async function detail(tenant: string, id: string) {
  const { Item: item } = await dynamo.send(
    new GetCommand({ TableName: TABLE, Key: { pk: pk(tenant), sk: `GEN#${id}` }, ConsistentRead: true }),
  );
  if (!item) return undefined;
  const defaultVersion = (item.versions ?? []).find((v: { is_default?: boolean }) => v.is_default);
  const [names, url] = await Promise.all([
    profileNames(tenant, [item.profile_id]),
    item.status === "completed"
      ? getSignedUrl(
          s3,
          new GetObjectCommand({ Bucket: BUCKET, Key: defaultVersion?.audio_path ?? item.audio_path, ResponseContentType: "audio/wav" }),
          { expiresIn: PRESIGN_SECONDS },
        )
      : undefined,
  ]);
  return {
    ...toGeneration(item as GenerationItem),
    profile_name: names.get(item.profile_id) ?? null,
    audio_url: url ?? null,
    audio_url_expires_at: url ? new Date(Date.now() + PRESIGN_SECONDS * 1000).toISOString() : null,
  };
}

const counters = (item: Record<string, unknown>) => Object.fromEntries(COUNTERS.map((name) => [name, Number(item[name] ?? 0)]));

function breakdown(item: Record<string, unknown>, dimension: string) {
  const result: Record<string, { generations: number; duration_seconds: number }> = {};
  for (const [name, raw] of Object.entries(item)) {
    const match = new RegExp(`^${dimension}#(.+)#(count|duration_ms)$`).exec(name);
    if (!match) continue;
    const entry = (result[match[1]!] ??= { generations: 0, duration_seconds: 0 });
    if (match[2] === "count") entry.generations = Number(raw);
    else entry.duration_seconds = Number(raw) / 1000;
  }
  return Object.fromEntries(Object.entries(result).filter(([, b]) => b.generations > 0));
}

/** GET /history/stats: what readStats does (aggregate items, the last 30 day items, the tenant's settings). */
async function stats(tenant: string) {
  const now = Date.now();
  const days = Array.from({ length: 30 }, (_, i) => new Date(now - (29 - i) * 86_400_000).toISOString().slice(0, 10));
  const readAggregates = async () => {
    const items: Record<string, any>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": pk(tenant), ":prefix": "STATS" },
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  };
  const [aggregates, dayPage, settings] = await Promise.all([
    readAggregates(),
    dynamo.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":pk": pk(tenant), ":from": `DAYSTATS#${days[0]}`, ":to": `DAYSTATS#${days[29]}` },
      }),
    ),
    dynamo.send(new GetCommand({ TableName: TABLE, Key: { pk: pk(tenant), sk: "SETTINGS" }, ConsistentRead: true })),
  ]);
  const tenantItem = aggregates.find((item) => item.sk === "STATS") ?? {};
  const t = counters(tenantItem);
  const profiles = aggregates
    .filter((item) => (item.sk as string).startsWith("STATS#P#"))
    .map((item) => [(item.sk as string).slice("STATS#P#".length), counters(item)] as const)
    .filter(([, c]) => c.generations! > 0);
  const byDay = new Map((dayPage.Items ?? []).map((item) => [(item.sk as string).slice("DAYSTATS#".length), item]));
  return {
    total_generations: t.generations,
    total_duration_seconds: t.duration_ms! / 1000,
    total_bytes: t.bytes,
    favorites: t.favorites,
    generations_by_status: { pending: t.status_pending, completed: t.status_completed, failed: t.status_failed },
    generations_by_profile: Object.fromEntries(profiles.map(([id, c]) => [id, c.generations])),
    profiles: Object.fromEntries(
      profiles.map(([id, c]) => [id, { generations: c.generations, duration_seconds: c.duration_ms! / 1000, bytes: c.bytes }]),
    ),
    by_engine: breakdown(tenantItem, "engine"),
    by_language: breakdown(tenantItem, "language"),
    quota: {
      quota_bytes: (settings.Item?.quota_bytes as number | undefined) ?? null,
      profile_quota_bytes: (settings.Item?.profile_quota_bytes as number | undefined) ?? null,
      used_bytes: t.bytes,
    },
    generations_per_day: days.map((day) => ({
      day,
      generations: Number(byDay.get(day)?.generations ?? 0),
      duration_seconds: Number(byDay.get(day)?.duration_ms ?? 0) / 1000,
    })),
  };
}

function send(response: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

const server = createServer((request, response) => {
  void (async () => {
    try {
      const tenant = tenantOf(request);
      if (!tenant) return send(response, 401, { detail: "no token", code: "auth.unauthorized" });
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/history") return send(response, 200, await list(tenant, Number(url.searchParams.get("limit") ?? 50)));
      if (url.pathname === "/history/stats") return send(response, 200, await stats(tenant));
      const id = /^\/history\/([0-9a-f-]{36})$/.exec(url.pathname)?.[1];
      if (id) {
        const found = await detail(tenant, id);
        return found ? send(response, 200, found) : send(response, 404, { detail: "not found", code: "generation.not_found" });
      }
      send(response, 404, { detail: "no route", code: "route.not_found" });
    } catch (error) {
      send(response, 500, { detail: String(error), code: "internal" });
    }
  })();
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
enableProfiling();
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
