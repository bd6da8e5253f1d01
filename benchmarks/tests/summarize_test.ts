import { test } from "node:test";
import assert from "node:assert/strict";
import { type CpuProfile, summarize } from "../profile/summarize.ts";

const frame = (functionName: string, url = "file:///work/main/lib/producer/a.ts") => ({
  functionName,
  url,
  lineNumber: 9,
});

// root → f → g → f (recursion) and root → (idle), with 10 µs per sample from the second on.
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame("(root)", ""), children: [2, 5] },
    { id: 2, callFrame: frame("f"), children: [3] },
    { id: 3, callFrame: frame("g", "file:///work/main/lib/protocol/b.ts"), children: [4] },
    { id: 4, callFrame: frame("f") },
    { id: 5, callFrame: frame("(idle)", "") },
  ],
  samples: [4, 4, 3, 5, 2],
  timeDeltas: [0, 10, 10, 10, 10],
};

test("summarize counts a recursive function's inclusive time once per sample", () => {
  const s = summarize(PROFILE);
  // Each sample lasts until the next one; the last has no end and counts 0.
  assert.equal(s.span, 40);
  assert.equal(s.idle, 10);
  const f = s.functions.find((e) => e.key === "f lib/producer/a.ts:10")!;
  const g = s.functions.find((e) => e.key === "g lib/protocol/b.ts:10")!;
  assert.deepEqual([f.self, f.total], [20, 30]);
  assert.deepEqual([g.self, g.total], [10, 30]);
});

test("summarize adds self time by file and leaves idle out of the files", () => {
  const s = summarize(PROFILE);
  assert.deepEqual(
    s.files.map((e) => [e.key, e.self, e.total]),
    [["lib/producer/a.ts", 20, 30], ["lib/protocol/b.ts", 10, 30]],
  );
});
