import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { s3 } from "../storage/client";
import { bucketName } from "../resources";
import { objectKeys, parseKey } from "../storage/keys";

export interface ListedObject {
  /** LastModified in epoch milliseconds (infinitely young when S3 gives none, so it is never taken for old). */
  modifiedMs: number;
  /** The generation the key names. */
  generationId: string;
}

export interface TenantObjects {
  /** Every audio object (archived ones too), every upload and every restored copy of the tenant, by key. */
  audio: Map<string, ListedObject>;
  /** Keys under the tenant's prefixes that no code of ours builds; reconcile never touches them. */
  unrecognized: number;
}

/**
 * Lists everything under the tenant's audio, upload and restored-copy prefixes, 1,000 keys per ListObjectsV2
 * page. Only keys that objectKeys builds for this very tenant are kept (parseKey decides);
 * anything else is counted and left alone. The listing order is not relied on (s3rver does not
 * sort), so the result is a map: about 200 bytes per object, a few hundred MB for a tenant with a
 * million clips.
 */
export async function listTenantAudio(tenant: string): Promise<TenantObjects> {
  const audio = new Map<string, ListedObject>();
  let unrecognized = 0;
  for (const prefix of [objectKeys.tenantPrefix(tenant), objectKeys.uploadPrefix(tenant), objectKeys.restoredPrefix(tenant)]) {
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucketName(), Prefix: prefix, ContinuationToken }));
      for (const object of page.Contents ?? []) {
        const parsed = object.Key ? parseKey(object.Key) : undefined;
        if (!object.Key || !parsed || parsed.area === "import" || parsed.tenant !== tenant) {
          unrecognized++;
          continue;
        }
        audio.set(object.Key, { modifiedMs: object.LastModified?.getTime() ?? Number.POSITIVE_INFINITY, generationId: parsed.generationId });
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }
  return { audio, unrecognized };
}
