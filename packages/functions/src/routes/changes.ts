import { readChanges } from "@sonna/core/changes/feed";
import { ChangesPageSchema, ChangesQuery } from "@sonna/core/shapes/changes";
import { commonErrors, describe, errorResponse, jsonContent, router, validate } from "../openapi";

export const changeRoutes = router().get(
  "/changes",
  describe({
    tags: ["Sync"],
    summary: "The change feed: every change to generations and profiles, in order",
    description:
      "Follow it with the `next_cursor` each answer gives and a mirror never misses a committed change; " +
      "one entity's changes come in commit order; a change may come twice (apply them idempotently). " +
      "To start a mirror: take `?from=now`, list everything, then follow the feed from that cursor.",
    responses: {
      200: jsonContent(ChangesPageSchema, "Changes after the cursor."),
      ...commonErrors,
      410: errorResponse("`changes.cursor_expired`: the cursor is older than the changes kept (30 days); resync from a full list."),
    },
  }),
  validate("query", ChangesQuery),
  async (c) => {
    const { cursor, from, limit } = c.req.valid("query");
    return c.json(await readChanges(c.get("tenant"), { cursor, from, limit: limit ?? 100 }), 200);
  },
);
