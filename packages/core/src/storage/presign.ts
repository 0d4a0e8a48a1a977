import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { s3 } from "./client";
import { limits } from "../limits";
import { bucketName } from "../resources";

export interface PresignedRequest {
  url: string;
  method: "PUT";
  headers: Record<string, string>;
  expires_at: string;
}

const expiresAt = () => new Date(Date.now() + limits.presignSeconds * 1000).toISOString();

/** Where presigned PUTs may write: uploads wait there to be inspected; nothing is served from them. */
const UPLOADABLE_PREFIXES = ["uploads/", "imports/"];

/** A URL that puts exactly one object key; nothing about the body is signed, so any client can send it. */
export async function presignUpload(key: string): Promise<PresignedRequest> {
  if (!UPLOADABLE_PREFIXES.some((prefix) => key.startsWith(prefix))) {
    throw new Error(`refusing to presign a PUT to ${key}: served objects are only written by the service`);
  }
  const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucketName(), Key: key }), {
    expiresIn: limits.presignSeconds,
  });
  return { url, method: "PUT", headers: {}, expires_at: expiresAt() };
}

export async function presignDownload(
  key: string,
  options: { filename?: string; contentType?: string } = {},
): Promise<{ url: string; expires_at: string }> {
  const url = await getSignedUrl(
    s3,
    new GetObjectCommand({
      Bucket: bucketName(),
      Key: key,
      ...(options.filename ? { ResponseContentDisposition: attachment(options.filename) } : {}),
      ...(options.contentType ? { ResponseContentType: options.contentType } : {}),
    }),
    { expiresIn: limits.presignSeconds },
  );
  return { url, expires_at: expiresAt() };
}

/** RFC 6266: an ASCII fallback plus the exact UTF-8 name. */
export const attachment = (filename: string): string => {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
};
