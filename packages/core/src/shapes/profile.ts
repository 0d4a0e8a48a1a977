import * as v from "valibot";
import { limits } from "../limits";
import { languageCode, nonBlankText, wellFormedText } from "./fields";
import { example, instant, named } from "./named";

export const ProfileSchema = named(
  "Profile",
  v.object({
    id: v.string(),
    name: v.string(),
    description: v.nullable(v.string()),
    language: v.string(),
    created_at: instant,
    updated_at: instant,
  }),
);
export type Profile = v.InferOutput<typeof ProfileSchema>;

const profileFields = {
  name: nonBlankText(limits.maxNameChars),
  description: v.optional(v.nullable(wellFormedText(limits.maxDescriptionChars))),
  language: v.optional(example(languageCode, "en")),
};

export const ProfileCreate = named("ProfileCreate", v.strictObject(profileFields));
export type ProfileInput = v.InferOutput<typeof ProfileCreate>;

export const ProfilePatch = named(
  "ProfilePatch",
  v.pipe(v.strictObject({ ...profileFields, name: v.optional(profileFields.name) }), v.minEntries(1, "send at least one field to change")),
);
export type ProfilePatchInput = v.InferOutput<typeof ProfilePatch>;

export const ProfileList = named("ProfileList", v.object({ items: v.array(ProfileSchema) }));
