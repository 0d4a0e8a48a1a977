/**
 * The HTTP API events tests and the cold-start bench hand to Lambda handlers: a route behind the
 * JWT authorizer gets the token's claims in `requestContext.authorizer.jwt`, as strings, beside the
 * Authorization header API Gateway forwards.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { LOCAL_AUDIENCE, LOCAL_ISSUER, signLocalToken } from "@sonna/local/tokens";
import { httpApiEvent, tokenClaims } from "@sonna/local/http-api-event";

type Event = { headers: Record<string, string>; requestContext: { authorizer?: { jwt: { claims: Record<string, string>; scopes: null } } } };

test("claims ride in requestContext.authorizer.jwt as API Gateway passes them, the token in the header", async () => {
  const token = await signLocalToken("a-secret-of-enough-length-for-hs256", "tenant-a", { expiresIn: "1h" });
  const event = httpApiEvent("GET", "/history", { token, claims: tokenClaims(token) }) as Event;
  const claims = event.requestContext.authorizer!.jwt.claims;
  assert.equal(event.headers.authorization, `Bearer ${token}`);
  assert.deepEqual(Object.keys(claims).sort(), ["aud", "exp", "iat", "iss", "sub"]);
  assert.equal(claims.sub, "tenant-a");
  assert.equal(claims.iss, LOCAL_ISSUER);
  assert.equal(claims.aud, LOCAL_AUDIENCE);
  assert.match(claims.exp!, /^\d+$/);
  assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
  assert.equal(event.requestContext.authorizer!.jwt.scopes, null);
});

test("a list claim is passed as API Gateway writes it, and no claims means no authorizer", () => {
  const event = httpApiEvent("GET", "/history", { claims: { sub: "t", aud: ["one", "two"] } }) as Event;
  assert.equal(event.requestContext.authorizer!.jwt.claims.aud, "[one two]");
  assert.equal((httpApiEvent("GET", "/health") as Event).requestContext.authorizer, undefined);
});
