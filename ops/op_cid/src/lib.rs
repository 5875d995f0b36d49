//! `op_cid`: the CID v1 of a multihash, codec raw, printed in base32 lower case (prefix `b`).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::string::{String, ToString};
use chaintool_support::{Config, Multihash};

/// Multicodec code of the `raw` content type.
pub const RAW: u64 = 0x55;

pub fn execute(input: &Multihash, _config: Config) -> Result<String, String> {
    // A CID v1 prints in base32 lower case by default.
    Ok(cid::Cid::new_v1(RAW, *input).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blake3_of_hello_matches_the_reference_vector() {
        let digest = blake3::hash(b"hello");
        let mh = Multihash::wrap(0x1e, digest.as_bytes()).unwrap();
        assert_eq!(
            execute(&mh, &[]).unwrap(),
            "bafkr4ihkr4ld3m4gqkjf4reryxsy2s5tkbxprqkow6fin2iiyvreuzzab4"
        );
    }
}
