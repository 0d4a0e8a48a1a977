import { notFound, VisibleError } from "../errors";
import { profileMustExist } from "../generations/create";
import { generationDetail } from "../generations/detail";
import { quotasOf } from "../generations/lifecycle";
import { mutateRecord } from "../generations/repo";
import { ConditionFailed } from "../table/transact";
import { getTrashed, restoredItem } from "./model";

const profileMissing = (id: string, profileId: string) =>
  new VisibleError(
    409,
    "profile.missing",
    `Generation ${id} belonged to profile ${profileId}, which was deleted; restore it into another profile by sending {"profile_id": "..."}.`,
  );

/**
 * Brings a trashed generation back exactly as it was (same id, fields, versions, favorite, tags,
 * audio), into its own profile or the one named. The profile is checked inside the transaction,
 * so a profile delete racing the restore either sees the generation (and purges it) or the
 * restore is refused. Its bytes and count return to its profile's counters, held to the quotas.
 */
export async function restoreGeneration(tenant: string, id: string, into?: string) {
  const quotas = await quotasOf(tenant);
  let profileId = into;
  try {
    await mutateRecord(
      tenant,
      () => getTrashed(tenant, id),
      (item) => {
        profileId = into ?? item.profile_id;
        return { kind: "put", item: restoredItem(tenant, item, profileId), quotas, extra: [profileMustExist(tenant, profileId)] };
      },
    );
  } catch (error) {
    // A lost lock is retried and a quota refusal is answered as one: the profile check is the one left.
    if (!(error instanceof ConditionFailed)) throw error;
    throw into === undefined ? profileMissing(id, profileId!) : notFound("profile", into);
  }
  return generationDetail(tenant, id);
}
