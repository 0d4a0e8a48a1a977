import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from "jose";

/** Issuer and audience of tokens signed with the local stack's secret. */
export const LOCAL_ISSUER = "sonna-local";
export const LOCAL_AUDIENCE = "sonna-history";

export interface TokenVerifier {
  /** The tenant (`sub`) of a valid token; throws on anything else. */
  verify(token: string): Promise<string>;
}

const MAX_SUBJECT_CHARS = 256;

/** Verified tokens remembered per process, and for how long at most. */
const REMEMBERED_TOKENS = 1000;
const REMEMBER_MS = 60_000;

/**
 * A client sends the same token with every request, so a verified token's subject is remembered
 * until the token expires, for a minute at most (a key withdrawn from the JWKS stops being
 * honoured within that minute). Only exact token strings that verified are remembered; anything
 * else is checked in full every time.
 */
function verifierFor(key: Uint8Array | JWTVerifyGetKey, issuer: string, audience: string, algorithms: string[]): TokenVerifier {
  const remembered = new Map<string, { sub: string; until: number }>();
  return {
    async verify(token) {
      const known = remembered.get(token);
      if (known && known.until > Date.now()) return known.sub;
      remembered.delete(token);
      const { payload } = await jwtVerify(token, key as Uint8Array, { issuer, audience, algorithms, requiredClaims: ["sub", "exp"] });
      const sub = payload.sub;
      if (typeof sub !== "string" || sub.length === 0 || sub.length > MAX_SUBJECT_CHARS) {
        throw new Error("token subject is empty or too long");
      }
      // The oldest entry makes room: insertion order is a Map's iteration order.
      if (remembered.size >= REMEMBERED_TOKENS) remembered.delete(remembered.keys().next().value!);
      remembered.set(token, { sub, until: Math.min(payload.exp! * 1000, Date.now() + REMEMBER_MS) });
      return sub;
    },
  };
}

/**
 * Deployed: tokens from the configured identity provider, checked against its JWKS, issuer and
 * audience. Local: HS256 tokens signed with the stack's own secret (SONNA_JWT_SECRET).
 */
export function verifierFromEnv(env: NodeJS.ProcessEnv = process.env): TokenVerifier {
  if (env.SONNA_JWKS_URL) {
    if (!env.SONNA_JWT_ISSUER || !env.SONNA_JWT_AUDIENCE) {
      throw new Error("SONNA_JWKS_URL needs SONNA_JWT_ISSUER and SONNA_JWT_AUDIENCE");
    }
    const jwks = createRemoteJWKSet(new URL(env.SONNA_JWKS_URL));
    return verifierFor(jwks, env.SONNA_JWT_ISSUER, env.SONNA_JWT_AUDIENCE, ["RS256", "ES256", "PS256", "EdDSA"]);
  }
  if (env.SONNA_JWT_SECRET) {
    return verifierFor(new TextEncoder().encode(env.SONNA_JWT_SECRET), LOCAL_ISSUER, LOCAL_AUDIENCE, ["HS256"]);
  }
  throw new Error("No token verifier configured: set SONNA_JWKS_URL (deployed) or SONNA_JWT_SECRET (local)");
}

/** Signs a local-stack token; used by `npm run token`, the local runner and the tests. */
export async function signLocalToken(
  secret: string,
  subject: string,
  options: { expiresIn?: string | number; audience?: string; issuer?: string } = {},
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(subject)
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setAudience(options.audience ?? LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "30d")
    .sign(new TextEncoder().encode(secret));
}
