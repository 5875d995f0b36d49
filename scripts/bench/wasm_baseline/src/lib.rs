//! The hand-written WASM baseline: bytes in (copied from a Uint8Array), CID string out.
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_name = cidOf)]
pub fn cid_of(data: &[u8]) -> String {
    let digest = blake3::hash(data);
    let mh = multihash::Multihash::<64>::wrap(0x1e, digest.as_bytes()).expect("32 bytes fit");
    cid::Cid::new_v1(0x55, mh).to_string()
}
