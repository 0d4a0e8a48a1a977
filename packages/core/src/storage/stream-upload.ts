import { once } from "node:events";
import { PassThrough } from "node:stream";
import { Upload } from "@aws-sdk/lib-storage";
import { s3 } from "./client";
import { bucketName } from "../resources";

export interface StreamUpload {
  /** Resolves once the chunk is buffered; waits while the upload is behind (backpressure). */
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the body and waits for the object to exist. */
  end(): Promise<void>;
  /** Abandons the upload (its multipart parts are aborted). */
  abort(): Promise<void>;
}

/** Parts of 8 MiB, two in flight: memory stays around 16 MiB per upload whatever the size. */
export function streamUpload(key: string, contentType = "audio/wav"): StreamUpload {
  const body = new PassThrough({ highWaterMark: 1024 * 1024 });
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucketName(), Key: key, Body: body, ContentType: contentType },
    partSize: 8 * 1024 * 1024,
    queueSize: 2,
    leavePartsOnError: false,
  });
  const done = upload.done();
  // Surfaces an upload failure to a writer waiting for 'drain' instead of leaving it hanging.
  const failed = done.then(
    () => new Promise<never>(() => {}),
    (error: unknown) => Promise.reject(error),
  );
  failed.catch(() => {});
  return {
    async write(chunk) {
      if (!body.write(chunk)) await Promise.race([once(body, "drain"), failed]);
    },
    async end() {
      body.end();
      await done;
    },
    async abort() {
      body.destroy();
      await upload.abort().catch(() => {});
      await done.catch(() => {});
    },
  };
}
