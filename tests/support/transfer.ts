// Export and import helpers over real HTTP: download a link, export a generation as a ZIP, import a
// ZIP in the request or through the large flow, add a processed version.
import assert from "node:assert/strict";
import { strFromU8, unzipSync } from "fflate";
import { uploadAudio, type Upload } from "./fixtures";
import { toJson, type Client, type JsonResponse } from "./server";

export const sameBytes = (a: Uint8Array, b: Uint8Array, what: string) => {
  assert.equal(a.length, b.length, `${what}: length`);
  assert.ok(Buffer.from(a).equals(Buffer.from(b)), `${what}: bytes differ`);
};

export async function fetchBytes(url: string): Promise<{ res: Response; bytes: Uint8Array }> {
  const res = await fetch(url);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.equal(res.status, 200, `GET ${url}: ${res.status} ${Buffer.from(bytes).toString("utf8", 0, 300)}`);
  return { res, bytes };
}

/** Adds a processed version with `wav` as its audio and completes it; returns its id. */
export async function addVersion(t: Client, id: string, label: string, effects: unknown[], wav: Uint8Array): Promise<string> {
  const created = await t.json(`/history/${id}/versions`, { method: "POST", body: { label, effects_chain: effects } });
  assert.equal(created.status, 201, `add version: ${created.status} ${JSON.stringify(created.body)}`);
  await uploadAudio(created.body.upload as Upload, wav);
  const done = await t.json(`/history/${id}/versions/${created.body.version.id}/complete`, { method: "POST" });
  assert.equal(done.status, 200, `complete version: ${done.status} ${JSON.stringify(done.body)}`);
  return created.body.version.id;
}

export interface Link {
  url: string;
  expires_at: string;
  filename: string;
  size_bytes: number;
}

export async function exportLink(t: Client, id: string, what: "export" | "export-audio" = "export"): Promise<Link> {
  const res = await t.json(`/history/${id}/${what}`);
  assert.equal(res.status, 200, `GET /history/${id}/${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Link;
}

/** Exports a generation and returns the ZIP's bytes and entries. */
export async function exportZip(t: Client, id: string) {
  const link = await exportLink(t, id);
  const { bytes } = await fetchBytes(link.url);
  assert.equal(bytes.length, link.size_bytes, "size_bytes is the archive's size");
  const entries = unzipSync(bytes);
  const manifest = JSON.parse(strFromU8(entries["generation.json"]!));
  return { link, bytes, entries, manifest };
}

export async function importInRequest(t: Client, zip: Uint8Array, profileId?: string): Promise<JsonResponse> {
  const form = new FormData();
  form.set("file", new Blob([zip], { type: "application/zip" }), "archive.sonna.zip");
  if (profileId !== undefined) form.set("profile_id", profileId);
  return toJson(await t.request("/history/import", { method: "POST", body: form, headers: { accept: "application/json" } }));
}

/** POST /history/imports, then the ZIP PUT to the URL it answered with. */
export async function startLarge(t: Client, zip: Uint8Array, profileId?: string) {
  const start = await t.json("/history/imports", { method: "POST", body: profileId === undefined ? {} : { profile_id: profileId } });
  assert.equal(start.status, 201, `POST /history/imports: ${start.status} ${JSON.stringify(start.body)}`);
  await uploadAudio(start.body.upload as Upload, zip);
  return start.body as { import_id: string; upload: Upload };
}

export const completeLarge = (t: Client, importId: string): Promise<JsonResponse> => t.json(`/history/imports/${importId}/complete`, { method: "POST" });

export async function importLarge(t: Client, zip: Uint8Array, profileId?: string): Promise<JsonResponse> {
  const { import_id } = await startLarge(t, zip, profileId);
  return completeLarge(t, import_id);
}
