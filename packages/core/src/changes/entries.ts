import { isTrashed, toGeneration, type GenerationItem } from "../generations/model";
import { toProfile, type ProfileItem } from "../profiles/model";
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
