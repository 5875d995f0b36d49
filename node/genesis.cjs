// The genesis of a runtime, computed by the runtime's own GenesisBuilder API in Chopsticks'
// executor. JSON configurations pass through as text, never through JS numbers (u128 balances).
//
// usage: node genesis.cjs presets RUNTIME.wasm PRESET   -> {"default": TEXT, "patch": TEXT}
//        node genesis.cjs build RUNTIME.wasm CONFIG.json -> raw `top` storage {key: value}
"use strict";
const fs = require("fs");
const { runTask, destroyWorker } = require("@acala-network/chopsticks-core");

const CODE_KEY = "0x" + Buffer.from(":code").toString("hex");

// SCALE compact length prefix, for lengths below 2^30.
function compact(n) {
  if (n < 1 << 6) return Buffer.from([n << 2]);
  if (n < 1 << 14) { const b = Buffer.alloc(2); b.writeUInt16LE((n << 2) | 1); return b; }
  const b = Buffer.alloc(4); b.writeUInt32LE(((n << 2) | 2) >>> 0); return b;
}
const vecU8 = (bytes) => Buffer.concat([compact(bytes.length), bytes]);
const hex = (buffer) => "0x" + buffer.toString("hex");
const unhex = (text) => Buffer.from(text.slice(2), "hex");

// Reads a SCALE `Vec<u8>` at `offset`.
function readVec(buffer, offset) {
  const mode = buffer[offset] & 3;
  let length, used;
  if (mode === 0) [length, used] = [buffer[offset] >> 2, 1];
  else if (mode === 1) [length, used] = [buffer.readUInt16LE(offset) >> 2, 2];
  else if (mode === 2) [length, used] = [buffer.readUInt32LE(offset) >>> 2, 4];
  else throw new Error("length too large");
  return buffer.subarray(offset + used, offset + used + length);
}

// Genesis starts from empty storage; writes stay in the executor's overlay during a call.
const emptyStorage = {
  getStorage: async () => undefined,
  getNextKey: async () => undefined,
  offchainGetStorage: async () => undefined,
  offchainTimestamp: async () => Date.now(),
  offchainRandomSeed: async () => hex(Buffer.alloc(32)),
  offchainSubmitTransaction: async () => false,
};

async function call(wasm, method, arg) {
  const response = await runTask(
    { wasm, calls: [[method, [hex(arg)]]], mockSignatureHost: false, allowUnresolvedImports: false, runtimeLogLevel: 0 },
    emptyStorage,
  );
  if (response.Error) throw new Error(`${method}: ${response.Error}`);
  return response.Call;
}

// get_preset(id) -> Option<Vec<u8>>: the JSON text of the preset (None: the default config).
async function preset(wasm, id) {
  const arg = id === null ? Buffer.from([0]) : Buffer.concat([Buffer.from([1]), vecU8(Buffer.from(id))]);
  const result = unhex((await call(wasm, "GenesisBuilder_get_preset", arg)).result);
  if (result[0] !== 1) throw new Error(`the runtime has no genesis preset named ${id}`);
  return readVec(result, 1).toString("utf8");
}

async function main() {
  const [command, wasmPath, argument] = process.argv.slice(2);
  const wasm = hex(fs.readFileSync(wasmPath));
  if (command === "presets") {
    const output = { default: await preset(wasm, null), patch: await preset(wasm, argument) };
    process.stdout.write(JSON.stringify(output));
    return;
  }
  if (command !== "build") throw new Error(`unknown command ${command}`);
  // build_state(json) -> Result<(), String>, writing the genesis storage.
  const built = await call(wasm, "GenesisBuilder_build_state", vecU8(fs.readFileSync(argument)));
  const result = unhex(built.result);
  if (result[0] !== 0) throw new Error(`build_state failed: ${readVec(result, 1).toString("utf8")}`);
  const top = {};
  for (const [key, value] of built.storageDiff) if (value !== null) top[key] = value;
  top[CODE_KEY] = wasm;
  process.stdout.write(JSON.stringify(top));
}

main()
  .then(() => destroyWorker())
  .catch(async (error) => {
    process.stderr.write(`${error.message}\n`);
    await destroyWorker();
    process.exit(1);
  });
