// The app on a local port through @hono/node-server, as `npm start` and the tests serve it.
import type { Server } from "node:http";
import { serve, type Http2Bindings, type HttpBindings } from "@hono/node-server";

type Bindings = HttpBindings | Http2Bindings;
type Fetch = (request: Request, env: Bindings) => Response | Promise<Response>;

/**
 * Serves `fetch` on `hostname:port`, resolving once it listens. An answer given before the request's
 * body has all arrived (a 413 or 415 on a large body) says `Connection: close`. node-server would
 * say keep-alive and then try to drain the rest of the body, but once the app has touched the body
 * stream (the body limit does) the unread stream holds the socket paused, the drain gives up after
 * 500 ms and closes the socket, and the client's next request on it is lost.
 */
export function listen(fetch: Fetch, port: number, hostname: string): Promise<Server> {
  const closingEarlyAnswers = async (request: Request, env: Bindings) => {
    const response = await fetch(request, env);
    if (!env.incoming.complete) env.outgoing.setHeader("Connection", "close");
    return response;
  };
  return new Promise((done, fail) => {
    const server = serve({ fetch: closingEarlyAnswers, port, hostname }, () => done(server)) as Server;
    server.once("error", fail);
  });
}
