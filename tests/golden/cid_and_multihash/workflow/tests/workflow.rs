//! Behaviour every generated workflow must have, checked on sample inputs of the right types.

use cid_and_multihash::{run, Step, Workflow, WorkflowError, INPUTS_PER_CALL};
use std::rc::Rc;

fn sample_inputs() -> Vec<Vec<u8>> {
    vec![b"chaintool".to_vec()]
}

fn calls() -> Vec<Vec<Vec<u8>>> {
    let mut inputs = sample_inputs().into_iter();
    INPUTS_PER_CALL
        .iter()
        .map(|&n| inputs.by_ref().take(n).collect())
        .collect()
}

#[test]
fn next_runs_until_done_and_matches_run() {
    let mut workflow = Workflow::new();
    let calls = calls();
    let last = calls.len() - 1;
    let mut output = None;
    for (i, inputs) in calls.into_iter().enumerate() {
        match workflow.next(inputs).expect("sample inputs are valid") {
            Step::Done(value) => {
                assert_eq!(i, last, "done before the last external input");
                output = Some(value);
            }
            Step::NeedInput => assert!(i < last, "still waiting after the last input"),
        }
    }
    let output = output.expect("the workflow finished");
    assert_eq!(*output, *run(sample_inputs()).unwrap());
}

#[test]
fn output_is_memoised() {
    let mut workflow = Workflow::new();
    let mut first = None;
    for inputs in calls() {
        if let Step::Done(value) = workflow.next(inputs).unwrap() {
            first = Some(value);
        }
    }
    let first = first.unwrap();
    match workflow.next(Vec::new()).unwrap() {
        Step::Done(again) => assert!(Rc::ptr_eq(&first, &again)),
        Step::NeedInput => panic!("a finished workflow asked for input"),
    }
}

#[test]
fn a_wrong_number_of_inputs_is_an_error() {
    let mut inputs = sample_inputs();
    inputs.push(b"one too many".to_vec());
    assert!(matches!(
        run(inputs),
        Err(WorkflowError::WrongTotalInputCount { .. })
    ));
    let mut too_many = calls().remove(0);
    too_many.push(Vec::new());
    assert!(matches!(
        Workflow::new().next(too_many),
        Err(WorkflowError::WrongInputCount { segment: _, .. })
    ));
}
