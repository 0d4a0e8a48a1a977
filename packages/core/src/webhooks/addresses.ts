/**
 * Where webhooks may go. Only public unicast addresses: ipaddr.js names every special range, and
 * anything it does not call `unicast` is refused (loopback, private, link-local with the cloud
 * metadata address, CGNAT, reserved and documentation ranges, broadcast, multicast, unspecified;
 * for IPv6 also unique-local, v4-mapped, NAT64, 6to4, Teredo and the rest), whatever address a
 * translation range embeds. IPv6 must further be global unicast (2000::/3), which leaves out the
 * deprecated v4-compatible `::a.b.c.d` that ipaddr.js calls unicast. The local stack's switch adds
 * loopback, and nothing else.
 */
import ipaddr from "ipaddr.js";
import { VisibleError } from "../errors";

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

/** Why an address is refused (its range's name), or undefined when it may be connected to. */
export function refusedRange(address: string, allowLoopback: boolean): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return "unparsable";
  }
  const range = parsed.range();
  if (range === "loopback" && allowLoopback) return undefined;
  if (range !== "unicast") return range;
  if (parsed.kind() === "ipv6" && !parsed.match(GLOBAL_UNICAST_V6)) return "not global unicast";
  return undefined;
}

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, "");

/** A host that is an IP literal (`new URL(...).hostname`, brackets and all): its address. */
export const literalAddress = (hostname: string): string | undefined => (ipaddr.isValid(bare(hostname)) ? bare(hostname) : undefined);

const isLocalhostName = (hostname: string) => hostname === "localhost" || hostname.endsWith(".localhost");

const forbidden = (detail: string) => new VisibleError(422, "webhook.url_forbidden", detail);

/**
 * The rules a URL must meet when it is registered: https, no user name or password, and a host
 * that is not an IP literal in a refused range (nor `localhost`). A host name's addresses are
 * checked at every delivery, because they can change after this.
 */
export function checkWebhookUrl(raw: string, allowLoopback: boolean): URL {
  const url = new URL(raw);
  const address = literalAddress(url.hostname);
  const loopbackHost = address ? ipaddr.parse(address).range() === "loopback" : isLocalhostName(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && allowLoopback && loopbackHost)) {
    throw forbidden(`Webhook URLs must use https, not ${url.protocol.replace(/:$/, "")}.`);
  }
  if (url.username || url.password) throw forbidden("Webhook URLs must not carry a user name or password.");
  if (address) {
    const range = refusedRange(address, allowLoopback);
    if (range) throw forbidden(`${address} is not a public address (${range}); webhooks only go to public addresses.`);
  } else if (loopbackHost && !allowLoopback) {
    throw forbidden(`${url.hostname} is this machine; webhooks only go to public addresses.`);
  }
  return url;
}
