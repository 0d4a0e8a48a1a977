/**
 * The OpenAPI 3.1 document, written by hono-openapi from the routes' own `describe` and
 * `validate` declarations (./openapi.ts). Imported only when /openapi.json is asked for, so the
 * schema converters never weigh on a cold start.
 */
import type { Hono } from "hono";
import { generateSpecs } from "hono-openapi";

export function openApiDocument<A extends Hono<any, any, any>>(app: A) {
  return generateSpecs(app, {
    documentation: {
      openapi: "3.1.0",
      info: {
        title: "Sonna History API",
        version: "1.0.0",
        description: "The history of every clip a text-to-speech studio generates: text, voice profile, settings and audio.",
      },
      security: [{ bearer: [] }],
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
    },
    // Our 400 is declared by each route, with our error body.
    defaultValidationErrorResponse: false,
    exclude: ["/openapi.json"],
  } as Parameters<typeof generateSpecs>[1]);
}
