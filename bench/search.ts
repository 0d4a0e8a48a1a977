// Text search (`search=`) through the search index, at several history sizes, beside an unfiltered
// first page and beside a brute-force scan of the records, in the same run.
//   npx tsx bench/search.ts [--sizes 1000,10000]     (npm run bench runs these sizes)
//   npm run bench:search                              (100,000 generations; its own section)
//
// Capacity is DynamoDB's ConsumedCapacity summed over a request (core's measureCapacity); S3
// requests and bytes are counted on the app's own S3 client. Latency is the median of several runs
// in this process, and only its ratio to the unfiltered first page is a target (the machine is shared).
import { fixed, emit, isMain, log, median, ratio, table, units, verdict, type Section, type Target } from "./lib/report";
import { startBenchStack } from "./lib/stack";

const RUNS = 7;
/** Creates after the index's last compaction: what a search overlays from the log at most before it asks for a compaction. */
const OVERLAY = 250;
const RCU_TARGET = 1_000;
const AWS_TARGET_S = 1;
const LOCAL_RATIO_TARGET = 10;
/** AWS figures for the estimate: one partition serves 3,000 RCU/s; 50 ms per sequential round trip; S3 GET throughput per connection. */
const PARTITION_RCU_PER_S = 3_000;
const ROUND_TRIP_S = 0.05;
const S3_BYTES_PER_S = 50 * 1024 * 1024;

interface Measure {
  ms: number;
  /** Peak growth of the JS heap and external buffers over what they held before the runs. */
  rssMiB: number;
  read: number;
  gets: number;
  bytes: number;
  total?: number;
}

const sizesArg = () => {
  const at = process.argv.indexOf("--sizes");
  return (at >= 0 ? process.argv[at + 1]! : "1000,10000").split(",").map(Number);
};

async function main(): Promise<void> {
  const sizes = sizesArg();
  const bench = await startBenchStack("search");
  const { measureCapacity } = await import("@sonna/core/table/capacity");
  const { s3 } = await import("@sonna/core/storage/client");
  const { listGenerations } = await import("@sonna/core/generations/list");
  const { eachGeneration } = await import("@sonna/core/generations/query");
  const { createGeneration } = await import("@sonna/core/generations/create");
  const { foldText } = await import("@sonna/core/search/fold");
  const { compactTenant } = await import("@sonna/core/search/compact");
  const { getManifest } = await import("@sonna/core/search/manifest");
  const { seedDirect, textFor, RARE_WORD, ABSENT_WORD, pool } = await import("./lib/seed");

  // S3 requests and bytes of whatever runs inside `counted`.
  const s3Tally = { gets: 0, puts: 0, bytes: 0, other: 0 };
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const name = context.commandName ?? "";
      if (name === "GetObjectCommand") {
        s3Tally.gets++;
        s3Tally.bytes += Number((result.output as { ContentLength?: number }).ContentLength ?? 0);
      } else if (/Put|Upload|Multipart/.test(name)) s3Tally.puts++;
      else s3Tally.other++;
      return result;
    },
    { step: "initialize", name: "benchS3Tally" },
  );
  const reset = () => Object.assign(s3Tally, { gets: 0, puts: 0, bytes: 0, other: 0 });

  /** RCU, S3 and the median latency of `fn` over RUNS runs after one unmeasured (capacity and S3 from the last; they do not vary). */
  async function measure(fn: () => Promise<{ total?: number } | void>, runs = RUNS): Promise<Measure> {
    await fn();
    const times: number[] = [];
    let last: Omit<Measure, "ms" | "rssMiB"> | undefined;
    const held = () => {
      const { heapUsed, external } = process.memoryUsage();
      return heapUsed + external;
    };
    const before = held();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, held())), 5);
    for (let run = 0; run < runs; run++) {
      reset();
      const started = performance.now();
      const { result, capacity } = await measureCapacity(fn);
      times.push(performance.now() - started);
      last = { read: capacity.read, gets: s3Tally.gets, bytes: s3Tally.bytes, total: (result as { total?: number } | undefined)?.total };
    }
    clearInterval(sampler);
    return { ...last!, ms: median(times), rssMiB: (Math.max(peak, held()) - before) / 1024 / 1024 };
  }

  const rows: (string | number)[][] = [];
  const targets: Target[] = [];
  const notes: string[] = [];
  for (const size of sizes) {
    const tenant = `bench-search-${size}-${Date.now()}`;
    const seedStarted = Date.now();
    const seeded = await seedDirect(tenant, { generations: size, onProgress: (m) => log(`search ${size}: ${m}`) });
    log(`search ${size}: seeded in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s`);

    const first = await measure(() => listGenerations(tenant, { sort: "desc" }));
    const bruteForce = async (word: string) => {
      const term = foldText(word);
      let total = 0;
      for await (const page of eachGeneration(tenant, {})) for (const item of page) if (foldText(item.text).includes(term)) total++;
      return { total };
    };
    // Seconds at 100,000: three runs are enough to show its order.
    const brute = await measure(() => bruteForce(RARE_WORD), 3);

    reset();
    const buildStarted = performance.now();
    const { capacity: buildCapacity, result: built } = await measureCapacity(() => compactTenant(tenant));
    const buildMs = performance.now() - buildStarted;
    const buildPuts = s3Tally.puts;
    notes.push(
      `${size.toLocaleString("en")} generations: first build (backfill from the records) ${fixed(buildMs / 1000, 1)} s, ${units(buildCapacity.read)} RCU, ` +
        `${buildPuts} S3 upload request(s), ${built.segments} segment(s).`,
    );

    const combined = { profile_id: seeded.profiles[1]!, status: "pending" as const, language: "en", engine: "qwen", created_after: "2000-01-01" };
    const cases: [string, () => Promise<{ total: number }>][] = [
      [`search "${RARE_WORD}" (1% match), first page`, () => listGenerations(tenant, { search: RARE_WORD, sort: "desc" })],
      [`search "${ABSENT_WORD}" (no match)`, () => listGenerations(tenant, { search: ABSENT_WORD, sort: "desc" })],
      [`search "STUDIO" + profile, status, language, engine, date`, () => listGenerations(tenant, { search: "STUDIO", ...combined, sort: "asc" })],
    ];
    const measured: [string, Measure][] = [];
    for (const [name, fn] of cases) measured.push([name, await measure(fn)]);
    // The next page by cursor: no dearer than the first.
    const page1 = await listGenerations(tenant, { search: "voice", sort: "desc" });
    measured.push([`search "voice" (common), page 2 by cursor`, await measure(() => listGenerations(tenant, { search: "voice", sort: "desc", cursor: page1.next_cursor! }))]);

    // The overlay at its largest: OVERLAY creates since the last compaction, read from the change log.
    await pool(OVERLAY, 16, (i) => createGeneration(tenant, { profile_id: seeded.profiles[0]!, text: textFor(size + i), language: "en", engine: "qwen" }));
    const overlaid = await measure(() => listGenerations(tenant, { search: RARE_WORD, sort: "desc" }));
    measured.push([`search "${RARE_WORD}" with ${OVERLAY} changes in the log overlay`, overlaid]);
    reset();
    const { capacity: compactCapacity, result: compacted } = await measureCapacity(() => compactTenant(tenant));
    notes.push(
      `${size.toLocaleString("en")} generations: compaction of ${OVERLAY} logged creates ${units(compactCapacity.read)} RCU, ${units(compactCapacity.write)} WCU, ` +
        `${s3Tally.gets} S3 GET, ${s3Tally.puts} S3 upload request(s), ${compacted.written} segment(s) written, ${compacted.segments} listed after.`,
    );

    const manifest = await getManifest(tenant);
    log(`search ${size}: ${manifest?.segments.length} segments, lines ${manifest?.segments.map((s) => s.count).join("+")}`);
    rows.push([size.toLocaleString("en"), "unfiltered first page (no search)", units(first.read), 0, "0", fixed(first.ms, 1), "1.00x", "-", fixed(first.rssMiB, 0)]);
    rows.push([size.toLocaleString("en"), `brute-force scan for "${RARE_WORD}" (every record read, folded, matched)`, units(brute.read), 0, "0", fixed(brute.ms, 1), ratio(brute.ms, first.ms), "-", fixed(brute.rssMiB, 0)]);
    for (const [name, m] of measured) {
      const aws = m.read / PARTITION_RCU_PER_S + 3 * ROUND_TRIP_S + m.bytes / S3_BYTES_PER_S + m.ms / 1000;
      rows.push([size.toLocaleString("en"), name, units(m.read), m.gets, `${fixed(m.bytes / 1024, 0)} KiB`, fixed(m.ms, 1), ratio(m.ms, first.ms), `${fixed(aws, 2)} s`, fixed(m.rssMiB, 0)]);
      const label = `${size.toLocaleString("en")}: ${name}`;
      targets.push({ name: `${label}: RCU`, measured: units(m.read), target: `≤ ${RCU_TARGET}`, pass: m.read <= RCU_TARGET });
      targets.push({ name: `${label}: AWS estimate`, measured: `${fixed(aws, 2)} s`, target: `< ${AWS_TARGET_S} s`, pass: aws < AWS_TARGET_S });
      targets.push({ name: `${label}: local latency vs unfiltered first page`, measured: ratio(m.ms, first.ms), target: `≤ ${LOCAL_RATIO_TARGET}x`, pass: m.ms <= LOCAL_RATIO_TARGET * first.ms });
    }
  }
  await bench.stop();

  const title = sizes.some((s) => s >= 100_000) ? `Search at ${sizes.map((s) => s.toLocaleString("en")).join(", ")} generations` : "Search";
  const markdown = [
    `## ${title}`,
    "",
    `Text search through the search index (docs/data-model.md, "Search index"): a manifest GetItem, the segments' S3 GETs, ` +
      `a Query of the change log after the manifest's number, and a consistent BatchGetItem of the page. Each row is the median of ${RUNS} runs after a warm-up run (the brute-force scan: 3), ` +
      `in one process; RCU, S3 GETs and bytes do not vary between runs. "AWS estimate" = RCU / ${PARTITION_RCU_PER_S} RCU/s + 3 sequential round trips ` +
      `x ${ROUND_TRIP_S * 1000} ms + S3 bytes at ${S3_BYTES_PER_S / 1024 / 1024} MiB/s + the local latency itself (the parse and match work, measured here). ` +
      `"Peak memory growth" is the JS heap plus external buffers (process.memoryUsage: heapUsed + external), sampled every 5 ms during the runs, less what they held before: garbage not yet collected counts too, so it is an upper bound on what a search holds.`,
    "",
    table(["generations", "request", "RCU", "S3 GETs", "S3 bytes", "median ms", "vs unfiltered", "AWS estimate", "peak memory growth MiB"], rows),
    "",
    ...notes.map((note) => `- ${note}`),
    "",
    ...targets.map((t) => `- ${t.name}: ${t.measured} (target ${t.target}) ${verdict(t.pass)}`),
    "",
    `Reproduce: \`npx tsx bench/search.ts --sizes ${sizes.join(",")}\``,
  ].join("\n");
  const section: Section = { title, markdown, targets };
  emit(section);
}

if (isMain(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
