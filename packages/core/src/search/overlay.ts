import type { LogItem } from "../changes/walk";
import type { Generation } from "../shapes/generation";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { queryPages } from "../table/query-pages";
import { entryOf, type IndexLine } from "./entry";

/** What the index holds of a generation after one log item, or undefined for items about anything else. */
export function lineOfChange(item: LogItem): IndexLine | undefined {
  if (item.type === "generation.upserted" && item.data) return entryOf(item.data as unknown as Generation);
  if (item.type === "generation.deleted" && item.id) return { id: item.id, gone: true };
  return undefined;
}

export interface Overlay {
  /** The latest line of every generation changed after the index's number. */
  lines: Map<string, IndexLine>;
  /** Log items read (changes of anything, voids): what the next compaction would fold in. */
  read: number;
}

/**
 * Every change logged after `seq`, latest per generation. A number still being written is simply
 * not there yet: its writer has not answered, so no reader can be owed it.
 */
export async function readOverlay(tenant: string, seq: number): Promise<Overlay> {
  const lines = new Map<string, IndexLine>();
  let read = 0;
  for await (const page of queryPages({
    TableName: tableName(),
    KeyConditionExpression: "pk = :pk AND sk > :after",
    ExpressionAttributeValues: { ":pk": keys.changePartition(tenant), ":after": keys.changeSk(seq) },
    ConsistentRead: true,
  })) {
    for (const item of (page.Items ?? []) as LogItem[]) {
      read++;
      const line = lineOfChange(item);
      if (line) lines.set(line.id, line);
    }
  }
  return { lines, read };
}
