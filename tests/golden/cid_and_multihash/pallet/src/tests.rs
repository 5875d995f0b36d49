//! The pallet's behaviour on the mock runtime: outputs match the workflow run natively, and every
//! failure a caller can cause is its named error, with no state change.

use crate::{mock::*, sample_inputs, Error, Event, LastOutput, INPUT_COUNT};
use chaintool_support::EncodeOutput;
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

const ALICE: u64 = 1;

#[test]
fn execute_emits_and_stores_the_native_output() {
    new_test_ext().execute_with(|| {
        for size in [0, 1, 1024, MAX_INPUT_LEN] {
            let inputs = sample_inputs(size);
            let expected = cid_and_multihash::run(inputs.clone())
                .unwrap()
                .output_bytes();
            assert_ok!(Workflow::execute(RuntimeOrigin::signed(ALICE), inputs));
            let stored = LastOutput::<Test>::get(ALICE).expect("output stored");
            assert_eq!(stored.to_vec(), expected);
            System::assert_last_event(
                Event::Executed {
                    who: ALICE,
                    output: stored,
                }
                .into(),
            );
        }
    });
}

#[test]
fn oversized_input_is_refused() {
    new_test_ext().execute_with(|| {
        let mut inputs = sample_inputs(0);
        inputs[0] = vec![0u8; MAX_INPUT_LEN as usize + 1];
        assert_noop!(
            Workflow::execute(RuntimeOrigin::signed(ALICE), inputs),
            Error::<Test>::InputTooLarge
        );
    });
}

#[test]
fn wrong_number_of_inputs_is_refused() {
    new_test_ext().execute_with(|| {
        let mut too_many = sample_inputs(0);
        too_many.push(vec![1]);
        assert_noop!(
            Workflow::execute(RuntimeOrigin::signed(ALICE), too_many),
            Error::<Test>::WrongInputCount
        );
        assert_noop!(
            Workflow::execute(RuntimeOrigin::signed(ALICE), vec![]),
            Error::<Test>::WrongInputCount
        );
        assert_eq!(INPUT_COUNT as usize, sample_inputs(0).len());
    });
}

#[test]
fn unsigned_origin_is_refused() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Workflow::execute(RuntimeOrigin::none(), sample_inputs(0)),
            DispatchError::BadOrigin
        );
    });
}
