/**
 * The only paths served without a token (besides CORS preflights, OPTIONS on any path). Deployed,
 * every other route sits behind API Gateway's JWT authorizer (infra/api.ts); locally,
 * packages/local/src/gateway.ts applies the same rule.
 */
export const PUBLIC_PATHS = ["/health", "/openapi.json", "/docs"] as const;

/** Whether `path` is public: one of PUBLIC_PATHS, or an asset under /docs/. */
export const isPublicPath = (path: string): boolean => (PUBLIC_PATHS as readonly string[]).includes(path) || path.startsWith("/docs/");
