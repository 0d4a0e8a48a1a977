// Our API as a Node server, in its own process: the load generator must not share its event loop.
// Prints "listening <port>" once it accepts connections on 127.0.0.1.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { decodeJwt } from "jose";
import { authorizedEnv } from "@sonna/local/gateway";
import { assertLoopback } from "../lib/stack";
import { enableProfiling } from "./profiler";

assertLoopback();
// Imported only after the check: the app builds its AWS clients from the environment on import.
const { app } = await import("@sonna/functions/app");
// Deployed, API Gateway's authorizer verifies the token before the function runs; like the
// baseline, this server reads the subject unverified and hands the app the claims as the event does.
const fetch = (request: Request) => {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  return app.fetch(request, token ? authorizedEnv(decodeJwt(token)) : {});
};
const server = await new Promise<Server>((done, fail) => {
  const listening = serve({ fetch, port: 0, hostname: "127.0.0.1" }, () => done(listening as Server)) as Server;
  listening.once("error", fail);
});
console.log(`listening ${(server.address() as AddressInfo).port}`);
enableProfiling();
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
