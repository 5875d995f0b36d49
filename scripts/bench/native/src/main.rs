//! Times 16 KB -> CID (Blake3-256, raw, base32) through the generated workflow's native interface
//! and through a hand-written baseline (blake3 + cid crates, no workflow machinery).
//! Prints one JSON object: medians in nanoseconds, and the outputs, which must agree.

use std::hint::black_box;
use std::time::Instant;

fn baseline(data: &[u8]) -> String {
    let digest = blake3::hash(data);
    let mh = multihash::Multihash::<64>::wrap(0x1e, digest.as_bytes()).expect("32 bytes fit");
    cid::Cid::new_v1(0x55, mh).to_string()
}

fn workflow(input: Vec<u8>) -> String {
    let mut wf = cidv1_from_bytes::Workflow::new();
    match wf.next(vec![input]).expect("valid input") {
        cidv1_from_bytes::Step::Done(out) => (*out).clone(),
        cidv1_from_bytes::Step::NeedInput => unreachable!("one segment"),
    }
}

fn median(mut samples: Vec<u128>) -> u128 {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn main() {
    let size: usize = std::env::args().nth(1).map_or(16 * 1024, |s| s.parse().expect("size"));
    let rounds: usize = std::env::args().nth(2).map_or(20_000, |s| s.parse().expect("rounds"));
    let data: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
    let (mut wf_times, mut base_times) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    // Interleave the two so that both see the same machine state.
    for _ in 0..rounds {
        let input = data.clone(); // the workflow takes its input by value: copy outside the clock
        let start = Instant::now();
        black_box(workflow(black_box(input)));
        wf_times.push(start.elapsed().as_nanos());
        let start = Instant::now();
        black_box(baseline(black_box(&data)));
        base_times.push(start.elapsed().as_nanos());
    }
    println!(
        "{{\"workflow_ns\": {}, \"baseline_ns\": {}, \"workflow_output\": \"{}\", \"baseline_output\": \"{}\"}}",
        median(wf_times),
        median(base_times),
        workflow(data.clone()),
        baseline(&data)
    );
}
