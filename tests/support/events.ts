// Feeding the S3 event handler (packages/functions/src/upload-events.ts) in-process, as S3 (or
// s3rver under `npm start`) would after a PUT.

/** The key a presigned URL names (path-style: /bucket/key). */
export const keyOfUrl = (url: string): string => decodeURIComponent(new URL(url).pathname).split("/").slice(2).join("/");

/** One ObjectCreated:Put record for `key`, with the key URL-encoded as S3 writes it. */
export async function notifyCreated(key: string): Promise<void> {
  // Imported only now: the handler's module graph reads the stack's environment.
  const { handler } = await import("@sonna/functions/upload-events");
  await handler({ Records: [{ eventName: "ObjectCreated:Put", s3: { object: { key: key.split("/").map(encodeURIComponent).join("/") } } }] });
}
