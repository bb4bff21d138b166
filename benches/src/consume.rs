//! Bytes/s through `Matcher::consume_bytes` for a grammar and an input:
//! `cargo run --release -p corral-benches --bin consume -- GRAMMAR.lark INPUT [RUNS]`.

use std::path::Path;
use std::time::Instant;

use corral_core::lark::{parse_lark_file, LarkOptions};
use corral_core::{CompiledGrammar, Config, Matcher};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: consume GRAMMAR.lark INPUT [RUNS]");
        std::process::exit(2);
    }
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let g = parse_lark_file(Path::new(&args[0]), &LarkOptions::default()).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let cg = CompiledGrammar::new(g, Config::default()).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let data = std::fs::read(&args[1]).expect("input file");
    let mut best = f64::MAX;
    for _ in 0..runs {
        let mut m = Matcher::new(cg.clone());
        let t0 = Instant::now();
        let ok = m.consume_bytes(&data);
        let dt = t0.elapsed().as_secs_f64();
        if !ok || !m.is_accepting() {
            eprintln!("rejected: {:?}", m.error().map(|e| e.to_string()));
            std::process::exit(1);
        }
        best = best.min(dt);
        if std::env::var_os("CORRAL_STATS").is_some() {
            let (rows, items) = m.chart_size();
            eprintln!(
                "rows {rows}, items {items} ({:.1} per row)",
                items as f64 / rows as f64
            );
        }
    }
    println!(
        "{} bytes in {:.2} ms: {:.2} MB/s",
        data.len(),
        best * 1e3,
        data.len() as f64 / best / 1e6
    );
}
