import { SonnaFileError } from "./errors.js";

/** What `upload` and `importArchive` take: bytes, a Blob (or File), a stream, or (Node) a file path. */
export type ByteSource = Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | string;

/** Bytes sent so far and the total. */
export type Progress = (sent: number, total: number) => void;

/**
 * The source as a Blob, which knows its size (a presigned PUT needs a Content-Length) and can be
 * read again for a retry. A file path opens lazily (`fs.openAsBlob`); a stream is read into memory.
 */
export async function toBlob(source: ByteSource): Promise<Blob> {
  if (source instanceof Blob) return source;
  if (typeof source === "string") {
    const { openAsBlob } = await import("node:fs");
    const { stat } = await import("node:fs/promises");
    // openAsBlob's own error names neither the path nor why.
    const file = await stat(source).catch((error: unknown) => {
      throw new SonnaFileError(source, error);
    });
    if (!file.isFile()) throw new SonnaFileError(source, new Error("not a file"));
    return openAsBlob(source);
  }
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return new Blob([source]);
  const chunks: Uint8Array[] = [];
  if (Symbol.asyncIterator in source) for await (const chunk of source) chunks.push(chunk);
  else for await (const chunk of readChunks(source)) chunks.push(chunk);
  return new Blob(chunks);
}

async function* readChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";

/**
 * A PUT of `blob` to a presigned URL that reports progress as the bytes go out. Node's fetch
 * streams a body with the Content-Length given; browsers' fetch cannot, so there the Blob goes whole
 * and progress is reported when it is sent.
 */
export function putBlob(fetchImpl: typeof fetch, url: string, headers: Record<string, string>, blob: Blob, onProgress?: Progress): Promise<Response> {
  if (!onProgress || !isNode) {
    return fetchImpl(url, { method: "PUT", headers, body: blob }).then((response) => {
      if (response.ok) onProgress?.(blob.size, blob.size);
      return response;
    });
  }
  const counted = blob.stream().pipeThrough(counting(blob.size, onProgress).stream);
  return fetchImpl(url, {
    method: "PUT",
    headers: { ...headers, "content-length": String(blob.size) },
    body: counted,
    duplex: "half",
  } as RequestInit);
}

/** Passes bytes through, counting them (`sent()`) and telling `onProgress` the count out of `total`. */
export function counting(total: number | undefined, onProgress?: Progress) {
  let sent = 0;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      sent += chunk.byteLength;
      onProgress?.(sent, total ?? sent);
      controller.enqueue(chunk);
    },
  });
  return { stream, sent: () => sent };
}
