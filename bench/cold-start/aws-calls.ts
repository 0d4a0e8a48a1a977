// A loopback proxy in front of the bench stack's DynamoDB Local and s3rver that names every AWS
// call passing through it, so the first-request table can show (and check) that a route and its
// floor made the same calls, and that the calls really reached a service.
import { Agent, createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface AwsCall {
  /** The operation: DynamoDB's from X-Amz-Target, S3's from the method and headers (a ranged GET says its range). */
  name: string;
  status: number;
  /** Bytes of the response body: the same items read give the same count. */
  bytes: number;
}

export interface CallRecorder {
  /** SONNA_DYNAMODB_ENDPOINT and SONNA_S3_ENDPOINT pointing at the proxies. */
  env: Record<string, string>;
  /** The calls since the last take, in the order they arrived. */
  take(): AwsCall[];
  stop(): Promise<void>;
}

function s3Operation(req: IncomingMessage): string {
  const query = new URL(req.url ?? "/", "http://s3").searchParams;
  if (req.method === "HEAD") return "HeadObject";
  if (req.method === "GET") return req.headers.range ? `GetObject (${req.headers.range})` : "GetObject";
  if (req.method === "PUT") return req.headers["x-amz-copy-source"] ? "CopyObject" : "PutObject";
  if (req.method === "POST" && query.has("delete")) return "DeleteObjects";
  if (req.method === "DELETE") return "DeleteObject";
  return `S3 ${req.method} ${req.url}`;
}

const dynamoOperation = (req: IncomingMessage) => String(req.headers["x-amz-target"] ?? "DynamoDB ?").split(".").pop()!;

export async function recordAwsCalls(upstream: { SONNA_DYNAMODB_ENDPOINT: string; SONNA_S3_ENDPOINT: string }): Promise<CallRecorder> {
  let calls: AwsCall[] = [];
  const agent = new Agent({ keepAlive: true });
  const proxy = (target: string, operation: (req: IncomingMessage) => string) =>
    new Promise<Server>((listening) => {
      const { hostname, port } = new URL(target);
      const server = createServer((req, res) => {
        const call: AwsCall = { name: operation(req), status: 0, bytes: 0 };
        calls.push(call);
        const forward = request({ agent, hostname, port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          call.status = answer.statusCode ?? 0;
          res.writeHead(call.status, answer.headers);
          answer.on("data", (chunk: Buffer) => (call.bytes += chunk.length));
          answer.pipe(res);
        });
        forward.on("error", (error) => res.destroy(error));
        req.pipe(forward);
      });
      server.listen(0, "127.0.0.1", () => listening(server));
    });
  const servers = await Promise.all([proxy(upstream.SONNA_DYNAMODB_ENDPOINT, dynamoOperation), proxy(upstream.SONNA_S3_ENDPOINT, s3Operation)]);
  const [dynamo, s3] = servers.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return {
    env: { SONNA_DYNAMODB_ENDPOINT: dynamo!, SONNA_S3_ENDPOINT: s3! },
    take: () => {
      const taken = calls;
      calls = [];
      return taken;
    },
    stop: async () => {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((closed) => server.close(closed))));
      agent.destroy();
    },
  };
}
