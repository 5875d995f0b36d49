// Runs a workflow's WASM package under Node.js and prints its output as JSON, the way the native
// runner does: a String is a JSON string, Bytes and Multihash are 0x hex, a Bool is true/false and
// a collection is a list.
//
// usage: node run_wasm.js PACKAGE.js INPUT_FILE...
"use strict";
const fs = require("fs");
const path = require("path");

function toJson(value) {
  if (value instanceof Uint8Array) return "0x" + Buffer.from(value).toString("hex");
  if (Array.isArray(value)) return value.map(toJson);
  return value;
}

function main() {
  const [packagePath, ...files] = process.argv.slice(2);
  const { Workflow, inputsPerCall } = require(path.resolve(packagePath));
  const inputs = files.map((file) => new Uint8Array(fs.readFileSync(file)));
  const perCall = Array.from(inputsPerCall());
  const expected = perCall.reduce((a, b) => a + b, 0);
  if (inputs.length !== expected) {
    process.stderr.write(`the workflow takes ${expected} external input(s), got ${inputs.length}\n`);
    process.exit(3);
  }
  const workflow = new Workflow();
  let step;
  try {
    for (const count of perCall) step = workflow.next(inputs.splice(0, count));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(3);
  }
  process.stdout.write(JSON.stringify(toJson(step.output)) + "\n");
}

main();
