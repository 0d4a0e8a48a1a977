// npm run soak's publishing step, on a captured run: the RELIABILITY lines node --test prints are
// read back (with its `\#` escaping undone) and replace the marked table in the doc, once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFigures, publish, table } from "./support/soak";

const output = [
  "# Subtest: something",
  '# RELIABILITY {"suite":"kill","processes_killed":2,"killed_at":{"after CopyObjectCommand \\#1":2},"retries_succeeded":2,"retries_told_to_wait":0,"orphans_reconciled":1,"duplicates":0,"missing_audio":0}',
  '# RELIABILITY {"suite":"fuzz","seed":1,"runs_per_property":3,"cases":27,"requests":60,"five_xx":0,"refused":20,"accepted":7}',
  "ok 1 - something",
].join("\n");

test("RELIABILITY lines are parsed back, escapes undone", () => {
  const figures = parseFigures(output);
  assert.deepEqual(figures.map((f) => f.suite), ["kill", "fuzz"]);
  assert.deepEqual(figures[0]!.killed_at, { "after CopyObjectCommand #1": 2 });
});

test("the table replaces the marked section and keeps the rest of the doc", () => {
  const section = table(parseFigures(output), { date: "2026-01-02", machine: "a test", scale: { SONNA_FUZZ_RUNS: "3" }, seconds: 60, tests: "2 tests passed" });
  assert.match(section, /\| kill \| 2 processes killed with SIGKILL: 2 after CopyObjectCommand #1 \|/);
  assert.match(section, /27 fuzz inputs/);
  assert.match(section, /pointing at missing audio: \*\*0\*\*/);
  const once = publish("# Title\n\nintro\n", section);
  const twice = publish(`${once}\nafter\n`, section.replace("2026-01-02", "2026-02-03"));
  assert.equal(twice.split("soak:begin").length, 2, "one section, not two");
  assert.ok(twice.startsWith("# Title\n\nintro\n") && twice.endsWith("\nafter\n"), twice);
  assert.match(twice, /Run 2026-02-03/);
  assert.doesNotMatch(twice, /Run 2026-01-02/);
});
