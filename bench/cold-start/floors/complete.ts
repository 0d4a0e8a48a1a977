// Floor of `POST /history/{id}/complete`: the calls core/generations/lifecycle.ts makes completing
// a pending generation whose WAV was uploaded, in its order: a consistent GetItem of the
// generation; HeadObject of the upload; a ranged GetObject of its start (If-Match its ETag);
// CopyObject to a fresh audio key (CopySourceIfMatch); a consistent GetItem of the settings
// (quotas); the generation again, then one TransactWriteItems (the completed item under its `rev`,
// its counts moved on the aggregate items); DeleteObjects of the upload. It reads the duration
// straight from the header's byte rate: checking the WAV is the API's work, not a call.
import { CopyObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { countedFacts, type GenerationItem } from "@sonna/core/generations/model";
import { newId } from "@sonna/core/ids";
import { bucketName, tableName } from "@sonna/core/resources";
import { statsUpdates } from "@sonna/core/stats/aggregates";
import { s3 } from "@sonna/core/storage/client";
import { objectKeys } from "@sonna/core/storage/keys";
import { keys } from "@sonna/core/table/keys";
import { WAV_HEADER_PROBE_BYTES } from "@sonna/core/wav/inspect";
import { floorRoute } from "./route";

export const handler = floorRoute("POST", "/history/:id/complete", async (tenant, c) => {
  const TableName = tableName();
  const Bucket = bucketName();
  const id = c.req.param("id");
  const readGeneration = async () =>
    (await dynamo.send(new GetCommand({ TableName, Key: keys.generation(tenant, id), ConsistentRead: true }))).Item as GenerationItem | undefined;
  const current = await readGeneration();
  if (current?.status !== "pending") return c.json({ code: "generation.not_pending" }, 409);
  const upload = current.audio_path;
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: upload }));
  const size = head.ContentLength ?? 0;
  const etag = head.ETag ?? "";
  const start = await s3.send(new GetObjectCommand({ Bucket, Key: upload, Range: `bytes=0-${Math.min(WAV_HEADER_PROBE_BYTES, size) - 1}`, IfMatch: etag }));
  const header = await start.Body!.transformToByteArray();
  const audioPath = objectKeys.audio(tenant, id, newId());
  await s3.send(
    new CopyObjectCommand({ Bucket, Key: audioPath, CopySource: `${Bucket}/${upload.split("/").map(encodeURIComponent).join("/")}`, CopySourceIfMatch: etag }),
  );
  const { Item: settings } = await dynamo.send(new GetCommand({ TableName, Key: keys.settings(tenant), ConsistentRead: true }));
  const before = (await readGeneration())!;
  const now = new Date().toISOString();
  const duration = Math.round(((size - 44) / new DataView(header.buffer, header.byteOffset).getUint32(28, true)) * 1000) / 1000;
  const original = { id: newId(), label: "original", effects_chain: [], is_default: true, status: "completed" as const, audio_path: audioPath, duration, size_bytes: size, created_at: now, error: null, error_code: null, archive: null };
  const after: GenerationItem = {
    ...before,
    status: "completed",
    audio_path: audioPath,
    duration,
    size_bytes: size,
    versions: [original],
    active_version_id: original.id,
    updated_at: now,
    rev: before.rev + 1,
  };
  await dynamo.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName, Item: after, ConditionExpression: "#rev = :rev", ExpressionAttributeNames: { "#rev": "rev" }, ExpressionAttributeValues: { ":rev": before.rev } } },
        ...statsUpdates(tenant, [[countedFacts(before), countedFacts(after)]], { tenant: settings?.quota_bytes ?? null, profile: settings?.profile_quota_bytes ?? null }),
      ],
    }),
  );
  await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: upload }], Quiet: true } }));
  return c.json(after, 200);
});
