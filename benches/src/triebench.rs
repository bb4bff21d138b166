//! Token-trie construction time: `cargo run --release -p corral-benches --bin triebench -- DIR...`
//!
//! Each argument is a tokenizer folder (or `tokenizer.json`). The vocabulary
//! is loaded once (not timed); then the trie is built `--runs N` times (default
//! 30) and the minimum, median and maximum build times are printed as a
//! Markdown table row.

use std::path::Path;
use std::time::Instant;

use corral_core::{HfOptions, TokTrie, Vocabulary};

fn main() {
    let mut runs = 30usize;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--runs" {
            runs = args
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(runs)
                .max(1);
        } else {
            paths.push(a);
        }
    }
    if paths.is_empty() {
        eprintln!("usage: triebench [--runs N] TOKENIZER_DIR...");
        std::process::exit(2);
    }
    println!("| tokenizer | tokens in trie | trie nodes | min ms | median ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    for p in paths {
        let vocab = match Vocabulary::from_hf_path(Path::new(&p), &HfOptions::default()) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{p}: {e}");
                std::process::exit(1);
            }
        };
        let mut times = Vec::with_capacity(runs);
        let mut nodes = 0;
        let mut in_trie = 0;
        for _ in 0..runs {
            let t0 = Instant::now();
            let trie = TokTrie::build(vocab.n_ids(), vocab.mask_words(), |id| {
                vocab.token_bytes(id)
            });
            times.push(t0.elapsed().as_secs_f64() * 1e3);
            nodes = trie.node_count();
            in_trie = trie.token_count();
        }
        times.sort_by(f64::total_cmp);
        let name = Path::new(&p)
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or(p.clone());
        println!(
            "| {name} | {} | {nodes} | {:.2} | {:.2} | {:.2} |",
            in_trie,
            times[0],
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
}
