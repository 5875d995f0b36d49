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

    /// Times the benchmark's extrinsic call alone (its setup and checks are outside the clock)
    /// on the mock runtime, natively; returns nanoseconds and the keys the call wrote.
    #[cfg(test)]
    pub(crate) fn measure(n: u32) -> (u128, usize) {
        struct Clock(Option<std::time::Instant>, u128);
        impl frame_benchmarking::Recording for Clock {
            fn start(&mut self) {
                self.0 = Some(std::time::Instant::now());
            }
            fn stop(&mut self) {
                self.1 = self.0.map_or(0, |start| start.elapsed().as_nanos());
            }
        }
        let mut clock = Clock(None, 0);
        let mut ext = crate::mock::new_test_ext();
        ext.execute_with(|| {
            <SelectedBenchmark as frame_benchmarking::BenchmarkingSetup<crate::mock::Test>>::instance(
                &SelectedBenchmark::execute,
                &mut clock,
                &[(frame_benchmarking::BenchmarkParameter::n, n)],
                true,
            )
            .expect("the benchmark runs");
        });
        // Keys of this pallet's storage now set: what `execute` wrote (events are System's).
        let prefix = frame_support::storage::storage_prefix(b"Workflow", b"LastOutput");
        let writes = ext.execute_with(|| {
            frame_support::storage::KeyPrefixIterator::new(prefix.to_vec(), prefix.to_vec(), |_| {
                Ok(())
            })
            .count()
        });
        (clock.1, writes)
    }

    /// Run by chaintool (`--ignored`) to measure the weights it writes into weights.rs: one JSON
    /// line per component value and repetition.
    #[test]
    #[ignore]
    fn chaintool_measure_weights() {
        let steps = 9u32;
        for step in 0..steps {
            let n = MAX_BENCHMARKED_INPUT / (steps - 1) * step;
            for _ in 0..15 {
                let (nanos, writes) = measure(n);
                println!(
                    "CHAINTOOL_WEIGHT {{\"n\": {n}, \"nanos\": {nanos}, \"writes\": {writes}}}"
                );
            }
        }
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
