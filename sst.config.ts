/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  app(input) {
    return {
      name: "sonna-history",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
      home: "aws",
      // Pinned: the state and every stateful resource live in this region, and changing it
      // would replace them.
      providers: { aws: { region: "us-east-1" } },
    };
  },
  async run() {
    await import("./infra/auth");
    const { table } = await import("./infra/table");
    const { bucket } = await import("./infra/bucket");
    // Downloads in FLAC, MP3 and Opus: the one function that carries ffmpeg.
    await import("./infra/transcode");
    const { api } = await import("./infra/api");
    // S3 ObjectCreated notifications: uploads complete their generation or version, archives
    // run their import, even when the client dies after its PUT.
    await import("./infra/uploads");
    await import("./infra/imports");
    await import("./infra/notifications");
    // The jobs queue and its worker, and the daily sweep that queues retention and reconcile jobs.
    await import("./infra/jobs");
    // Webhook deliveries: their queue and worker, and the minute sweep that makes up lost messages.
    await import("./infra/webhooks");
    return {
      api: api.url,
      table: table.name,
      bucket: bucket.name,
    };
  },
});
