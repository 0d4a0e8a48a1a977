export interface Profile {
  id: string;
  name: string;
  description: string | null;
  language: string;
  created_at: string;
  updated_at: string;
}

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
