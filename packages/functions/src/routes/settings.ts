import { createRoute } from "@hono/zod-openapi";
import { getSettings, putSettings } from "@sonna/core/settings/service";
import { commonErrors, jsonBody, jsonContent, router } from "../openapi";
import { SettingsPut, SettingsSchema } from "../schemas";

const tags = ["Settings"];

export const settingsRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Retention and storage quotas",
      responses: { 200: jsonContent(SettingsSchema, "The caller's settings."), ...commonErrors },
    }),
    async (c) => c.json(await getSettings(c.get("tenant")), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/",
      tags,
      summary: "Replace retention and storage quotas",
      request: { body: jsonBody(SettingsPut) },
      responses: { 200: jsonContent(SettingsSchema, "The new settings."), ...commonErrors },
    }),
    async (c) => c.json(await putSettings(c.get("tenant"), c.req.valid("json")), 200),
  );
