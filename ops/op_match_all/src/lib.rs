//! `op_match_all`: true when all of its inputs are equal.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::string::String;
use chaintool_support::Config;

pub fn execute<T: PartialEq>(inputs: &[T], _config: Config) -> Result<bool, String> {
    Ok(inputs.windows(2).all(|pair| pair[0] == pair[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_and_unequal() {
        assert!(execute(&[1, 1, 1], &[]).unwrap());
        assert!(!execute(&[1, 1, 2], &[]).unwrap());
        assert!(execute(&[7], &[]).unwrap());
    }
}
