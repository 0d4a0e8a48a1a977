import { VisibleError } from "../errors";
import { completeGeneration } from "../generations/lifecycle";
import { completeVersion } from "../generations/versions";
import { parseKey } from "../storage/keys";
import { deleteObjectsOfGoneRecords } from "../storage/objects";

export type LandedOutcome = "completed" | "ignored" | "refused";

/** Refusals after which nothing will ever use the object that landed. */
const SPENT = new Set(["generation.not_found", "version.not_found"]);

/**
 * Completes whatever the object just uploaded was for, exactly as the client's `complete` call
 * would; both may happen, and the second finds the work done. Only upload keys (`uploads/`) act:
 * the audio the service copies under `t/` is never an upload. Refusals (bad audio, gone records)
 * are final for this object, so they are reported rather than retried; an object nothing will use
 * is deleted.
 */
export async function onUploadLanded(key: string): Promise<{ outcome: LandedOutcome; detail?: string }> {
  const landed = parseKey(key);
  if (!landed || landed.area !== "upload") return { outcome: "ignored" };
  let refusal: VisibleError | undefined;
  try {
    if (landed.versionId) {
      await completeVersion(landed.tenant, landed.generationId, landed.versionId);
    } else {
      await completeGeneration(landed.tenant, landed.generationId);
    }
  } catch (error) {
    if (!(error instanceof VisibleError && error.status < 500)) throw error;
    refusal = error;
  }
  // Completions remove spent uploads themselves; an upload for a record that is gone is never used.
  if (refusal && SPENT.has(refusal.code)) await deleteObjectsOfGoneRecords([key]);
  return refusal ? { outcome: "refused", detail: `${refusal.code}: ${refusal.detail}` } : { outcome: "completed" };
}
