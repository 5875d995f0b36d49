//! Runs the workflow on external inputs read from files (one per input, in manifest order) and
//! prints its output as JSON. `chaintool exec --via native` calls this.

use chaintool_support::ToJson;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut inputs = Vec::new();
    for path in std::env::args_os().skip(1) {
        match std::fs::read(&path) {
            Ok(bytes) => inputs.push(bytes),
            Err(error) => {
                eprintln!("cannot read input {}: {error}", path.to_string_lossy());
                return ExitCode::from(2);
            }
        }
    }
    match cid_and_multihash::run(inputs) {
        Ok(output) => {
            println!("{}", output.to_json());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(3)
        }
    }
}
