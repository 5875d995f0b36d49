//! Types and helpers shared by chaintool's operations and the workflows it generates.
//!
//! Every value that flows between operations has one of the types of the Anagolay model:
//! `Bytes`, `String`, `Multihash`, `Bool`, or a `Collection` built by a FLOWCONTROL operation.
//! External inputs always arrive as raw bytes and are decoded into the type the first operation of
//! their segment expects ([`FromInput`]); this keeps the native, WASM and on-chain interfaces alike.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

#[cfg(feature = "wasm")]
pub mod wasm;

#[cfg(feature = "std")]
pub use serde_json;

/// Raw bytes.
pub type Bytes = Vec<u8>;

/// A multihash with a digest of at most 64 bytes.
pub type Multihash = multihash::Multihash<64>;

pub use multihash;

/// The configuration an operation receives: the `key = value` pairs its workflow chose.
pub type Config<'a> = &'a [(&'a str, &'a str)];

/// Looks up `key` in an operation's configuration.
pub fn config_value<'a>(config: Config<'a>, key: &str) -> Result<&'a str, String> {
    config
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| *v)
        .ok_or_else(|| alloc::format!("missing config key `{key}`"))
}

/// An ordered collection of values, the output of FLOWCONTROL operations such as `op_collect`.
///
/// The item type is chosen by the generated workflow: `Rc<T>` when all items share one type,
/// otherwise an enum with one variant per type, so mixed collections stay type-safe.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Collection<T>(pub Vec<T>);

impl<T> core::ops::Deref for Collection<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

/// Decoding of an external input (raw bytes) into the type an operation takes.
pub trait FromInput: Sized {
    /// The type's name in operation manifests.
    const TYPE_NAME: &'static str;
    fn from_input(bytes: Bytes) -> Result<Self, String>;
}

impl FromInput for Bytes {
    const TYPE_NAME: &'static str = "Bytes";
    fn from_input(bytes: Bytes) -> Result<Self, String> {
        Ok(bytes)
    }
}

impl FromInput for String {
    const TYPE_NAME: &'static str = "String";
    fn from_input(bytes: Bytes) -> Result<Self, String> {
        String::from_utf8(bytes).map_err(|e| alloc::format!("not valid UTF-8: {e}"))
    }
}

impl FromInput for Multihash {
    const TYPE_NAME: &'static str = "Multihash";
    fn from_input(bytes: Bytes) -> Result<Self, String> {
        Multihash::from_bytes(&bytes).map_err(|e| alloc::format!("not a multihash: {e}"))
    }
}

impl FromInput for bool {
    const TYPE_NAME: &'static str = "Bool";
    fn from_input(bytes: Bytes) -> Result<Self, String> {
        match bytes.as_slice() {
            [0] => Ok(false),
            [1] => Ok(true),
            _ => Err("a Bool is one byte, 0x00 or 0x01".to_string()),
        }
    }
}

/// What `Workflow::next` reports after running as far as its inputs allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<T> {
    /// The next segment needs external input: call `next` again with it.
    NeedInput,
    /// The workflow is done; this is the output of its last segment.
    Done(T),
}

/// Why a workflow could not produce its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkflowError {
    /// A `next` call brought a number of external inputs other than its segment takes.
    WrongInputCount {
        segment: usize,
        expected: usize,
        got: usize,
    },
    /// `run` was given a number of external inputs other than the workflow takes in all.
    WrongTotalInputCount { expected: usize, got: usize },
    /// An external input could not be decoded as the type its operation takes.
    InputDecode {
        segment: usize,
        input: usize,
        expected_type: &'static str,
        message: String,
    },
    /// An operation returned an error.
    Operation {
        segment: usize,
        operation: &'static str,
        message: String,
    },
}

impl fmt::Display for WorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongInputCount {
                segment,
                expected,
                got,
            } => write!(
                f,
                "segment {segment} takes {expected} external input(s), got {got}"
            ),
            Self::WrongTotalInputCount { expected, got } => write!(
                f,
                "the workflow takes {expected} external input(s), got {got}"
            ),
            Self::InputDecode {
                segment,
                input,
                expected_type,
                message,
            } => write!(
                f,
                "segment {segment}, external input {input}: cannot decode as {expected_type}: {message}"
            ),
            Self::Operation {
                segment,
                operation,
                message,
            } => write!(f, "segment {segment}, {operation}: {message}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for WorkflowError {}

/// Takes the `N` external inputs of `segment` out of the ones a `next` call brought.
///
/// Returns `Ok(None)` when they were already used by an earlier segment of the same call,
/// which means the workflow must wait for the next call.
pub fn take_inputs<const N: usize>(
    inputs: &mut Option<Vec<Bytes>>,
    segment: usize,
) -> Result<Option<[Bytes; N]>, WorkflowError> {
    let Some(given) = inputs.take() else {
        return Ok(None);
    };
    let got = given.len();
    <[Bytes; N]>::try_from(given)
        .map(Some)
        .map_err(|_| WorkflowError::WrongInputCount {
            segment,
            expected: N,
            got,
        })
}

/// Decodes external input `input` of `segment` as `T`.
pub fn decode_input<T: FromInput>(
    bytes: Bytes,
    segment: usize,
    input: usize,
) -> Result<T, WorkflowError> {
    T::from_input(bytes).map_err(|message| WorkflowError::InputDecode {
        segment,
        input,
        expected_type: T::TYPE_NAME,
        message,
    })
}

/// Turns an operation's error into a [`WorkflowError`] that says where it happened.
pub fn operation_result<T>(
    result: Result<T, String>,
    segment: usize,
    operation: &'static str,
) -> Result<T, WorkflowError> {
    result.map_err(|message| WorkflowError::Operation {
        segment,
        operation,
        message,
    })
}

/// What every generated workflow implements; lets [`run`] drive any of them.
pub trait Flow: Default {
    type Output;
    /// How many external inputs each `next` call takes, in call order.
    const INPUTS_PER_CALL: &'static [usize];
    fn next(&mut self, inputs: Vec<Bytes>) -> Result<Step<Rc<Self::Output>>, WorkflowError>;
}

/// Runs a workflow from start to end on all its external inputs, in manifest order.
pub fn run<W: Flow>(inputs: Vec<Bytes>) -> Result<Rc<W::Output>, WorkflowError> {
    let expected = W::INPUTS_PER_CALL.iter().sum();
    let got = inputs.len();
    let mut workflow = W::default();
    let mut step = Step::NeedInput;
    for group in split_inputs(inputs, W::INPUTS_PER_CALL)? {
        step = workflow.next(group)?;
    }
    match step {
        Step::Done(output) => Ok(output),
        Step::NeedInput => Err(WorkflowError::WrongTotalInputCount { expected, got }),
    }
}

/// Splits a flat list of external inputs into one group per `next` call.
pub fn split_inputs(
    mut inputs: Vec<Bytes>,
    per_call: &[usize],
) -> Result<Vec<Vec<Bytes>>, WorkflowError> {
    let expected: usize = per_call.iter().sum();
    if inputs.len() != expected {
        return Err(WorkflowError::WrongTotalInputCount {
            expected,
            got: inputs.len(),
        });
    }
    let mut groups = Vec::with_capacity(per_call.len());
    for n in per_call.iter().rev() {
        let at = inputs.len() - n;
        groups.push(inputs.split_off(at));
    }
    groups.reverse();
    Ok(groups)
}

/// SCALE encoding of workflow outputs, as a pallet emits and stores them: a String, Bytes and a
/// Multihash (its binary form) encode as `Vec<u8>`, a Bool as `bool`, a Collection as a `Vec` of
/// its items, and an item of a mixed collection as an enum (variant index, then the value).
pub trait EncodeOutput {
    fn encode_output(&self, dest: &mut Vec<u8>);

    fn output_bytes(&self) -> Vec<u8> {
        let mut dest = Vec::new();
        self.encode_output(&mut dest);
        dest
    }
}

impl EncodeOutput for Bytes {
    fn encode_output(&self, dest: &mut Vec<u8>) {
        codec::Encode::encode_to(self, dest);
    }
}

impl EncodeOutput for String {
    fn encode_output(&self, dest: &mut Vec<u8>) {
        codec::Encode::encode_to(self, dest);
    }
}

impl EncodeOutput for Multihash {
    fn encode_output(&self, dest: &mut Vec<u8>) {
        codec::Encode::encode_to(&self.to_bytes(), dest);
    }
}

impl EncodeOutput for bool {
    fn encode_output(&self, dest: &mut Vec<u8>) {
        codec::Encode::encode_to(self, dest);
    }
}

impl<T: EncodeOutput> EncodeOutput for Collection<T> {
    fn encode_output(&self, dest: &mut Vec<u8>) {
        // Collections are built from at most 128 segments' worth of values: the count fits u32.
        let len = u32::try_from(self.0.len()).unwrap_or(u32::MAX);
        codec::Encode::encode_to(&codec::Compact(len), dest);
        for item in &self.0 {
            item.encode_output(dest);
        }
    }
}

impl<T: EncodeOutput> EncodeOutput for Rc<T> {
    fn encode_output(&self, dest: &mut Vec<u8>) {
        (**self).encode_output(dest);
    }
}

/// JSON rendering of values, as `chaintool exec --json` prints them: a String is a JSON string,
/// Bytes and Multihash are `0x` hex, a Bool is true/false and a Collection is a list.
#[cfg(feature = "std")]
pub trait ToJson {
    fn to_json(&self) -> serde_json::Value;
}

#[cfg(feature = "std")]
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(2 + bytes.len() * 2);
    out.push_str("0x");
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(feature = "std")]
impl ToJson for Bytes {
    fn to_json(&self) -> serde_json::Value {
        hex(self).into()
    }
}

#[cfg(feature = "std")]
impl ToJson for Multihash {
    fn to_json(&self) -> serde_json::Value {
        hex(&self.to_bytes()).into()
    }
}

#[cfg(feature = "std")]
impl ToJson for String {
    fn to_json(&self) -> serde_json::Value {
        self.as_str().into()
    }
}

#[cfg(feature = "std")]
impl ToJson for bool {
    fn to_json(&self) -> serde_json::Value {
        (*self).into()
    }
}

#[cfg(feature = "std")]
impl<T: ToJson> ToJson for Collection<T> {
    fn to_json(&self) -> serde_json::Value {
        self.0.iter().map(ToJson::to_json).collect()
    }
}

#[cfg(feature = "std")]
impl<T: ToJson> ToJson for Rc<T> {
    fn to_json(&self) -> serde_json::Value {
        (**self).to_json()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_inputs_checks_the_count_and_is_used_once() {
        let mut inputs = Some(alloc::vec![alloc::vec![1u8], alloc::vec![2u8]]);
        let err = take_inputs::<1>(&mut inputs, 3).unwrap_err();
        assert_eq!(
            err,
            WorkflowError::WrongInputCount {
                segment: 3,
                expected: 1,
                got: 2
            }
        );
        let mut inputs = Some(alloc::vec![alloc::vec![7u8]]);
        assert_eq!(
            take_inputs::<1>(&mut inputs, 0).unwrap(),
            Some([alloc::vec![7u8]])
        );
        assert_eq!(take_inputs::<1>(&mut inputs, 1).unwrap(), None);
    }

    #[test]
    fn inputs_decode_by_type() {
        assert!(decode_input::<bool>(alloc::vec![2], 0, 0).is_err());
        assert!(decode_input::<bool>(alloc::vec![1], 0, 0).unwrap());
        assert!(decode_input::<String>(alloc::vec![0xff], 0, 0).is_err());
        assert!(decode_input::<Multihash>(alloc::vec![0x1e], 0, 0).is_err());
    }

    #[test]
    fn split_inputs_groups_per_call() {
        let groups = split_inputs(
            alloc::vec![alloc::vec![1], alloc::vec![2], alloc::vec![3]],
            &[1, 2],
        )
        .unwrap();
        assert_eq!(
            groups,
            alloc::vec![
                alloc::vec![alloc::vec![1]],
                alloc::vec![alloc::vec![2], alloc::vec![3]]
            ]
        );
        assert!(split_inputs(alloc::vec![], &[1]).is_err());
    }

    #[test]
    fn scale_encoding_of_outputs() {
        assert_eq!(String::from("ab").output_bytes(), [8, b'a', b'b']);
        assert_eq!(true.output_bytes(), [1]);
        let c = Collection(alloc::vec![Rc::new(alloc::vec![7u8]), Rc::new(Bytes::new())]);
        assert_eq!(c.output_bytes(), [8, 4, 7, 0]);
    }

    #[cfg(feature = "std")]
    #[test]
    fn json_rendering() {
        let c = Collection(alloc::vec![String::from("a\"b"), String::from("c")]);
        assert_eq!(c.to_json().to_string(), r#"["a\"b","c"]"#);
        assert_eq!(alloc::vec![0u8, 255].to_json(), "0x00ff");
        assert_eq!(true.to_json(), true);
    }
}
