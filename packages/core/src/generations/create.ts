import { createHash } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { notFound, VisibleError } from "../errors";
import { isId, newId } from "../ids";
import { tableName } from "../resources";
import { objectKeys } from "../storage/keys";
import { presignUpload, type PresignedRequest } from "../storage/presign";
import { keys } from "../table/keys";
import { transactWithChanges } from "../changes/log";
import { ConditionFailed } from "../table/transact";
import { quotasOf } from "./lifecycle";
import { generationTransaction } from "./writes";
import { resolveCreation, withDefaults } from "./defaults";
import { creationDigest, toGeneration, type CreationSettings, type Generation, type GenerationItem } from "./model";
import { countChange, findGeneration } from "./repo";
import { findTrashed } from "../trash/model";
import type { GenerationInput } from "../shapes/generation";

export type { GenerationInput } from "../shapes/generation";

const IDEMPOTENCY_SECONDS = 24 * 3600;

/**
 * Builds the stored item of a new generation; `createdAtMs` also fixes the id's time order.
 * `input` is what `resolveCreation` made of a request (a language left out here is `en`).
 */
export function newGenerationItem(
  tenant: string,
  input: GenerationInput,
  createdAtMs = Date.now(),
): GenerationItem {
  const id = newId(createdAtMs);
  const createdAt = new Date(createdAtMs).toISOString();
  const settings = withDefaults(input);
  return {
    ...keys.generation(tenant, id),
    ...keys.generationByProfile(tenant, settings.profile_id, id),
    entity: "generation",
    id,
    ...settings,
    // Until completion a generation's audio is its upload; completion points it at the inspected copy.
    audio_path: objectKeys.generationUpload(tenant, id),
    duration: null,
    status: "pending",
    error: null,
    error_code: null,
    is_favorited: false,
    tags: input.tags ?? [],
    note: input.note ?? null,
    created_at: createdAt,
    updated_at: new Date().toISOString(),
    size_bytes: 0,
    versions: [],
    active_version_id: null,
    rev: 0,
  };
}

/**
 * What an Idempotency-Key holds a retry to: the fields as stored, so a retry that spells out a
 * default (language "en", seed null) is the same request. Tags and a note join the creation
 * settings; a request with neither keeps the settings' digest alone, the fingerprint keys stored
 * before tags existed hold, so their retries still replay.
 */
function requestFingerprint(settings: CreationSettings, tags: readonly string[], note: string | null): string {
  const digest = creationDigest(settings);
  if (tags.length === 0 && note === null) return digest;
  return createHash("sha256").update(JSON.stringify([digest, tags, note])).digest("hex");
}

/** A transaction item that fails unless the profile exists (it is checked, not read). */
export const profileMustExist = (tenant: string, profileId: string) => ({
  ConditionCheck: {
    TableName: tableName(),
    Key: keys.profile(tenant, profileId),
    ConditionExpression: "attribute_exists(pk)",
  },
});

export interface CreatedGeneration {
  generation: Generation;
  upload: PresignedRequest;
}

/**
 * Creates a pending generation and hands out the URL its audio goes to. With an Idempotency-Key,
 * a retried request returns the generation the first one created (with a fresh upload URL while
 * it is pending), and reusing the key for a different body is refused.
 */
export async function createGeneration(
  tenant: string,
  input: GenerationInput,
  idempotencyKey?: string,
): Promise<CreatedGeneration> {
  if (!isId(input.profile_id)) throw notFound("profile", input.profile_id);
  const settings = await resolveCreation(tenant, input);
  if (!settings) throw notFound("profile", input.profile_id);
  const item = newGenerationItem(tenant, { ...input, ...settings });
  const fingerprint = requestFingerprint(settings, item.tags, item.note);
  const idempotencyItem = idempotencyKey
    ? {
        ...keys.idempotency(tenant, "history.create", idempotencyKey),
        generation_id: item.id,
        fingerprint,
        expires_at_epoch: Math.floor(Date.now() / 1000) + IDEMPOTENCY_SECONDS,
      }
    : undefined;
  // The checks come first: a retried request replays rather than being refused by a quota it already used.
  const checks = [
    profileMustExist(tenant, input.profile_id),
    ...(idempotencyItem ? [{ Put: { TableName: tableName(), Item: idempotencyItem, ConditionExpression: "attribute_not_exists(pk)" } }] : []),
  ];
  const { items, changes, refusal } = generationTransaction(tenant, [{ before: null, after: item }], await quotasOf(tenant));
  try {
    await transactWithChanges(tenant, [...checks, ...items], changes);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    if (error.index === 0) throw notFound("profile", input.profile_id);
    if (error.index === 1 && idempotencyKey) return replay(tenant, idempotencyKey, item, input.language === undefined);
    throw (await refusal(error.index - checks.length)) ?? error;
  }
  countChange(null, item);
  return { generation: toGeneration(item), upload: await presignUpload(objectKeys.generationUpload(tenant, item.id)) };
}

/**
 * The first request's answer, if `asked` is what it asked for. A retry that leaves the language
 * out asks for the profile's language as it was then, which its generation kept: the profile's may
 * have changed since.
 */
async function replay(tenant: string, idempotencyKey: string, asked: GenerationItem, profileLanguage: boolean): Promise<CreatedGeneration> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.idempotency(tenant, "history.create", idempotencyKey),
      ConsistentRead: true,
    }),
  );
  const generation = Item && (await findGeneration(tenant, Item.generation_id as string));
  const settings = profileLanguage && generation ? { ...asked, language: generation.language } : asked;
  if (Item?.fingerprint !== requestFingerprint(settings, asked.tags, asked.note)) {
    throw new VisibleError(
      422,
      "request.idempotency_key_reused",
      "This Idempotency-Key was already used with a different request body.",
    );
  }
  if (!generation) {
    // A trashed one is not handed out as if it were live: the caller can restore it or start over.
    const trashed = await findTrashed(tenant, Item.generation_id as string);
    throw new VisibleError(
      409,
      "request.idempotency_target_deleted",
      trashed
        ? `The generation this Idempotency-Key created is in the trash; restore it (POST /history/trash/${trashed.id}/restore) or use a new key to create another.`
        : "The generation this Idempotency-Key created has since been deleted; use a new key to create another.",
    );
  }
  // Always the upload key, never audio_path: a completed generation's audio_path is its served audio.
  return { generation: toGeneration(generation), upload: await presignUpload(objectKeys.generationUpload(tenant, generation.id)) };
}
