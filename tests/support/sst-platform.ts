// Writes .sst/platform as `sst install` would, without running the CLI (it needs the internet):
// SST's platform sources, whose components sst.config.ts and infra/*.ts use, and the config.d.ts
// that declares `$config`, `sst`, `aws`, `$app` and the other globals from them.
//   npx tsx tests/support/sst-platform.ts
//
// The `sst` npm package ships no platform sources: the CLI binary that npm installs beside it
// (sst-<os>-<arch>) carries them in a Go `embed.FS`, which the CLI copies out on `sst install`.
// This reads that same table from the binary, so the sources are exactly the installed version's.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const platformDir = join(repoRoot, ".sst", "platform");

/** Maps virtual addresses to file offsets, from ELF program headers or Mach-O segments (64-bit little-endian). */
function segments(binary: Buffer): { address: bigint; offset: bigint; size: bigint }[] {
  const u16 = (at: number) => binary.readUInt16LE(at);
  const u32 = (at: number) => binary.readUInt32LE(at);
  const u64 = (at: number) => binary.readBigUInt64LE(at);
  if (u32(0) === 0x464c457f && binary[4] === 2 && binary[5] === 1) {
    const table = Number(u64(0x20));
    const PT_LOAD = 1;
    return Array.from({ length: u16(0x38) }, (_, i) => table + i * u16(0x36))
      .filter((header) => u32(header) === PT_LOAD)
      .map((header) => ({ offset: u64(header + 8), address: u64(header + 16), size: u64(header + 32) }));
  }
  if (u32(0) === 0xfeedfacf) {
    const LC_SEGMENT_64 = 0x19;
    const found = [];
    for (let command = 32, left = u32(16); left > 0; left--, command += u32(command + 4)) {
      if (u32(command) === LC_SEGMENT_64) {
        found.push({ address: u64(command + 24), offset: u64(command + 40), size: u64(command + 48) });
      }
    }
    return found;
  }
  throw new Error("the SST binary is neither 64-bit ELF nor Mach-O; extracting its platform is not supported here");
}

/** Go's embed.FS order: by directory, then by name within it (cmd/compile's embedFileLess). */
function embedKey(name: string): string {
  const trimmed = name.endsWith("/") ? name.slice(0, -1) : name;
  const slash = trimmed.lastIndexOf("/");
  return slash < 0 ? `.\0${trimmed}` : `${trimmed.slice(0, slash)}\0${trimmed.slice(slash + 1)}`;
}

/**
 * Every file in the binary's embed.FS that holds `anchor`. The FS is a sorted array of
 * `{name string; data string; hash [16]byte}` (48 bytes; a string is a pointer and a length):
 * find the record naming `anchor`, then walk both ways while records are well formed and in
 * embed order.
 */
export function embeddedFiles(binary: Buffer, anchor: string): Map<string, Buffer> {
  const maps = segments(binary);
  const toOffset = (address: bigint): number | undefined => {
    const segment = maps.find((s) => address >= s.address && address < s.address + s.size);
    return segment && Number(address - segment.address + segment.offset);
  };
  const toAddress = (offset: number): bigint | undefined => {
    const segment = maps.find((s) => BigInt(offset) >= s.offset && BigInt(offset) < s.offset + s.size);
    return segment && BigInt(offset) - segment.offset + segment.address;
  };
  const RECORD = 48;
  const read = (at: number): { name: string; data: Buffer } | undefined => {
    if (at < 0 || at + RECORD > binary.length) return undefined;
    const nameAt = toOffset(binary.readBigUInt64LE(at));
    const nameLength = Number(binary.readBigUInt64LE(at + 8));
    if (nameAt === undefined || nameLength < 1 || nameLength > 1024) return undefined;
    const name = binary.toString("latin1", nameAt, nameAt + nameLength);
    if (!/^[\x21-\x7e]+$/.test(name)) return undefined;
    const dataLength = Number(binary.readBigUInt64LE(at + 24));
    const dataAt = dataLength === 0 ? 0 : toOffset(binary.readBigUInt64LE(at + 16));
    if (dataAt === undefined || dataAt + dataLength > binary.length) return undefined;
    return { name, data: binary.subarray(dataAt, dataAt + dataLength) };
  };

  const needle = Buffer.alloc(16);
  needle.writeBigUInt64LE(BigInt(anchor.length), 8);
  for (let nameAt = binary.indexOf(anchor); nameAt >= 0; nameAt = binary.indexOf(anchor, nameAt + 1)) {
    const address = toAddress(nameAt);
    if (address === undefined) continue;
    needle.writeBigUInt64LE(address, 0);
    let found = binary.indexOf(needle);
    while (found >= 0 && found % 8 !== 0) found = binary.indexOf(needle, found + 1);
    if (found < 0) continue;
    const inOrder = (at: number, next: number) => {
      const [a, b] = [read(at), read(next)];
      return a !== undefined && b !== undefined && embedKey(a.name) < embedKey(b.name);
    };
    let first = found;
    while (inOrder(first - RECORD, first)) first -= RECORD;
    let last = found;
    while (inOrder(last, last + RECORD)) last += RECORD;
    const files = new Map<string, Buffer>();
    for (let at = first; at <= last; at += RECORD) {
      const { name, data } = read(at)!;
      if (!name.endsWith("/")) files.set(name, data);
    }
    return files;
  }
  throw new Error(`no embed.FS record names ${anchor} in the SST binary`);
}

/** The CLI binary npm installed for this machine, as node_modules/sst/bin/sst.mjs finds it. */
function sstBinary(): { path: string; version: string } {
  const require = createRequire(join(repoRoot, "package.json"));
  const name = `sst-${process.platform}-${process.arch}`;
  const manifest = require.resolve(`${name}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  return { path: join(dirname(manifest), "bin", process.platform === "win32" ? "sst.exe" : "sst"), version };
}

/**
 * config.d.ts as pkg/project/install.go's writeTypes() writes it for our one provider, aws
 * (sst.config.ts's `providers`), whose package is @pulumi/aws.
 */
const CONFIG_D_TS = `import "./src/global.d.ts"
import "../types.generated"
import { AppInput, App, Config } from "./src/config"
import * as _aws from "@pulumi/aws";


declare global {
  // @ts-expect-error
  export import aws = _aws
  interface Providers {
    providers?: {
      "aws"?:  (_aws.ProviderArgs & { package?: string, version?: string }) | string;
    }
  }
  export const $config: (
    input: Omit<Config, "app"> & {
      app(input: AppInput): Promise<Omit<App, "providers"> & Providers> | (Omit<App, "providers"> & Providers);
    },
  ) => Config;
}
`;

/**
 * Rewrites .sst/platform's sources, package.json (the versions SST pins) and config.d.ts from the
 * installed binary. A node_modules there (from a real `sst install`) is left alone.
 */
export function writePlatform(): { version: string; files: number } {
  const { path, version } = sstBinary();
  const files = embeddedFiles(readFileSync(path), "src/config.ts");
  rmSync(join(platformDir, "src"), { recursive: true, force: true });
  let written = 0;
  for (const [name, data] of files) {
    if (!name.startsWith("src/") && name !== "package.json") continue;
    mkdirSync(dirname(join(platformDir, name)), { recursive: true });
    writeFileSync(join(platformDir, name), data);
    written++;
  }
  writeFileSync(join(platformDir, "config.d.ts"), CONFIG_D_TS);
  return { version, files: written };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { version, files } = writePlatform();
  console.log(`.sst/platform: ${files} files from the sst ${version} binary`);
}
