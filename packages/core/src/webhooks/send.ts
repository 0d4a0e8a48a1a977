/**
 * One POST to an endpoint, connecting only to checked addresses. A host name is resolved by the
 * settings' resolver inside the socket's own lookup, and every address it answers must pass
 * `refusedRange` before any is used, so what was checked is exactly what is connected to: a name
 * that resolves elsewhere later (DNS rebinding) is checked again then. An IP literal skips lookup,
 * so it is checked here first. Redirects are never followed (node:http does not follow them): a
 * 3xx is an answer like any other non-2xx.
 */
import { createHmac } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { literalAddress, refusedRange } from "./addresses";
import { webhookSettings, type ResolvedAddress } from "./config";

/** `v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` keyed with the secret's bytes (Standard Webhooks). */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

export interface SendResult {
  status: number | null;
  error: string | null;
  duration_ms: number;
}

class AddressRefused extends Error {
  override name = "AddressRefused";
}

/** Every address must pass: one refused address refuses the host, so no mix of answers can lead anywhere unchecked. */
function checkAll(host: string, addresses: readonly string[]): void {
  if (addresses.length === 0) throw new AddressRefused(`${host} resolves to no address`);
  const allowLoopback = webhookSettings.allowLoopback();
  const refused = addresses.flatMap((address) => {
    const range = refusedRange(address, allowLoopback);
    return range ? [`${address} (${range})`] : [];
  });
  if (refused.length) throw new AddressRefused(`${host} resolves to ${refused.join(", ")}; webhooks only go to public addresses`);
}

/** The socket's lookup: resolve, check every address, hand over only checked ones. */
const checkedLookup: LookupFunction = (hostname, options, callback) => {
  webhookSettings.resolve(hostname).then(
    (found: ResolvedAddress[]) => {
      try {
        checkAll(hostname, found.map((a) => a.address));
      } catch (error) {
        return callback(error as NodeJS.ErrnoException, "", 0);
      }
      const usable = options.family ? found.filter((a) => a.family === options.family) : found;
      if (options.all) return callback(null, usable);
      const first = usable[0];
      if (!first) return callback(new AddressRefused(`${hostname} has no address of family ${options.family}`), "", 0);
      callback(null, first.address, first.family);
    },
    (error: NodeJS.ErrnoException) => callback(error, "", 0),
  );
};

const describe = (error: unknown, timedOut: boolean, timeoutMs: number): string => {
  if (timedOut) return `no answer within ${timeoutMs / 1000} s`;
  if (error instanceof AddressRefused) return `refused: ${error.message}`;
  const { code, message } = error as NodeJS.ErrnoException;
  return code ? `connection failed: ${code}` : `connection failed: ${message}`;
};

/**
 * POSTs `body` to `url` and reports the answer's status (a 2xx within the timeout is a delivery)
 * or why there was none. Never throws.
 */
export async function post(url: URL, headers: Record<string, string>, body: string): Promise<SendResult> {
  const started = performance.now();
  const timeoutMs = webhookSettings.timeoutMs;
  const finish = (status: number | null, error: string | null): SendResult => ({ status, error, duration_ms: Math.round(performance.now() - started) });
  const literal = literalAddress(url.hostname);
  try {
    if (literal) checkAll(literal, [literal]);
  } catch (error) {
    return finish(null, describe(error, false, timeoutMs));
  }
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    let timedOut = false;
    const request = send(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: checkedLookup,
        // A connection of its own for every try: nothing checked under other settings is reused.
        agent: false,
      },
      (response: IncomingMessage) => {
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        // Only the status counts: the body is not read.
        response.destroy();
        resolve(finish(status, status >= 200 && status < 300 ? null : `answered ${status}`));
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      request.destroy(new Error("timed out"));
    }, timeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      resolve(finish(null, describe(error, timedOut, timeoutMs)));
    });
    request.end(body);
  });
}
