import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { s3 } from "../storage/client";
import { bucketName } from "../resources";
import { objectKeys } from "../storage/keys";
import { parseUploadKey, type LandedUpload } from "../uploads/landed";

export interface ListedObject {
  /** LastModified in epoch milliseconds (infinitely young when S3 gives none, so it is never taken for old). */
  modifiedMs: number;
  upload: LandedUpload;
}

export interface TenantObjects {
  /** Every audio object of the tenant, by key. */
  audio: Map<string, ListedObject>;
  /** Keys under the tenant's prefix that no code of ours builds; reconcile never touches them. */
  unrecognized: number;
}

/**
 * Lists everything under the tenant's prefix, 1,000 keys per ListObjectsV2 page. Only keys that
 * objectKeys builds for this very tenant are kept (parseUploadKey decides); anything else is
 * counted and left alone. The listing order is not relied on (s3rver does not sort), so the result
 * is a map: about 200 bytes per object, a few hundred MB for a tenant with a million clips.
 */
export async function listTenantAudio(tenant: string): Promise<TenantObjects> {
  const audio = new Map<string, ListedObject>();
  let unrecognized = 0;
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucketName(), Prefix: objectKeys.tenantPrefix(tenant), ContinuationToken }),
    );
    for (const object of page.Contents ?? []) {
      const upload = object.Key ? parseUploadKey(object.Key) : undefined;
      if (!object.Key || !upload || upload.tenant !== tenant) {
        unrecognized++;
        continue;
      }
      audio.set(object.Key, { modifiedMs: object.LastModified?.getTime() ?? Number.POSITIVE_INFINITY, upload });
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return { audio, unrecognized };
}
