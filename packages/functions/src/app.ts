import { Hono, type Handler } from "hono";
import { onFirstUse } from "@sonna/core/lazy";
import type { AuthEnv } from "./auth";
import { handleError, routeNotFound } from "./errors";
import { referencePage } from "./reference-page";
import { routeGroups } from "./route-groups";

const app = new Hono<AuthEnv>();

app.onError(handleError);
app.notFound(routeNotFound);

app.get("/health", (c) => c.json({ status: "ok" }, 200));

// Each group is loaded on its prefix's first request and kept (./route-groups.ts says why).
const groups = routeGroups.map((group) => ({
  prefix: group.prefix,
  served: onFirstUse(() => import("./served-group").then(({ servedGroup }) => servedGroup(group))),
}));
for (const { prefix, served } of groups) {
  const dispatch: Handler<AuthEnv> = async (c) => (await served()).fetch(c.req.raw, c.env);
  app.all(prefix, dispatch).all(`${prefix}/*`, dispatch);
}

const info = {
  title: "Sonna History API",
  version: "1.0.0",
  description: "The history of every clip a text-to-speech studio generates: text, voice profile, settings and audio.",
};
const openApiDocument = onFirstUse(async () => {
  const [{ openApiDocument }, served] = await Promise.all([import("./openapi-document"), Promise.all(groups.map(({ served }) => served()))]);
  return openApiDocument(
    served.flatMap((group) => group.routes),
    info,
  );
});
app.get("/openapi.json", async (c) => c.json(await openApiDocument(), 200));
app.route("/docs", referencePage);

export { app };
