/**
 * The local HTTP server (@sonna/local/serve) with a client that keeps connections alive, as
 * browsers and SDKs do: an answer given before a large body has arrived must not cost the client
 * its next request on that connection.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import type { Socket } from "node:net";
import { startApi, tenant, type Api, type Tenant } from "./support/server";

let api: Api;
let alice: Tenant;
before(async () => {
  api = await startApi();
  alice = await tenant(api);
});
after(() => api?.close());

/** One request through `agent`, read whole, with the socket it went on. */
function send(agent: Agent, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer) {
  return new Promise<{ status: number; connection: string | undefined; socket: Socket }>((done, fail) => {
    const req = request(new URL(path, api.baseUrl), { method, agent, headers }, (res) => {
      res.resume();
      res.on("end", () => done({ status: res.statusCode!, connection: res.headers.connection, socket: req.socket! }));
    });
    req.on("error", fail);
    req.end(body);
  });
}

const MiB = 1024 * 1024;
const early = [
  // Over the 1 MiB JSON limit: refused on its Content-Length, before the body is read.
  { status: 413, contentType: "application/json", bytes: 2 * MiB },
  // Under the limit, but not JSON: refused on its Content-Type.
  { status: 415, contentType: "text/plain", bytes: 0.9 * MiB },
];

for (const { status, contentType, bytes } of early) {
  test(`after an early ${status} on a ${bytes / MiB} MiB body, the next request on a keep-alive agent succeeds`, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = Buffer.alloc(bytes, " ");
      const first = await send(agent, "POST", "/profiles", { authorization: `Bearer ${alice.token}`, "content-type": contentType }, body);
      assert.equal(first.status, status);
      assert.equal(first.connection, "close", "the answer says the connection will not be reused");
      assert.equal((await send(agent, "GET", "/health")).status, 200);
    } finally {
      agent.destroy();
    }
  });
}

test("a request whose body was read keeps its connection for the next one", async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const body = Buffer.from(JSON.stringify({ name: "Narrator" }));
    const first = await send(agent, "POST", "/profiles", { authorization: `Bearer ${alice.token}`, "content-type": "application/json" }, body);
    assert.equal(first.status, 201);
    assert.equal(first.connection, "keep-alive");
    const second = await send(agent, "GET", "/health");
    assert.equal(second.status, 200);
    assert.equal(second.socket, first.socket, "the second request reused the connection");
  } finally {
    agent.destroy();
  }
});
