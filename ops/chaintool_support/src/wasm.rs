//! The WASM boundary: bytes cross as `Uint8Array` (cast, not deserialised), and only the
//! workflow's final output is converted into JavaScript values.

use crate::{Bytes, Collection, Multihash};
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

/// Conversion of a workflow output into a JavaScript value.
pub trait IntoJs {
    fn to_js(&self) -> JsValue;
}

impl IntoJs for Bytes {
    fn to_js(&self) -> JsValue {
        Uint8Array::from(self.as_slice()).into()
    }
}

impl IntoJs for Multihash {
    fn to_js(&self) -> JsValue {
        Uint8Array::from(self.to_bytes().as_slice()).into()
    }
}

impl IntoJs for String {
    fn to_js(&self) -> JsValue {
        JsValue::from_str(self)
    }
}

impl IntoJs for bool {
    fn to_js(&self) -> JsValue {
        JsValue::from_bool(*self)
    }
}

impl<T: IntoJs> IntoJs for Collection<T> {
    fn to_js(&self) -> JsValue {
        self.0.iter().map(IntoJs::to_js).collect::<Array>().into()
    }
}

impl<T: IntoJs> IntoJs for Rc<T> {
    fn to_js(&self) -> JsValue {
        (**self).to_js()
    }
}

/// Reads the external inputs of a `next` call: an array of `Uint8Array`.
pub fn inputs_from_js(inputs: &Array) -> Result<Vec<Bytes>, JsValue> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, value)| match value.dyn_ref::<Uint8Array>() {
            Some(array) => Ok(array.to_vec()),
            None => Err(js_error(&alloc::format!(
                "external input {i} must be a Uint8Array"
            ))),
        })
        .collect()
}

/// A JavaScript `Error` with `message`.
pub fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

// Built on the JavaScript side in one call: cheaper than setting properties from WASM, which
// would also convert the property names from UTF-8 on every call.
#[wasm_bindgen(inline_js = "export function step(done, output) { return { done, output }; }")]
extern "C" {
    fn step(done: bool, output: JsValue) -> JsValue;
}

/// The object `next` returns to JavaScript: `{done, output}`, as Anagolay's workflows did.
pub fn step_to_js(output: Option<&dyn IntoJs>) -> JsValue {
    step(
        output.is_some(),
        output.map(IntoJs::to_js).unwrap_or(JsValue::UNDEFINED),
    )
}
