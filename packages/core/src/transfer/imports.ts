import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { ARCHIVE_MAX_BYTES } from "../archive/write";
import { dynamo } from "../aws";
import { VisibleError, notFound } from "../errors";
import { getGeneration } from "../generations/repo";
import { toGeneration, type Generation } from "../generations/model";
import { isId, newId } from "../ids";
import { limits } from "../limits";
import { log } from "../observability";
import { findProfileItem } from "../profiles/service";
import { tableName } from "../resources";
import { objectKeys } from "../storage/keys";
import { deleteObjectsOfGoneRecords, headObject, objectRanges } from "../storage/objects";
import { presignUpload, type PresignedRequest } from "../storage/presign";
import { keys } from "../table/keys";
import { lostLock, type TransactItem } from "../table/transact";
import { importFinished } from "../changes/entries";
import { transactWithChanges, type ChangeEntry } from "../changes/log";
import { AlongsideRefused, importArchive } from "./import";

/**
 * How long a claim on an import lasts unless renewed (`limits.importLeaseMs`, a minute). The holder
 * renews it every third of this while it works, so a live import is never taken over, and one
 * whose process died (a Lambda killed at its timeout) is free again within a minute.
 */
const LEASE_MS = limits.importLeaseMs;
/** How often a caller waiting for another's import looks again. */
const POLL_MS = 1000;
const IMPORT_RECORD_SECONDS = 24 * 3600;

type ImportStatus = "awaiting_upload" | "importing" | "completed" | "failed";

interface ImportRecord {
  import_id: string;
  status: ImportStatus;
  profile_id: string | null;
  generation_id?: string;
  /** A failed import's refusal, answered again to every later call. */
  error?: string;
  error_status?: VisibleError["status"];
  error_code?: string;
  /** The refusal's fields beside detail and code (a quota's limit and count). */
  error_extra?: Record<string, unknown>;
  lease_until?: number;
  /** Who holds the import while it is `importing`; every write of the holder is conditional on it. */
  claim?: string;
}

export interface CompleteImportOptions {
  /** How long to wait for an import someone else is running before answering import.in_progress. */
  waitMs?: number;
  /**
   * When (epoch ms) to stop importing and hand the import back, because a Lambda request must
   * answer before its timeout; whoever waits for it, the upload event's function, takes over at once.
   */
  deadline?: number;
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

const isConditionFailure = (error: unknown) => (error as { name?: string }).name === "ConditionalCheckFailedException";

/** An update of the import record, only while `claim` holds it. */
function heldUpdate(tenant: string, importId: string, claim: string, set: Record<string, unknown>, remove: string[] = []) {
  const names = Object.keys(set);
  return {
    TableName: tableName(),
    Key: keys.importRecord(tenant, importId),
    UpdateExpression: [
      names.length ? `SET ${names.map((_, i) => `#f${i} = :f${i}`).join(", ")}` : "",
      remove.length ? `REMOVE ${remove.join(", ")}` : "",
    ].join(" "),
    ConditionExpression: "claim = :claim",
    ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#f${i}`, name])),
    ExpressionAttributeValues: { ":claim": claim, ...Object.fromEntries(Object.values(set).map((v, i) => [`:f${i}`, v])) },
  };
}

/** An update of the import record by the holder of `claim`; false when the claim is no longer held. */
async function updateHeld(tenant: string, importId: string, claim: string, set: Record<string, unknown>, remove: string[] = []): Promise<boolean> {
  try {
    await dynamo.send(new UpdateCommand(heldUpdate(tenant, importId, claim, set, remove)));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Fails the import for good with the refusal its archive got, and logs `import.finished`; false when the claim is no longer held. */
async function failHeld(tenant: string, record: ImportRecord, claim: string, refusal: VisibleError): Promise<boolean> {
  const error = { status: refusal.status, code: refusal.code, detail: refusal.detail };
  try {
    await transactWithChanges(
      tenant,
      [{ Update: heldUpdate(tenant, record.import_id, claim, { status: "failed", error: error.detail, error_status: error.status, error_code: error.code, error_extra: refusal.extra }, ["claim", "lease_until"]) }],
      [importFinished(record.import_id, record.profile_id, { error })],
    );
    return true;
  } catch (error) {
    if (lostLock(error)) return false;
    throw error;
  }
}

/** Takes the import for this caller, unless another holds a live claim; returns the claim. */
async function claim(tenant: string, importId: string): Promise<string | undefined> {
  const token = randomUUID();
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.importRecord(tenant, importId),
        UpdateExpression: "SET #status = :importing, lease_until = :until, claim = :claim",
        ConditionExpression: "#status = :awaiting OR (#status = :importing AND lease_until < :now)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":importing": "importing",
          ":awaiting": "awaiting_upload",
          ":until": Date.now() + LEASE_MS,
          ":now": Date.now(),
          ":claim": token,
        },
      }),
    );
    return token;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/** Marks the import completed in the generation's own transaction, only while `claim` holds it, and logs `import.finished`. */
const completedAlongside =
  (tenant: string, record: ImportRecord, claim: string) =>
  (generation: Generation): { item: TransactItem; change: ChangeEntry } => ({
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.importRecord(tenant, record.import_id),
        UpdateExpression: "SET #status = :completed, generation_id = :generation REMOVE claim, lease_until",
        ConditionExpression: "claim = :claim",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":completed": "completed", ":generation": generation.id, ":claim": claim },
      },
    },
    change: importFinished(record.import_id, record.profile_id, { generation }),
  });

async function readImport(tenant: string, importId: string): Promise<ImportRecord> {
  const { Item } = isId(importId)
    ? await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.importRecord(tenant, importId), ConsistentRead: true }))
    : { Item: undefined };
  if (!Item) throw notFound("import", importId);
  return Item as ImportRecord;
}

const inProgress = (detail = "This import is being processed; retry shortly.") =>
  new VisibleError(409, "import.in_progress", detail, { "Retry-After": "5" });

const outOfTime = () =>
  inProgress("This archive takes longer to import than a request may last; it goes on in the background. Retry shortly.");

/** A failed import answers every later call with the refusal the first run got. */
const recordedRefusal = (record: ImportRecord) =>
  new VisibleError(
    record.error_status ?? 422,
    record.error_code ?? "import.failed",
    record.error ?? "This import failed; start a new import.",
    {},
    record.error_extra,
  );

/**
 * Imports the uploaded archive, read out of the bucket by ranged GETs. The client's call and the
 * upload event both come here; a claim with a renewed lease makes one of them run it and the other
 * wait for the outcome (up to `waitMs`), and the generation is written in one transaction with the
 * import's completion, conditional on the claim, so even a holder that lost its lease can't create
 * a second generation. Completing again answers the same generation, or the same refusal: a
 * refused archive fails the import for good (start a new one); an infrastructure error hands the
 * import back to be retried.
 */
export async function completeImport(tenant: string, importId: string, options: CompleteImportOptions = {}): Promise<Generation> {
  const waitUntil = Math.min(Date.now() + (options.waitMs ?? 0), options.deadline ?? Number.POSITIVE_INFINITY);
  for (;;) {
    const record = await readImport(tenant, importId);
    if (record.status === "completed") return toGeneration(await getGeneration(tenant, record.generation_id!));
    if (record.status === "failed") throw recordedRefusal(record);
    if (options.deadline !== undefined && Date.now() >= options.deadline) throw outOfTime();
    const held = await claim(tenant, importId);
    if (held) {
      const outcome = await runImport(tenant, record, held, options.deadline);
      if (outcome) return outcome;
      // Someone else took the import over and finished it (or is finishing it): answer theirs.
      continue;
    }
    const left = waitUntil - Date.now();
    if (left <= 0) throw inProgress();
    await sleep(Math.min(POLL_MS, left));
  }
}

/** Runs a claimed import; undefined when the claim was lost to another caller before it could commit. */
async function runImport(tenant: string, record: ImportRecord, held: string, deadline: number | undefined): Promise<Generation | undefined> {
  const importId = record.import_id;
  const key = objectKeys.importUpload(tenant, importId);
  const renewal = setInterval(() => {
    updateHeld(tenant, importId, held, { lease_until: Date.now() + LEASE_MS }).catch((error: unknown) =>
      log.warn("import lease not renewed", { import_id: importId, error }),
    );
  }, LEASE_MS / 3);
  let timedOut = false;
  let budget: NodeJS.Timeout | undefined;
  try {
    const head = await headObject(key);
    if (!head) throw new VisibleError(422, "import.missing_upload", "No archive has been uploaded for this import yet.");
    if (head.size > ARCHIVE_MAX_BYTES) {
      throw new VisibleError(413, "archive.too_large", `The archive is ${head.size} bytes; imports are capped at ${ARCHIVE_MAX_BYTES}.`);
    }
    const reading = new AbortController();
    if (deadline !== undefined) {
      // Reading the archive takes long (the copies after it run in parallel parts), so that is what stops.
      budget = setTimeout(() => {
        timedOut = true;
        reading.abort(new Error("the request's time for this import ran out"));
      }, deadline - Date.now());
    }
    const generation = await importArchive(tenant, objectRanges(key, head, reading.signal), {
      profileId: record.profile_id ?? undefined,
      importId,
      alongside: completedAlongside(tenant, record, held),
    });
    await deleteObjectsOfGoneRecords([key]);
    return generation;
  } catch (error) {
    if (error instanceof AlongsideRefused) return undefined;
    if (timedOut) {
      await updateHeld(tenant, importId, held, { status: "awaiting_upload" }, ["claim", "lease_until"]);
      throw outOfTime();
    }
    if (error instanceof VisibleError && error.status < 500 && error.code !== "import.missing_upload") {
      if (await failHeld(tenant, record, held, error)) await deleteObjectsOfGoneRecords([key]);
    } else {
      await updateHeld(tenant, importId, held, { status: "awaiting_upload" }, ["claim", "lease_until"]);
    }
    throw error;
  } finally {
    clearInterval(renewal);
    clearTimeout(budget);
  }
}
