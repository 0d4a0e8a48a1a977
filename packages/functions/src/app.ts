/**
 * The API: one Hono app, every route group mounted once, so `AppType` types a client
 * (`hc<AppType>`) and the OpenAPI document (./document.ts) is written from the same routes.
 */
import { Hono } from "hono";
import { onFirstUse } from "@sonna/core/lazy";
import { requireTenant, type AppEnv } from "./auth";
import { allowedMethods, handleError, routeNotFound } from "./errors";
import { HealthSchema } from "@sonna/core/shapes/error";
import { describe, jsonContent } from "./openapi";
import { changeRoutes } from "./routes/changes";
import { historyRoutes } from "./routes/history";
import { jobRoutes } from "./routes/jobs";
import { maintenanceRoutes } from "./routes/maintenance";
import { profileRoutes } from "./routes/profiles";
import { settingsRoutes } from "./routes/settings";
import { transferRoutes } from "./routes/transfer";
import { trashRoutes } from "./routes/trash";
import { versionRoutes } from "./routes/versions";
import { webhookRoutes } from "./routes/webhooks";
import { referencePage } from "./reference-page";

/** Everything under these needs a tenant; /health, /openapi.json and /docs are public. */
const authenticated = ["/profiles", "/history", "/jobs", "/settings", "/maintenance", "/webhooks"];

const base = new Hono<AppEnv>();
// CORS preflights carry no token (the gateway lets them through, infra/api.ts): answered before any tenant check.
base.options("*", (c) => {
  c.header("Allow", [...allowedMethods(base.routes, c.req.path), "OPTIONS"].join(", "));
  return c.body(null, 204);
});
for (const prefix of authenticated) base.use(`${prefix}/*`, requireTenant);

const app = base
  .get(
    "/health",
    describe({ tags: ["Health"], summary: "Whether the API answers", responses: { 200: jsonContent(HealthSchema, "It does.") } }),
    (c) => c.json({ status: "ok" as const }, 200),
  )
  .route("/profiles", profileRoutes)
  // Before historyRoutes: /history/changes is not a generation id.
  .route("/history", changeRoutes)
  .route("/history/trash", trashRoutes)
  .route("/history", historyRoutes)
  .route("/history", versionRoutes)
  .route("/history", transferRoutes)
  .route("/jobs", jobRoutes)
  .route("/settings", settingsRoutes)
  .route("/maintenance", maintenanceRoutes)
  .route("/webhooks", webhookRoutes);

app.onError(handleError);
app.notFound((c) => routeNotFound(c, app.routes));

// Written from the routes on its first request; the converters it needs load only then.
const openApiDocument = onFirstUse(() => import("./document").then(({ openApiDocument }) => openApiDocument(app)));
app.get("/openapi.json", async (c) => c.json(await openApiDocument(), 200));
app.route("/docs", referencePage);

export type AppType = typeof app;
export { app };
