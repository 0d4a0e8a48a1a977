import { GetObjectCommand } from "@aws-sdk/client-s3";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Readable } from "node:stream";
import { ARCHIVE_MAX_BYTES } from "../archive/write";
import { dynamo, s3 } from "../aws";
import { VisibleError, notFound } from "../errors";
import { getGeneration } from "../generations/repo";
import { toGeneration, type Generation } from "../generations/model";
import { isId, newId } from "../ids";
import { limits } from "../limits";
import { findProfileItem } from "../profiles/service";
import { bucketName, tableName } from "../resources";
import { objectKeys } from "../storage/keys";
import { deleteObjects, deleteObjectsOfGoneRecords, headObject } from "../storage/objects";
import { presignUpload, type PresignedRequest } from "../storage/presign";
import { keys } from "../table/keys";
import { ConditionFailed } from "../table/transact";
import { importArchive } from "./import";

const IMPORT_RECORD_SECONDS = 24 * 3600;

type ImportStatus = "awaiting_upload" | "importing" | "completed" | "failed";

interface ImportRecord {
  import_id: string;
  status: ImportStatus;
  profile_id: string | null;
  generation_id?: string;
  error?: string;
  lease_until?: number;
  /** The call working on it (see claim). */
  claim?: string;
}

/** Starts a large import: the archive (up to 2 GiB) goes straight to the bucket through the URL. */
export async function startImport(tenant: string, profileId?: string): Promise<{ import_id: string; upload: PresignedRequest }> {
  if (profileId !== undefined && !(await findProfileItem(tenant, profileId))) throw notFound("profile", profileId);
  const importId = newId();
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.importRecord(tenant, importId),
        import_id: importId,
        status: "awaiting_upload",
        profile_id: profileId ?? null,
        created_at: new Date().toISOString(),
        expires_at_epoch: Math.floor(Date.now() / 1000) + IMPORT_RECORD_SECONDS,
      },
    }),
  );
  return { import_id: importId, upload: await presignUpload(objectKeys.importUpload(tenant, importId)) };
}

/**
 * Sets the import's status, unless another call has claimed it since: what happens to it is that
 * call's to say now. Returns whether it was set.
 */
async function setStatus(tenant: string, importId: string, claim: string, status: ImportStatus, extra: Record<string, unknown> = {}): Promise<boolean> {
  const fields = { status, ...extra };
  const names = Object.fromEntries(Object.keys(fields).map((k, i) => [`#f${i}`, k]));
  const values = Object.fromEntries(Object.values(fields).map((v, i) => [`:f${i}`, v]));
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.importRecord(tenant, importId),
        UpdateExpression: `SET ${Object.keys(fields).map((_, i) => `#f${i} = :f${i}`).join(", ")} REMOVE lease_until, claim`,
        ConditionExpression: "claim = :claim",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ":claim": claim },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
    return false;
  }
}

/**
 * Takes the import for this call, unless another is working on it and its lease holds; returns the
 * claim that fences this call's writes to the import.
 */
async function claim(tenant: string, importId: string): Promise<string | undefined> {
  const token = newId();
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.importRecord(tenant, importId),
        UpdateExpression: "SET #status = :importing, lease_until = :until, claim = :claim",
        ConditionExpression: "#status = :awaiting OR (#status = :importing AND lease_until < :now)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":importing": "importing", ":awaiting": "awaiting_upload", ":until": Date.now() + limits.importLeaseMs, ":now": Date.now(), ":claim": token },
      }),
    );
    return token;
  } catch (error) {
    if ((error as { name?: string }).name === "ConditionalCheckFailedException") return undefined;
    throw error;
  }
}

const readRecord = async (tenant: string, importId: string): Promise<ImportRecord | undefined> =>
  isId(importId)
    ? ((await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.importRecord(tenant, importId), ConsistentRead: true }))).Item as ImportRecord | undefined)
    : undefined;

const inProgress = () => new VisibleError(409, "import.in_progress", "This import is being processed; retry shortly.", { "Retry-After": "5" });

/**
 * Imports the uploaded archive, streaming it out of the bucket. Completing again returns the same
 * generation; a concurrent second call is told the import is under way. A refused archive fails
 * the import for good (start a new one); an infrastructure error leaves it to be retried.
 *
 * The import is marked done in the same transaction that writes the generation, fenced by this
 * call's claim: a process killed at any point either left no generation (a retry imports it) or
 * left the import done (a retry answers that generation), and a call that outlived its lease
 * cannot commit a second one.
 */
export async function completeImport(tenant: string, importId: string): Promise<Generation> {
  const record = await readRecord(tenant, importId);
  if (!record) throw notFound("import", importId);
  if (record.status === "completed") return toGeneration(await getGeneration(tenant, record.generation_id!));
  if (record.status === "failed") {
    throw new VisibleError(422, "import.failed", `This import failed: ${record.error}. Start a new import.`);
  }
  const token = await claim(tenant, importId);
  if (!token) throw inProgress();
  const key = objectKeys.importUpload(tenant, importId);
  try {
    const head = await headObject(key);
    if (!head) throw new VisibleError(422, "import.missing_upload", "No archive has been uploaded for this import yet.");
    if (head.size > ARCHIVE_MAX_BYTES) {
      throw new VisibleError(413, "archive.too_large", `The archive is ${head.size} bytes; imports are capped at ${ARCHIVE_MAX_BYTES}.`);
    }
    const object = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: key, IfMatch: head.etag }));
    const generation = await importArchive(tenant, object.Body as Readable, {
      profileId: record.profile_id ?? undefined,
      commitWith: (generationId) => [
        {
          Update: {
            TableName: tableName(),
            Key: keys.importRecord(tenant, importId),
            UpdateExpression: "SET #status = :completed, generation_id = :generation REMOVE lease_until, claim",
            ConditionExpression: "claim = :claim",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":completed": "completed", ":generation": generationId, ":claim": token },
          },
        },
      ],
    });
    // Done either way: an upload left behind expires with the imports/ prefix after a day.
    await deleteObjectsOfGoneRecords([key]);
    return generation;
  } catch (error) {
    if (error instanceof ConditionFailed && error.index === 0) {
      // Another call took the import over after this one's lease ran out, and may have finished it.
      const now = await readRecord(tenant, importId);
      if (now?.status === "completed") return toGeneration(await getGeneration(tenant, now.generation_id!));
      throw inProgress();
    }
    if (error instanceof VisibleError && error.code === "import.missing_upload") {
      await setStatus(tenant, importId, token, "awaiting_upload");
    } else if (error instanceof VisibleError && error.status < 500) {
      if (await setStatus(tenant, importId, token, "failed", { error: error.detail })) await deleteObjects([key]);
    } else {
      await setStatus(tenant, importId, token, "awaiting_upload");
    }
    throw error;
  }
}
