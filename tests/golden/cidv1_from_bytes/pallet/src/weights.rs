//! Weights of this pallet's calls: NOT MEASURED for this workflow yet: chaintool's defaults. `chaintool build` or `chaintool node build` measures them from the benchmark
//!
//! `execute(n)`: `n` is the total size of the inputs in bytes.

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{constants::RocksDbWeight, Weight},
};

pub trait WeightInfo {
    fn execute(n: u32) -> Weight;
}

fn execute_weight(n: u32, db: frame_support::weights::RuntimeDbWeight) -> Weight {
    Weight::from_parts(50000000, 3500)
        .saturating_add(Weight::from_parts(20000, 0).saturating_mul(n.into()))
        .saturating_add(db.reads(1))
        .saturating_add(db.writes(2))
}

/// Weights for a runtime, with its database costs.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn execute(n: u32) -> Weight {
        execute_weight(n, T::DbWeight::get())
    }
}

/// For tests and mocks: RocksDB costs.
impl WeightInfo for () {
    fn execute(n: u32) -> Weight {
        execute_weight(n, RocksDbWeight::get())
    }
}
