// Real HTTP against the app, served on a free port, backed by the runner's local stack.
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { localGateway } from "@sonna/local/gateway";
import { listen } from "@sonna/local/serve";
import { signLocalToken } from "@sonna/local/tokens";
import { loadContract, type Contract } from "./contract";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
/** Whether a URL's host (`new URL(...).hostname`) or a listening address is this machine's loopback. */
export const isLoopbackHost = (host: string) => LOOPBACK_HOSTS.has(host);
const ENDPOINT_VARIABLES = ["SONNA_DYNAMODB_ENDPOINT", "SONNA_S3_ENDPOINT"] as const;

/** Throws unless both endpoints are set and local: tests must never reach real AWS. */
export function assertLoopbackEnv(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of ENDPOINT_VARIABLES) {
    const value = env[name];
    let host: string | undefined;
    try {
      host = value ? new URL(value).hostname : undefined;
    } catch {
      host = undefined;
    }
    if (!host || !isLoopbackHost(host)) {
      throw new Error(`${name} is ${value ? `"${value}"` : "unset"}; tests only run against a loopback endpoint.`);
    }
  }
}

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Client {
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Sends `body` (if any) as JSON and parses the reply (JSON, else text, else null). */
  json<T = any>(path: string, init?: Omit<RequestInit, "body"> & { body?: unknown }): Promise<JsonResponse<T>>;
}

export interface Api extends Client {
  baseUrl: string;
  close(): Promise<void>;
}

export interface Tenant extends Client {
  /** The token's subject, i.e. the tenant id. */
  id: string;
  token: string;
}

let contract: Promise<Contract> | undefined;

/**
 * The API's contract: the document the app serves, written in this process (every API a test
 * talks to, a killed victim's included, serves this same app), loaded once.
 */
const contractOf = () =>
  (contract ??= import("@sonna/functions/app").then(async ({ app }) => loadContract(await (await app.request("/openapi.json")).json())));

/** Every response the client receives is checked against the API's own document (./contract.ts). */
async function checked(url: URL, init: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  // A followed redirect's answer comes from the bucket, not from the API.
  if (response.redirected) return response;
  const body = await response.clone().text();
  (await contractOf()).check(init.method ?? "GET", url.pathname, response.status, response.headers.get("content-type"), body);
  return response;
}

function client(baseUrl: string, headers: Record<string, string> = {}): Client {
  const request = (path: string, init: RequestInit = {}) => {
    const merged = new Headers(init.headers);
    for (const [name, value] of Object.entries(headers)) if (!merged.has(name)) merged.set(name, value);
    return checked(new URL(path, baseUrl), { ...init, headers: merged });
  };
  return {
    request,
    async json(path, init = {}) {
      const { body, ...rest } = init;
      const merged = new Headers(rest.headers);
      merged.set("accept", "application/json");
      if (body !== undefined) merged.set("content-type", "application/json");
      const response = await request(path, {
        ...rest,
        headers: merged,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return toJson(response);
    },
  };
}

/** A fetch Response read whole: its body parsed as JSON when it says so, else text, else null. */
export async function toJson<T = any>(res: Response): Promise<JsonResponse<T>> {
  const text = await res.text();
  let body: unknown = text.length > 0 ? text : null;
  if (text.length > 0 && res.headers.get("content-type")?.includes("json")) body = JSON.parse(text);
  return { status: res.status, body: body as T, headers: res.headers };
}

let current: Api | undefined;

/** Serves the app on a free loopback port; `close()` when the test file is done. */
export async function startApi(): Promise<Api> {
  if (process.env.SONNA_TEST_STACK !== "1") {
    throw new Error("SONNA_TEST_STACK is not set: run tests through `npm test` (tests/support/run.ts).");
  }
  assertLoopbackEnv();
  // Imported only now, because the app reads its configuration from the environment on import.
  const { app } = await import("@sonna/functions/app");
  const secret = process.env.SONNA_JWT_SECRET;
  if (!secret) throw new Error("SONNA_JWT_SECRET is not set: run tests through `npm test`.");
  const server = await listen(localGateway(app, secret), 0, "127.0.0.1");
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api: Api = {
    ...client(baseUrl),
    baseUrl,
    close: () =>
      new Promise<void>((done) => {
        if (current === api) current = undefined;
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
  current = api;
  return api;
}

/** A fresh tenant with a valid token, talking to `api` (default: the last one started). */
export async function tenant(api: Pick<Api, "baseUrl"> | undefined = current, id = `t-${randomUUID()}`): Promise<Tenant> {
  if (!api) throw new Error("tenant() needs a running API: call startApi() first.");
  const secret = process.env.SONNA_JWT_SECRET;
  if (!secret) throw new Error("SONNA_JWT_SECRET is not set: run tests through `npm test`.");
  const token = await signLocalToken(secret, id, { expiresIn: "1h" });
  return { id, token, ...client(api.baseUrl, { authorization: `Bearer ${token}` }) };
}
