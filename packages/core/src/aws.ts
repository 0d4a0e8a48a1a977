import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { instrumentCapacity } from "./table/capacity";

/**
 * One client of each kind per process, created outside any handler. Local endpoints come from
 * SONNA_DYNAMODB_ENDPOINT / SONNA_S3_ENDPOINT; deployed, both are unset and the SDK's defaults apply.
 */
const dynamoEndpoint = process.env.SONNA_DYNAMODB_ENDPOINT;
const s3Endpoint = process.env.SONNA_S3_ENDPOINT;

export const dynamo = DynamoDBDocumentClient.from(
  new DynamoDBClient({ ...(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}) }),
  { marshallOptions: { removeUndefinedValues: true } },
);
instrumentCapacity(dynamo);

export const s3 = new S3Client({
  ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}),
  // The default (WHEN_SUPPORTED) sends streamed uploads aws-chunked, which s3rver stores verbatim,
  // and signs a checksum of an empty body into presigned PUT URLs, which real S3 then rejects.
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
