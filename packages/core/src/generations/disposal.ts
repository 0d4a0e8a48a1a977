import { getSettings, type Settings } from "../settings/service";
import { trashedItem } from "../trash/model";
import type { GenerationItem } from "./model";
import type { Change } from "./repo";

/**
 * What deleting a live generation makes of its record: null when it goes for good (its audio goes
 * after it), or the record moved to the trash (its audio stays).
 */
export type Disposal = (item: GenerationItem) => GenerationItem | null;

export const forGood: Disposal = () => null;

/** With `trash_days` above 0 deletes go to the trash for that long; with 0 they are final. */
export const disposalOf = (tenant: string, settings: Pick<Settings, "trash_days">): Disposal =>
  settings.trash_days > 0 ? (item) => trashedItem(tenant, item, Date.now(), settings.trash_days) : forGood;

/** Read once per operation, so every generation one delete takes goes the same way. */
export const disposalFor = async (tenant: string): Promise<Disposal> => disposalOf(tenant, await getSettings(tenant));

/** The change that disposes of one record, for mutateGeneration or mutateRecord. */
export const disposalChange = (disposal: Disposal, item: GenerationItem): Change => {
  const moved = disposal(item);
  return moved ? { kind: "put", item: moved } : { kind: "delete" };
};
