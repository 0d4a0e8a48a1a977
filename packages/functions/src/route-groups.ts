/**
 * The API's routes by path prefix. A group's code (its routes, schemas, zod, the token check, the
 * domain modules they import) loads on the first request under its prefix, so a cold start loads
 * the routes it serves and not the rest of the API (docs/decisions.md).
 */
import type { Hono } from "hono";
import type { AuthEnv } from "./auth";

export interface RouteGroup {
  prefix: string;
  /** The group's sub-apps, each mounted at `prefix`. */
  load: () => Promise<Hono<AuthEnv>[]>;
}

export const routeGroups: RouteGroup[] = [
  { prefix: "/profiles", load: async () => [(await import("./routes/profiles")).profileRoutes] },
  {
    prefix: "/history",
    load: async () => {
      const [history, versions, transfer] = await Promise.all([import("./routes/history"), import("./routes/versions"), import("./routes/transfer")]);
      return [history.historyRoutes, versions.versionRoutes, transfer.transferRoutes];
    },
  },
  { prefix: "/jobs", load: async () => [(await import("./routes/jobs")).jobRoutes] },
  { prefix: "/settings", load: async () => [(await import("./routes/settings")).settingsRoutes] },
  { prefix: "/maintenance", load: async () => [(await import("./routes/maintenance")).maintenanceRoutes] },
];

