// Floor of `POST /history`: the calls core/generations/create.ts makes without an Idempotency-Key:
// one TransactWriteItems (the profile must exist, the pending generation is put, its counts are
// added to the aggregate items), then a presigned PUT of its upload key (no request).
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { dynamo } from "@sonna/core/aws";
import type { GenerationItem } from "@sonna/core/generations/model";
import { countedFacts } from "@sonna/core/generations/model";
import { newId } from "@sonna/core/ids";
import { limits } from "@sonna/core/limits";
import { bucketName, tableName } from "@sonna/core/resources";
import { statsUpdates } from "@sonna/core/stats/aggregates";
import { s3 } from "@sonna/core/storage/client";
import { objectKeys } from "@sonna/core/storage/keys";
import { keys } from "@sonna/core/table/keys";
import { floorRoute } from "./route";

export const handler = floorRoute("POST", "/history", async (tenant, c) => {
  const TableName = tableName();
  const input = await c.req.json<{ profile_id: string; text: string }>();
  const id = newId();
  const now = new Date().toISOString();
  const upload = objectKeys.generationUpload(tenant, id);
  const item: GenerationItem = {
    ...keys.generation(tenant, id),
    ...keys.generationByProfile(tenant, input.profile_id, id),
    entity: "generation",
    id,
    profile_id: input.profile_id,
    text: input.text,
    language: "en",
    audio_path: upload,
    duration: null,
    seed: null,
    instruct: null,
    engine: "qwen",
    model_size: null,
    status: "pending",
    error: null,
    error_code: null,
    is_favorited: false,
    tags: [],
    note: null,
    created_at: now,
    updated_at: now,
    size_bytes: 0,
    versions: [],
    active_version_id: null,
    rev: 0,
  };
  await dynamo.send(
    new TransactWriteCommand({
      TransactItems: [
        { ConditionCheck: { TableName, Key: keys.profile(tenant, input.profile_id), ConditionExpression: "attribute_exists(pk)" } },
        { Put: { TableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" } },
        ...statsUpdates(tenant, [[null, countedFacts(item)]]),
      ],
    }),
  );
  const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucketName(), Key: upload }), { expiresIn: limits.presignSeconds });
  return c.json({ generation: item, upload: { url, method: "PUT" } }, 201);
});
