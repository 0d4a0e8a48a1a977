import { findProfileItem } from "../profiles/service";
import { DEFAULT_ENGINE, DEFAULT_LANGUAGE, type CreationInput } from "../shapes/generation";
import type { CreationSettings } from "./model";

/**
 * The one place creation settings get their defaults. A left-out language is the profile's
 * (`profileLanguage`, when the caller has read it), else `en`. Settings that are already complete
 * come back unchanged.
 */
export const withDefaults = (input: CreationInput, profileLanguage?: string | null): CreationSettings => ({
  profile_id: input.profile_id,
  text: input.text,
  language: input.language ?? profileLanguage ?? DEFAULT_LANGUAGE,
  seed: input.seed ?? null,
  instruct: input.instruct ?? null,
  engine: input.engine ?? DEFAULT_ENGINE,
  model_size: input.model_size ?? null,
});

/**
 * The settings a request means, as create stores them and a lookup compares them. Only a request
 * without `language` reads the profile (one consistent GetItem); undefined when that read finds
 * no profile.
 */
export async function resolveCreation(tenant: string, input: CreationInput): Promise<CreationSettings | undefined> {
  if (input.language !== undefined) return withDefaults(input);
  const profile = await findProfileItem(tenant, input.profile_id);
  return profile && withDefaults(input, profile.language);
}
