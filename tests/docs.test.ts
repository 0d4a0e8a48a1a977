/**
 * The API reference (/docs) as a person opens it: Debian's headless Chromium, driven by
 * playwright-core, loads the page from the local API and must render the operations with nothing
 * from any other host. Every request the page makes is recorded; one for another host is aborted
 * before it leaves the machine, and fails the test.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { referenceScriptFile } from "../infra/bundle";
import { isLoopbackHost, startApi, type Api } from "./support/server";

/** Debian's `chromium` package (.ci/run installs it); Playwright downloads no browser here. */
const CHROMIUM = "/usr/bin/chromium";
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

let api: Api;
let browser: Browser;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  api = await startApi();
  browser = await chromium.launch({ executablePath: CHROMIUM });
});
after(async () => {
  await browser?.close();
  await api?.close();
});

/** The path of the reference's script, as the page names it. */
async function scriptPath(): Promise<string> {
  const html = await (await api.request("/docs")).text();
  const path = html.match(/<script src="([^"]+)"/)?.[1] ?? "";
  assert.match(path, /^\/docs\/assets\//, "the page loads its script from us");
  return path;
}

test("the page renders every operation group and an operation's details, and asks no other host for anything", async () => {
  const doc = (await api.json("/openapi.json")).body;
  const list = doc.paths["/history"].get;
  const context = await browser.newContext();
  const requested: string[] = [];
  const offMachine: string[] = [];
  context.on("request", (request) => requested.push(request.url()));
  await context.route(
    (url) => url.protocol.startsWith("http") && !isLoopbackHost(url.hostname),
    (route) => {
      offMachine.push(route.request().url());
      return route.abort();
    },
  );
  const page = await context.newPage();
  page.on("websocket", (socket) => offMachine.push(socket.url()));
  try {
    await page.goto(`${api.baseUrl}/docs`);
    for (const tag of new Set(Object.values(doc.paths).flatMap((item: any) => Object.values(item).flatMap((op: any) => op.tags ?? [])))) {
      await page.getByText(tag as string, { exact: true }).first().waitFor({ timeout: 60_000 });
    }
    // Groups after the first start closed: open the one with GET /history, as a reader would.
    await page.getByText(list.tags[0], { exact: true }).first().click();
    await page.getByText(list.summary, { exact: true }).first().waitFor();
    await page.getByText("/history/{id}/complete", { exact: true }).first().waitFor();
    await page.waitForLoadState("networkidle");
  } finally {
    await context.close();
  }
  assert.deepEqual(offMachine, [], `requests for other hosts (all: ${requested.join(", ")})`);
  assert.ok(requested.some((url) => url.endsWith("/openapi.json")), "the page read the document");
});

test("the script is the installed package's, gzip-encoded for clients that take it, whole for others, cacheable for good", async () => {
  const installed = readFileSync(`${repoRoot}/${referenceScriptFile}`);
  const path = await scriptPath();
  // fetch asks for gzip and decodes it.
  const gzipped = await api.request(path);
  assert.equal(gzipped.status, 200);
  assert.equal(gzipped.headers.get("content-encoding"), "gzip");
  assert.match(gzipped.headers.get("content-type") ?? "", /^text\/javascript/);
  assert.equal(gzipped.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(gzipped.headers.get("vary"), "Accept-Encoding");
  assert.ok(installed.equals(Buffer.from(await gzipped.arrayBuffer())), "gzip decodes to the installed script");

  const whole = await api.request(path, { headers: { "accept-encoding": "identity" } });
  assert.equal(whole.headers.get("content-encoding"), null);
  assert.ok(installed.equals(Buffer.from(await whole.arrayBuffer())));

  assert.equal((await api.request("/docs/assets/scalar-0000000000000000.js")).status, 404);
});
