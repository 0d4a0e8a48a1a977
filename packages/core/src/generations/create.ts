import { createHash } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { notFound, VisibleError } from "../errors";
import { isId, newId } from "../ids";
import { tableName } from "../resources";
import { objectKeys } from "../storage/keys";
import { presignUpload, type PresignedRequest } from "../storage/presign";
import { keys } from "../table/keys";
import { ConditionFailed, transact } from "../table/transact";
import { generationTransaction } from "./writes";
import { creationDigest, toGeneration, type Generation, type GenerationItem } from "./model";
import { countChange, findGeneration } from "./repo";
import type { GenerationInput } from "../shapes/generation";

export type { GenerationInput } from "../shapes/generation";

const IDEMPOTENCY_SECONDS = 24 * 3600;

/** Builds the stored item of a new generation; `createdAtMs` also fixes the id's time order. */
export function newGenerationItem(
  tenant: string,
  input: GenerationInput,
  createdAtMs = Date.now(),
): GenerationItem {
  const id = newId(createdAtMs);
  const createdAt = new Date(createdAtMs).toISOString();
  return {
    ...keys.generation(tenant, id),
    ...keys.generationByProfile(tenant, input.profile_id, id),
    entity: "generation",
    id,
    profile_id: input.profile_id,
    text: input.text,
    text_lc: input.text.toLowerCase(),
    language: input.language ?? "en",
    // Until completion a generation's audio is its upload; completion points it at the inspected copy.
    audio_path: objectKeys.generationUpload(tenant, id),
    duration: null,
    seed: input.seed ?? null,
    instruct: input.instruct ?? null,
    engine: input.engine ?? "qwen",
    model_size: input.model_size ?? null,
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
function requestFingerprint(item: GenerationItem): string {
  const settings = creationDigest(item);
  if (item.tags.length === 0 && item.note === null) return settings;
  return createHash("sha256").update(JSON.stringify([settings, item.tags, item.note])).digest("hex");
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
  const item = newGenerationItem(tenant, input);
  const fingerprint = requestFingerprint(item);
  const idempotencyItem = idempotencyKey
    ? {
        ...keys.idempotency(tenant, "history.create", idempotencyKey),
        generation_id: item.id,
        fingerprint,
        expires_at_epoch: Math.floor(Date.now() / 1000) + IDEMPOTENCY_SECONDS,
      }
    : undefined;
  const { items } = generationTransaction(tenant, [{ before: null, after: item }]);
  try {
    await transact([
      profileMustExist(tenant, input.profile_id),
      ...(idempotencyItem
        ? [{ Put: { TableName: tableName(), Item: idempotencyItem, ConditionExpression: "attribute_not_exists(pk)" } }]
        : []),
      ...items,
    ]);
  } catch (error) {
    if (error instanceof ConditionFailed && error.index === 0) throw notFound("profile", input.profile_id);
    if (error instanceof ConditionFailed && error.index === 1 && idempotencyKey) {
      return replay(tenant, idempotencyKey, fingerprint);
    }
    throw error;
  }
  countChange(null, item);
  return { generation: toGeneration(item), upload: await presignUpload(objectKeys.generationUpload(tenant, item.id)) };
}

async function replay(tenant: string, idempotencyKey: string, fingerprint: string): Promise<CreatedGeneration> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.idempotency(tenant, "history.create", idempotencyKey),
      ConsistentRead: true,
    }),
  );
  if (Item?.fingerprint !== fingerprint) {
    throw new VisibleError(
      422,
      "request.idempotency_key_reused",
      "This Idempotency-Key was already used with a different request body.",
    );
  }
  const generation = await findGeneration(tenant, Item.generation_id as string);
  if (!generation) {
    throw new VisibleError(
      409,
      "request.idempotency_target_deleted",
      "The generation this Idempotency-Key created has since been deleted; use a new key to create another.",
    );
  }
  // Always the upload key, never audio_path: a completed generation's audio_path is its served audio.
  return { generation: toGeneration(generation), upload: await presignUpload(objectKeys.generationUpload(tenant, generation.id)) };
}
