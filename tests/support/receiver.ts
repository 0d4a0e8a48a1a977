// A webhook receiver on a loopback port: records every request and answers as the test says.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  json: any;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Waits this long before answering. */
  delayMs?: number;
}

export class Receiver {
  readonly received: Received[] = [];
  /** TCP connections accepted, whatever came over them. */
  connections = 0;
  /** How to answer the n-th request (0 first) to a path; 204 unless told. */
  answer: (request: Received, n: number) => Answer = () => ({ status: 204 });

  private constructor(private readonly server: Server) {
    server.on("connection", () => this.connections++);
  }

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on("request", (request: IncomingMessage, response) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => (body += chunk));
      request.on("end", async () => {
        const received: Received = {
          path: request.url ?? "",
          headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])),
          body,
          json: body ? JSON.parse(body) : null,
        };
        const n = receiver.received.filter((r) => r.path === received.path).length;
        receiver.received.push(received);
        const answer = receiver.answer(received, n);
        if (answer.delayMs) await sleep(answer.delayMs);
        if (!response.destroyed) response.writeHead(answer.status, answer.headers).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = "/hook"): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Waits until `done` holds for what `path` received (15 s at most), and answers those requests. */
  async waitFor(path: string, done: (received: Received[]) => boolean, what = "the expected requests"): Promise<Received[]> {
    const deadline = Date.now() + 15_000;
    while (!done(this.at(path))) {
      assert.ok(Date.now() < deadline, `${path} did not receive ${what}; got ${JSON.stringify(this.at(path).map((r) => r.json?.type))}`);
      await sleep(25);
    }
    return this.at(path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
