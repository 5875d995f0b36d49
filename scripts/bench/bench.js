// Times 16 KB -> CID through the workflow's WASM interface (new Workflow(), next([bytes])) and
// through the hand-written WASM baseline, interleaved. Prints medians in nanoseconds as JSON.
// usage: node bench.js WORKFLOW_PKG.js BASELINE_PKG.js SIZE ROUNDS
"use strict";
const path = require("path");
const [workflowPkg, baselinePkg, sizeArg, roundsArg] = process.argv.slice(2);
const { Workflow } = require(path.resolve(workflowPkg));
const { cidOf } = require(path.resolve(baselinePkg));
const size = Number(sizeArg || 16384);
const rounds = Number(roundsArg || 5000);
const data = new Uint8Array(size).map((_, i) => (i * 31) % 251);

const viaWorkflow = () => new Workflow().next([data]).output;
const viaBaseline = () => cidOf(data);
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];

for (let i = 0; i < 500; i++) { viaWorkflow(); viaBaseline(); } // warm up the JIT
const wf = [], base = [];
for (let i = 0; i < rounds; i++) {
  let t = process.hrtime.bigint(); viaWorkflow(); wf.push(Number(process.hrtime.bigint() - t));
  t = process.hrtime.bigint(); viaBaseline(); base.push(Number(process.hrtime.bigint() - t));
}
console.log(JSON.stringify({
  workflow_ns: median(wf), baseline_ns: median(base),
  workflow_output: viaWorkflow(), baseline_output: viaBaseline(),
}));
