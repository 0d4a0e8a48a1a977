import { keys } from "../table/keys";

import type { Profile } from "../shapes/profile";

export type { Profile } from "../shapes/profile";

export interface ProfileItem extends Profile {
  pk: string;
  sk: string;
  entity: "profile";
}

export const toProfile = (item: ProfileItem): Profile => ({
  id: item.id,
  name: item.name,
  description: item.description ?? null,
  language: item.language,
  created_at: item.created_at,
  updated_at: item.updated_at,
});

/**
 * A profile's name lock, written in the same transaction as every create, rename and delete of the
 * profile. Besides keeping names unique, it carries the display name, so one Query of a tenant's
 * small name items answers every current name (profiles/names.ts). Locks written before that
 * carry only `profile_id`; readers fall back to the profile item for them.
 */
export const profileNameItem = (tenant: string, profile: Pick<Profile, "id" | "name">) => ({
  ...keys.profileName(tenant, profile.name),
  profile_id: profile.id,
  name: profile.name,
});
