//! `op_multihash`: the multihash of some bytes, with the hasher chosen in the configuration.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::string::{String, ToString};
use blake2::{digest::consts::U32, Blake2b, Digest};
use chaintool_support::{config_value, Bytes, Config, Multihash};

/// Multicodec codes of the supported hashers (https://github.com/multiformats/multicodec).
pub const BLAKE3_256: u64 = 0x1e;
pub const SHA2_256: u64 = 0x12;
pub const BLAKE2B_256: u64 = 0xb220;

pub fn execute(input: &Bytes, config: Config) -> Result<Multihash, String> {
    let (code, digest): (u64, [u8; 32]) = match config_value(config, "hasher")? {
        "Blake3_256" => (BLAKE3_256, *blake3::hash(input).as_bytes()),
        "Sha2_256" => (SHA2_256, sha2::Sha256::digest(input).into()),
        "Blake2b_256" => (BLAKE2B_256, Blake2b::<U32>::digest(input).into()),
        other => return Err(alloc::format!("unknown hasher `{other}`")),
    };
    Multihash::wrap(code, &digest).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(hasher: &str, input: &[u8]) -> Multihash {
        execute(&input.to_vec(), &[("hasher", hasher)]).unwrap()
    }

    #[test]
    fn codes_and_digest_sizes() {
        assert_eq!(hash("Blake3_256", b"").code(), BLAKE3_256);
        assert_eq!(hash("Sha2_256", b"").code(), SHA2_256);
        assert_eq!(hash("Blake2b_256", b"").code(), BLAKE2B_256);
        assert_eq!(hash("Blake2b_256", b"").size(), 32);
    }

    #[test]
    fn sha2_256_of_abc_is_the_fips_180_vector() {
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let digest = hash("Sha2_256", b"abc");
        let hex: String = digest
            .digest()
            .iter()
            .map(|b| alloc::format!("{b:02x}"))
            .collect();
        assert_eq!(hex, expected);
    }

    #[test]
    fn unknown_or_missing_hasher_is_an_error() {
        assert!(execute(&Bytes::new(), &[("hasher", "Md5")]).is_err());
        assert!(execute(&Bytes::new(), &[]).is_err());
    }
}
