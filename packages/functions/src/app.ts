import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { onFirstUse } from "@sonna/core/lazy";
import { requireTenant, type AuthEnv } from "./auth";
import { errorBody, handleError } from "./errors";
import { historyRoutes } from "./routes/history";
import { jobRoutes } from "./routes/jobs";
import { maintenanceRoutes } from "./routes/maintenance";
import { settingsRoutes } from "./routes/settings";
import { profileRoutes } from "./routes/profiles";
import { transferRoutes } from "./routes/transfer";
import { versionRoutes } from "./routes/versions";

/** JSON bodies are small; audio and large archives travel through presigned URLs, never through here. */
const JSON_BODY_LIMIT = 1024 * 1024;
/** A ZIP sent to POST /history/import: what a Lambda invocation can carry. */
const IMPORT_BODY_LIMIT = 6 * 1000 * 1000;

const limitBody = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: (c) =>
      c.json(
        errorBody(
          `The request body exceeds ${maxSize} bytes.${maxSize === IMPORT_BODY_LIMIT ? " Use POST /history/imports for large archives." : ""}`,
          "request.too_large",
        ),
        413,
      ),
  });

const app = new Hono<AuthEnv>();

app.onError(handleError);
app.notFound((c) => c.json(errorBody(`No route for ${c.req.method} ${c.req.path}.`, "route.not_found"), 404));

app.get("/health", (c) => c.json({ status: "ok" }, 200));

for (const path of ["/profiles", "/profiles/*", "/history", "/history/*", "/jobs/*", "/settings", "/maintenance/*"]) {
  app.use(path, requireTenant, (c, next) =>
    limitBody(c.req.path === "/history/import" ? IMPORT_BODY_LIMIT : JSON_BODY_LIMIT)(c, next),
  );
}

const routes = app
  .route("/profiles", profileRoutes)
  .route("/history", historyRoutes)
  .route("/history", versionRoutes)
  .route("/history", transferRoutes)
  .route("/jobs", jobRoutes)
  .route("/settings", settingsRoutes)
  .route("/maintenance", maintenanceRoutes);

const info = {
  title: "Sonna History API",
  version: "1.0.0",
  description: "The history of every clip a text-to-speech studio generates: text, voice profile, settings and audio.",
};
const openApiDocument = onFirstUse(() => import("./openapi-document").then((m) => m.openApiDocument(app as never, info)));
app.get("/openapi.json", async (c) => c.json(await openApiDocument(), 200));
// The rendered reference is for people browsing, not for API clients: it loads on its first view.
const reference = onFirstUse<MiddlewareHandler>(() =>
  import("@scalar/hono-api-reference").then(({ Scalar }) => Scalar({ url: "/openapi.json", pageTitle: "Sonna History API" })),
);
app.get("/docs", async (c, next) => (await reference())(c, next));

export type AppType = typeof routes;
export { app };
