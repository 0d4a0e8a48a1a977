/**
 * Local-stack tokens: HS256, signed with the stack's own secret (SONNA_JWT_SECRET). Deployed,
 * API Gateway's JWT authorizer verifies the identity provider's tokens instead, and the app reads
 * the claims it passes on (packages/functions/src/auth.ts); ./gateway.ts plays that part here.
 */
import { jwtVerify, SignJWT, type JWTPayload } from "jose";

/** Issuer and audience of tokens signed with the local stack's secret. */
export const LOCAL_ISSUER = "sonna-local";
export const LOCAL_AUDIENCE = "sonna-history";

const MAX_SUBJECT_CHARS = 256;

/** The claims of a valid local token; throws on anything else (bad signature, issuer, audience, expiry, subject). */
export async function verifyLocalToken(secret: string, token: string): Promise<JWTPayload & { sub: string }> {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    algorithms: ["HS256"],
    requiredClaims: ["sub", "exp"],
  });
  const sub = payload.sub;
  if (typeof sub !== "string" || sub.length === 0 || sub.length > MAX_SUBJECT_CHARS) throw new Error("token subject is empty or too long");
  return { ...payload, sub };
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
