/**
 * HTTP API (payload format 2.0) events as API Gateway builds them for the `$default` route, for
 * tests that drive a Lambda handler directly.
 */
import { randomUUID } from "node:crypto";

const API_ID = "a1b2c3d4e5";
const DOMAIN = `${API_ID}.execute-api.us-east-1.amazonaws.com`;
const SOURCE_IP = "203.0.113.7";
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) sonna-lambda-test";

/** A JWT's payload as issued (`sub`, `iss`, `aud`, `exp`, `iat`, ...), unverified: what a JWT authorizer would have checked. */
export function tokenClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (!payload) throw new Error("not a JWT: no payload segment");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

/**
 * Claims as a JWT authorizer hands them to the function: every value a string (numbers such as
 * `exp` in decimal, arrays such as a list `aud` as `[a b]`), whatever its type in the token.
 */
const authorizerClaims = (claims: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(claims).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(" ")}]` : typeof value === "object" && value !== null ? JSON.stringify(value) : String(value),
    ]),
  );

export interface EventOptions {
  /** The verified claims a JWT authorizer passes on (`sub` is the tenant); none for a public route. */
  claims?: Record<string, unknown>;
  /** Sent as the Authorization header; the function itself never reads it. */
  token?: string;
  json?: unknown;
  /** A raw body, always base64-encoded as HTTP APIs encode binary content. */
  binary?: { contentType: string; bytes: Uint8Array };
  /** Base64-encode the JSON body too. */
  base64?: boolean;
  /** Added to a browser-like set of headers. */
  headers?: Record<string, string>;
}

/**
 * Lower-cased headers, the query string both raw and parsed, the authorizer's claims, and a body
 * that is base64-encoded when binary (HTTP APIs do that for any content they treat as binary).
 */
export function httpApiEvent(method: string, target: string, options: EventOptions = {}): Record<string, unknown> {
  const url = new URL(target, `https://${DOMAIN}`);
  const now = new Date();
  const text = options.json === undefined ? undefined : JSON.stringify(options.json);
  const body = options.binary
    ? Buffer.from(options.binary.bytes)
    : text === undefined
      ? undefined
      : Buffer.from(text);
  const base64 = Boolean(options.binary || options.base64);
  const headers: Record<string, string> = {
    accept: "application/json",
    host: DOMAIN,
    "user-agent": USER_AGENT,
    "x-amzn-trace-id": `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replace(/-/g, "").slice(0, 24)}`,
    "x-forwarded-for": SOURCE_IP,
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https",
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  Object.assign(headers, options.headers);
  if (body !== undefined) {
    headers["content-type"] = options.binary?.contentType ?? "application/json";
    headers["content-length"] = String(body.length);
  }
  const query = url.search.slice(1);
  const event = {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: query,
    headers,
    ...(query ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    requestContext: {
      accountId: "123456789012",
      apiId: API_ID,
      // Our tokens carry no `scope` claim, so there are no scopes to pass.
      ...(options.claims ? { authorizer: { jwt: { claims: authorizerClaims(options.claims), scopes: null } } } : {}),
      domainName: DOMAIN,
      domainPrefix: API_ID,
      http: { method, path: url.pathname, protocol: "HTTP/1.1", sourceIp: SOURCE_IP, userAgent: USER_AGENT },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: base64 && body !== undefined,
    ...(body === undefined ? {} : { body: base64 ? body.toString("base64") : text }),
  };
  return event;
}
