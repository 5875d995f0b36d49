// Prints the imports of a WASM module as JSON: [{module, name, kind}].
// usage: node wasm-imports.js FILE.wasm
"use strict";
const fs = require("fs");
const module = new WebAssembly.Module(fs.readFileSync(process.argv[2]));
process.stdout.write(JSON.stringify(WebAssembly.Module.imports(module)));
