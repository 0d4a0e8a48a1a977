import { getSettings, putSettings } from "@sonna/core/settings/service";
import { SettingsPut, SettingsSchema } from "@sonna/core/shapes/settings";
import { bodyErrors, commonErrors, describe, jsonContent, router, validate } from "../openapi";

const tags = ["Settings"];

export const settingsRoutes = router()
  .get(
    "/",
    describe({ tags, summary: "Retention and storage quotas", responses: { 200: jsonContent(SettingsSchema, "The caller's settings."), ...commonErrors } }),
    async (c) => c.json(await getSettings(c.get("tenant")), 200),
  )
  .put(
    "/",
    describe({ tags, summary: "Replace retention and storage quotas", responses: { 200: jsonContent(SettingsSchema, "The new settings."), ...commonErrors, ...bodyErrors() } }),
    validate("json", SettingsPut),
    async (c) => c.json(await putSettings(c.get("tenant"), c.req.valid("json")), 200),
  );
