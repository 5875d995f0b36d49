//! A mock runtime with System and this pallet, for unit tests and benchmark tests.

use crate as pallet_cidv1_from_bytes;
use frame_support::{derive_impl, traits::ConstU32};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Workflow: pallet_cidv1_from_bytes,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
}

/// The bounds used by the tests; a runtime picks its own.
pub const MAX_INPUT_LEN: u32 = 65536;
pub const MAX_OUTPUT_LEN: u32 = 4096;

impl pallet_cidv1_from_bytes::Config for Test {
    type MaxInputLen = ConstU32<MAX_INPUT_LEN>;
    type MaxOutputLen = ConstU32<MAX_OUTPUT_LEN>;
    type WeightInfo = ();
}

pub fn new_test_ext() -> sp_io::TestExternalities {
    let mut ext: sp_io::TestExternalities = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .expect("the mock genesis builds")
        .into();
    // Events are only recorded from block 1 on.
    ext.execute_with(|| System::set_block_number(1));
    ext
}
