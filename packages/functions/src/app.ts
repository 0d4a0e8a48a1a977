import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { bodyLimit } from "hono/body-limit";
import { requireTenant, type AuthEnv } from "./auth";
import { errorBody, handleError } from "./errors";
import { historyRoutes } from "./routes/history";
import { jobRoutes } from "./routes/jobs";
import { settingsRoutes } from "./routes/settings";
import { profileRoutes } from "./routes/profiles";
import { versionRoutes } from "./routes/versions";

/** JSON bodies are small; audio and archives travel through presigned URLs, never through here. */
const JSON_BODY_LIMIT = 1024 * 1024;

const app = new OpenAPIHono<AuthEnv>();

app.onError(handleError);
app.notFound((c) => c.json(errorBody(`No route for ${c.req.method} ${c.req.path}.`, "route.not_found"), 404));

app.get("/health", (c) => c.json({ status: "ok" }, 200));

for (const path of ["/profiles", "/profiles/*", "/history", "/history/*", "/jobs/*", "/settings"]) {
  app.use(
    path,
    requireTenant,
    bodyLimit({
      maxSize: JSON_BODY_LIMIT,
      onError: (c) => c.json(errorBody(`The request body exceeds ${JSON_BODY_LIMIT} bytes.`, "request.too_large"), 413),
    }),
  );
}

const routes = app
  .route("/profiles", profileRoutes)
  .route("/history", historyRoutes)
  .route("/history", versionRoutes)
  .route("/jobs", jobRoutes)
  .route("/settings", settingsRoutes);

app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
app.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "Sonna History API",
    version: "1.0.0",
    description: "The history of every clip a text-to-speech studio generates: text, voice profile, settings and audio.",
  },
  security: [{ bearer: [] }],
});
app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "Sonna History API" }));

export type AppType = typeof routes;
export { app };
