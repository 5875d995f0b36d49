// Computes the genesis storage of a runtime from one of its presets, by calling the runtime's own
// GenesisBuilder API in Chopsticks' executor. Prints the raw `top` storage as JSON {key: value}.
// The preset's JSON passes through as bytes, untouched (never through JS numbers: u128 balances).
//
// usage: node genesis.js RUNTIME.wasm PRESET
"use strict";
const fs = require("fs");
const { runTask, destroyWorker } = require("@acala-network/chopsticks-core");

const CODE_KEY = "0x" + Buffer.from(":code").toString("hex");

// SCALE: compact length prefix, for lengths below 2^30.
function compact(n) {
  if (n < 1 << 6) return Buffer.from([n << 2]);
  if (n < 1 << 14) { const b = Buffer.alloc(2); b.writeUInt16LE((n << 2) | 1); return b; }
  const b = Buffer.alloc(4); b.writeUInt32LE(((n << 2) | 2) >>> 0); return b;
}
const vecU8 = (bytes) => Buffer.concat([compact(bytes.length), bytes]);
const hex = (buffer) => "0x" + buffer.toString("hex");

// Reads a SCALE compact length at `offset`: [value, bytes used].
function readCompact(buffer, offset) {
  const mode = buffer[offset] & 3;
  if (mode === 0) return [buffer[offset] >> 2, 1];
  if (mode === 1) return [buffer.readUInt16LE(offset) >> 2, 2];
  if (mode === 2) return [buffer.readUInt32LE(offset) >>> 2, 4];
  throw new Error("compact length too large");
}

// Genesis starts from empty storage; writes stay in the executor's overlay during the call.
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

async function main() {
  const [wasmPath, preset] = process.argv.slice(2);
  const wasm = hex(fs.readFileSync(wasmPath));

  // get_preset(Some(id)) -> Option<Vec<u8>> (the preset's JSON patch).
  const presetArg = Buffer.concat([Buffer.from([1]), vecU8(Buffer.from(preset))]);
  const got = Buffer.from((await call(wasm, "GenesisBuilder_get_preset", presetArg)).result.slice(2), "hex");
  if (got[0] !== 1) throw new Error(`the runtime has no genesis preset named ${preset}`);
  const [length, used] = readCompact(got, 1);
  const json = got.subarray(1 + used, 1 + used + length);

  // build_state(json) -> Result<(), String>, writing the genesis storage.
  const built = await call(wasm, "GenesisBuilder_build_state", vecU8(json));
  const result = Buffer.from(built.result.slice(2), "hex");
  if (result[0] !== 0) throw new Error(`build_state failed: ${result.subarray(1).toString()}`);

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
