import { data } from "./api.js";
import type { Context } from "./context.js";
import type { operations } from "./schema.js";

type Query<Operation extends keyof operations> = NonNullable<operations[Operation]["parameters"]["query"]>;

/** Every item of a cursor-paged list, page after page, until a page has no `next_cursor`. */
export async function* paginate<Item>(page: (cursor: string | undefined) => Promise<{ items: Item[]; next_cursor: string | null }>): AsyncGenerator<Item> {
  let cursor: string | undefined;
  do {
    const answer = await page(cursor);
    yield* answer.items;
    cursor = answer.next_cursor ?? undefined;
  } while (cursor !== undefined);
}

/** GET /history with any of its filters, every match. */
export const generations = (context: Context, query: Omit<Query<"getHistory">, "cursor" | "offset"> = {}) =>
  paginate((cursor) => data(context.api.GET("/history", { params: { query: { ...query, ...(cursor ? { cursor } : {}) } } })));

/** GET /history/trash, newest-deleted first. */
export const trash = (context: Context, query: Omit<Query<"getHistoryTrash">, "cursor"> = {}) =>
  paginate((cursor) => data(context.api.GET("/history/trash", { params: { query: { ...query, ...(cursor ? { cursor } : {}) } } })));

/** GET /webhooks/{id}/deliveries. */
export const deliveries = (context: Context, webhookId: string, query: Omit<Query<"getWebhooksByIdDeliveries">, "cursor"> = {}) =>
  paginate((cursor) =>
    data(context.api.GET("/webhooks/{id}/deliveries", { params: { path: { id: webhookId }, query: { ...query, ...(cursor ? { cursor } : {}) } } })),
  );
