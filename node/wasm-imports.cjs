// Prints the imports of a WASM module as JSON: [{module, name, kind}].
// usage: node wasm-imports.cjs FILE.wasm
"use strict";
const fs = require("fs");
const wasm = new WebAssembly.Module(fs.readFileSync(process.argv[2]));
process.stdout.write(JSON.stringify(WebAssembly.Module.imports(wasm)));
