import type { GenerationChanges } from "../shapes/generation";
import { detailOf } from "./detail";
import { touched } from "./model";
import { mutateGeneration } from "./repo";

/**
 * Replaces a generation's tags, its note, or both, and answers it as `GET /history/{id}` shows it.
 * The tag counters and tag index items follow in the same transaction (generations/writes.ts).
 */
export async function annotateGeneration(tenant: string, id: string, changes: GenerationChanges) {
  const { after } = await mutateGeneration(tenant, id, (item) => {
    const tags = changes.tags ?? item.tags ?? [];
    const note = changes.note === undefined ? (item.note ?? null) : changes.note;
    const same = JSON.stringify(tags) === JSON.stringify(item.tags ?? []) && note === (item.note ?? null);
    return same ? { kind: "keep" } : { kind: "put", item: touched(item, { tags, note }) };
  });
  return detailOf(tenant, after!);
}
