import { VisibleError } from "../errors";
import { completeGeneration } from "../generations/lifecycle";
import { completeVersion } from "../generations/versions";
import { setTenant } from "../observability";
import { parseKey } from "../storage/keys";
import { deleteObjectsOfGoneRecords } from "../storage/objects";
import { findTrashed } from "../trash/model";

export type LandedOutcome = "completed" | "ignored" | "refused";

/** Refusals after which nothing will ever use the object that landed. */
const SPENT = new Set(["generation.not_found", "version.not_found"]);

export interface LandedOptions {
  /** How long an import event may wait for an import someone else is running (its function's time left). */
  waitMs?: number;
}

/**
 * Completes whatever the object just uploaded was for, exactly as the client's `complete` call
 * would; both may happen, and the second finds the work done (or waits for it, for an import).
 * Only upload keys (`uploads/`) and import archives (`imports/<seg>/<id>.zip`) act: the audio the
 * service copies under `t/` and the entries an import stages are never uploads. Refusals (bad
 * audio, a bad archive, gone records) are final for this object, so they are reported rather than
 * retried; an object nothing will use is deleted.
 */
export async function onUploadLanded(key: string, options: LandedOptions = {}): Promise<{ outcome: LandedOutcome; detail?: string }> {
  const landed = parseKey(key);
  if (!landed || landed.area === "audio" || landed.area === "restored") return { outcome: "ignored" };
  setTenant(landed.tenant);
  let refusal: VisibleError | undefined;
  try {
    if (landed.area === "import") {
      // Loaded here only: the import pulls in the ZIP reader, which upload events never need.
      const { completeImport } = await import("../transfer/imports");
      await completeImport(landed.tenant, landed.importId, { waitMs: options.waitMs ?? 0 });
    } else if (landed.versionId) {
      await completeVersion(landed.tenant, landed.generationId, landed.versionId);
    } else {
      await completeGeneration(landed.tenant, landed.generationId);
    }
  } catch (error) {
    if (!(error instanceof VisibleError && error.status < 500)) throw error;
    refusal = error;
  }
  // An import reads its archive once: unless it is still running, what sits at the key now (a
  // second PUT, say) is never read. Completions remove spent uploads themselves. A pending
  // generation in the trash keeps its upload: a restore brings it back to be completed.
  const spent =
    landed.area === "import"
      ? refusal?.code !== "import.in_progress"
      : refusal !== undefined && SPENT.has(refusal.code) && !(await findTrashed(landed.tenant, landed.generationId));
  if (spent) await deleteObjectsOfGoneRecords([key]);
  return refusal ? { outcome: "refused", detail: `${refusal.code}: ${refusal.detail}` } : { outcome: "completed" };
}
