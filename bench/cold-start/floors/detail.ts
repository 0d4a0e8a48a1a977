// Floor of `GET /history/{id}`: the calls core/generations/detail.ts makes for a completed
// generation: a consistent GetItem of it, then at once a BatchGetItem of its profile's name and a
// presigned GET of its default version's audio (signed here with the S3 client: no request).
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { BatchGetCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { dynamo } from "@sonna/core/aws";
import { limits } from "@sonna/core/limits";
import { bucketName, tableName } from "@sonna/core/resources";
import { s3 } from "@sonna/core/storage/client";
import { keys } from "@sonna/core/table/keys";
import { floorRoute } from "./route";

export const handler = floorRoute("GET", "/history/:id", async (tenant, c) => {
  const TableName = tableName();
  const { Item: item } = await dynamo.send(new GetCommand({ TableName, Key: keys.generation(tenant, c.req.param("id")), ConsistentRead: true }));
  if (!item) return c.json({ code: "generation.not_found" }, 404);
  const versions = item.versions as { is_default: boolean; audio_path: string }[];
  const [names, url] = await Promise.all([
    dynamo.send(
      new BatchGetCommand({
        RequestItems: {
          [TableName]: { Keys: [keys.profile(tenant, item.profile_id as string)], ProjectionExpression: "id, #name", ExpressionAttributeNames: { "#name": "name" } },
        },
      }),
    ),
    getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: bucketName(), Key: versions.find((v) => v.is_default)?.audio_path ?? (item.audio_path as string), ResponseContentType: "audio/wav" }),
      { expiresIn: limits.presignSeconds },
    ),
  ]);
  return c.json({ ...item, profile_name: names.Responses?.[TableName]?.[0]?.name ?? null, audio_url: url }, 200);
});
