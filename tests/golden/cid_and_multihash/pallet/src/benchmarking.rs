//! Benchmarks of `execute`: its weight is linear in the total size of the inputs.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

/// The largest total input size benchmarked; weights extrapolate linearly beyond it.
pub const MAX_BENCHMARKED_INPUT: u32 = 65536;

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn execute(n: Linear<0, MAX_BENCHMARKED_INPUT>) {
        let caller: T::AccountId = whitelisted_caller();
        let inputs = sample_inputs(n);

        #[extrinsic_call]
        _(RawOrigin::Signed(caller.clone()), inputs);

        assert!(LastOutput::<T>::contains_key(&caller));
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
