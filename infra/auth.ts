/**
 * How callers reach and authenticate to the API.
 *
 * The identity provider's issuer and audience are not sensitive, but they differ per stage (each
 * stage may point at its own IdP tenant) and must never silently fall back to a default: an API
 * with a wrong audience accepts the wrong tokens. `sst.Secret` without a placeholder gives both:
 * values are set per stage with `sst secret set JwtIssuer ...` (or `--fallback` for PR stages)
 * without a code change, and a deploy fails with "Set a value for ..." when one is missing. The
 * API's JWT authorizer (infra/api.ts) checks tokens against them; it finds the signing keys
 * itself, through the issuer's OIDC discovery document, so no key URL is configured.
 */
export const jwtIssuer = new sst.Secret("JwtIssuer");
export const jwtAudience = new sst.Secret("JwtAudience");

/**
 * Browser origins allowed to call the API and to use presigned bucket URLs, from
 * SONNA_ALLOWED_ORIGINS (comma-separated) at deploy time. "*" is the default because requests
 * carry their credential (a bearer token or a presigned signature), never cookies, so CORS adds
 * no protection beyond what those already give.
 */
export const allowedOrigins: string[] = (process.env.SONNA_ALLOWED_ORIGINS ?? "*")
  .split(",")
  .map((origin) => origin.trim())
  .filter((origin) => origin.length > 0);
