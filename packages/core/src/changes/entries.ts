import { isTrashed, toGeneration, type GenerationItem } from "../generations/model";
import { toProfile, type ProfileItem } from "../profiles/model";
import type { Generation } from "../shapes/generation";
import type { Job } from "../shapes/job";
import type { ChangeEntry, EventType } from "./log";

const isLive = (item: GenerationItem | null): item is GenerationItem => item !== null && !isTrashed(item);

/** The event a live generation's change is named by, if any. */
function liveEvent(before: GenerationItem | null, after: GenerationItem): EventType | null {
  if (!before) return "generation.created";
  if (isTrashed(before)) return "generation.restored";
  if (before.status !== after.status && after.status === "completed") return "generation.completed";
  if (before.status !== after.status && after.status === "failed") return "generation.failed";
  return null;
}

/**
 * What the feed and webhooks say about one generation write. A generation is in the feed while it
 * is live: moving to the trash deletes it there (with its own event), a restore upserts it again,
 * and purging a trashed one says nothing more.
 */
export function generationChange(before: GenerationItem | null, after: GenerationItem | null): ChangeEntry | null {
  const id = (after ?? before)!.id;
  if (isLive(after)) return { type: "generation.upserted", event: liveEvent(before, after), id, data: toGeneration(after) };
  if (!isLive(before)) return null;
  return { type: "generation.deleted", event: after ? "generation.trashed" : "generation.deleted", id, data: null };
}

export const profileUpserted = (item: ProfileItem): ChangeEntry => ({ type: "profile.upserted", event: null, id: item.id, data: toProfile(item) });

export const profileDeleted = (id: string): ChangeEntry => ({ type: "profile.deleted", event: "profile.deleted", id, data: null });

/** An event only (the feed has nothing to say): a job ended, with the job as GET /jobs/{id} shows it. */
export const jobFinished = (job: Job): ChangeEntry => ({ type: null, event: "job.finished", id: job.id, data: job });

export type ImportOutcome = { generation: Generation } | { error: { status: number; code: string; detail: string } };

/** An event only: a large import ended, with its generation or the refusal every later call answers. */
export const importFinished = (importId: string, profileId: string | null, outcome: ImportOutcome): ChangeEntry => ({
  type: null,
  event: "import.finished",
  id: importId,
  data: {
    import_id: importId,
    status: "generation" in outcome ? "completed" : "failed",
    profile_id: profileId,
    generation: "generation" in outcome ? outcome.generation : null,
    error: "error" in outcome ? outcome.error : null,
  },
});
