"""chaintool: Anagolay Workflows to Rust crates, pallets and local devnets."""
