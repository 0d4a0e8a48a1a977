import { VisibleError } from "../errors";
import { isId } from "../ids";
import { completeGeneration } from "../generations/lifecycle";
import { completeVersion } from "../generations/versions";
import { tenantFromSegment } from "../table/keys";

export type LandedUpload =
  | { kind: "generation"; tenant: string; generationId: string }
  | { kind: "version"; tenant: string; generationId: string; versionId: string };

/**
 * Which pending upload an object key belongs to, or undefined for any other key. Only keys this
 * service itself hands out match, so a stray object can't complete anything.
 */
export function parseUploadKey(key: string): LandedUpload | undefined {
  const match = /^t\/([A-Za-z0-9_-]+)\/audio\/([0-9a-f-]{36})(?:\/([0-9a-f-]{36}))?\.wav$/.exec(key);
  if (!match) return undefined;
  const [, segment, generationId, versionId] = match;
  const tenant = tenantFromSegment(segment!);
  if (tenant === undefined || !isId(generationId!) || (versionId !== undefined && !isId(versionId))) return undefined;
  return versionId
    ? { kind: "version", tenant, generationId: generationId!, versionId }
    : { kind: "generation", tenant, generationId: generationId! };
}

export type LandedOutcome = "completed" | "ignored" | "refused";

/**
 * Completes whatever the object just uploaded was for, exactly as the client's `complete` call
 * would; both may happen, and the second finds the work done. Refusals (bad audio, gone records)
 * are final for this object, so they are reported rather than retried.
 */
export async function onUploadLanded(key: string): Promise<{ outcome: LandedOutcome; detail?: string }> {
  const upload = parseUploadKey(key);
  if (!upload) return { outcome: "ignored" };
  try {
    if (upload.kind === "generation") await completeGeneration(upload.tenant, upload.generationId);
    else await completeVersion(upload.tenant, upload.generationId, upload.versionId);
    return { outcome: "completed" };
  } catch (error) {
    if (error instanceof VisibleError && error.status < 500) return { outcome: "refused", detail: `${error.code}: ${error.detail}` };
    throw error;
  }
}
