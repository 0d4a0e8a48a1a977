import { S3Client } from "@aws-sdk/client-s3";

/**
 * The process's one S3 client, in a module of its own so that code which only needs DynamoDB
 * (../aws.ts) never loads the S3 SDK: routes without audio stay off it at cold start.
 */
const s3Endpoint = process.env.SONNA_S3_ENDPOINT;

export const s3 = new S3Client({
  ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}),
  // The default (WHEN_SUPPORTED) sends streamed uploads aws-chunked, which s3rver stores verbatim,
  // and signs a checksum of an empty body into presigned PUT URLs, which real S3 then rejects.
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
  // As for DynamoDB (../aws.ts): three tries, then a 503 with Retry-After rather than a held request.
  retryMode: "standard",
  maxAttempts: 3,
});
