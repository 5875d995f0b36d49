//! `op_collect`: gathers its inputs, in order, into one collection.
//!
//! Its inputs' number and types come from the workflow manifest; the generated workflow passes
//! them as one item type (`Rc<T>`, or an enum over the types involved), so this stays type-safe.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::string::String;
use chaintool_support::{Collection, Config};

pub fn execute<T: Clone>(inputs: &[T], _config: Config) -> Result<Collection<T>, String> {
    Ok(Collection(inputs.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::rc::Rc;

    #[test]
    fn keeps_order_and_shares_values() {
        let a = Rc::new(alloc::vec![1u8; 1024]);
        let out = execute(&[Rc::clone(&a), Rc::new(alloc::vec![2u8])], &[]).unwrap();
        assert_eq!(out.len(), 2);
        assert!(Rc::ptr_eq(&out[0], &a));
        assert_eq!(*out[1], alloc::vec![2u8]);
    }
}
