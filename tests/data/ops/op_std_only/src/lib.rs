//! Test operation: the length of its input as text, using std's formatting.
use chaintool_support::{Bytes, Config};

pub fn execute(input: &Bytes, _config: Config) -> Result<String, String> {
    Ok(std::format!("{} bytes", input.len()))
}
