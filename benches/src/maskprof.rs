//! Per-token mask time of one grammar over a document, tokenized greedily
//! (longest token first): `maskprof TOKENIZER_DIR GRAMMAR.lark INPUT [MAX_TOKENS]`.
//! For profiling corral alone; the side-by-side comparison is benches/maskbench.
//! `MASKPROF_WARM=1` times a second walk over the input (the cache warm);
//! `MASKPROF_NOCACHE=1` keeps no walks.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use corral_core::lark::{parse_lark_file, LarkOptions};
use corral_core::{
    CompiledGrammar, Config, HfOptions, MaskConfig, TokEnv, TokenGrammar, TokenMatcher, Vocabulary,
};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.len() < 3 {
        eprintln!("usage: maskprof TOKENIZER_DIR GRAMMAR.lark|SCHEMA.json INPUT [MAX_TOKENS]");
        std::process::exit(2);
    }
    let v = Arc::new(Vocabulary::from_hf_path(Path::new(&a[0]), &HfOptions::default()).unwrap());
    let g = if a[1].ends_with(".json") {
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&a[1]).unwrap()).unwrap();
        corral_core::json_schema::compile(&schema, &Default::default())
            .unwrap()
            .grammar
    } else {
        parse_lark_file(Path::new(&a[1]), &LarkOptions::default()).unwrap()
    };
    let cg = CompiledGrammar::new(g.clone(), Config::default()).unwrap();
    let text = std::fs::read(&a[2]).unwrap();
    let max: usize = a.get(3).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let mut toks = Vec::new();
    let mut i = 0;
    while i < text.len() && toks.len() < max {
        let t = *v.trie().prefixes_of(&text[i..]).last().unwrap();
        i += v.bytes_or_empty(t).len();
        toks.push(t);
    }
    // MASKPROF_NOCACHE=1: keep no walks (every mask walks the trie; with
    // MASKPROF_WARM=1 this times the walks alone, lexer states built).
    // MASKPROF_REPEAT=N: compile and walk N times first (for profilers).
    let repeat: usize = std::env::var("MASKPROF_REPEAT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    // The vocabulary's scans are shared by every grammar bound to it, as
    // a `Vocabulary` in Python shares them.
    let env = TokEnv::new(v.clone());
    for _ in 0..repeat {
        let cg = CompiledGrammar::new(g.clone(), Config::default()).unwrap();
        let tg = TokenGrammar::with_env(cg, env.clone(), MaskConfig::default()).unwrap();
        let mut m = TokenMatcher::new(tg);
        let mut mask = vec![0u32; v.mask_words()];
        for &t in &toks {
            m.fill_mask(&mut mask).unwrap();
            m.consume(t).unwrap();
        }
    }
    let tg = if std::env::var_os("MASKPROF_NOCACHE").is_some() {
        let cfg = MaskConfig {
            max_cache_bytes: 0,
            ..Default::default()
        };
        TokenGrammar::with_env(cg, env.clone(), cfg).unwrap()
    } else {
        TokenGrammar::with_env(cg, env.clone(), MaskConfig::default()).unwrap()
    };
    // MASKPROF_WARM=1: walk the input once untimed first (a warm cache).
    if std::env::var_os("MASKPROF_WARM").is_some() {
        let mut m = TokenMatcher::new(tg.clone());
        let mut mask = vec![0u32; v.mask_words()];
        for &t in &toks {
            m.fill_mask(&mut mask).unwrap();
            m.consume(t).unwrap();
        }
    }
    let mut m = TokenMatcher::new(tg.clone());
    let mut mask = vec![0u32; v.mask_words()];
    let mut times = Vec::with_capacity(toks.len());
    let mut ctx: Vec<(f64, Vec<u8>)> = Vec::new();
    let mut consumed: Vec<u8> = Vec::new();
    for &t in &toks {
        let t0 = Instant::now();
        m.fill_mask(&mut mask).unwrap();
        let us = t0.elapsed().as_secs_f64() * 1e6;
        times.push(us);
        if std::env::var_os("MASKPROF_SLOW").is_some() {
            let k = consumed.len().saturating_sub(24);
            ctx.push((us, consumed[k..].to_vec()));
        }
        consumed.extend_from_slice(v.bytes_or_empty(t));
        assert!(
            mask[(t / 32) as usize] >> (t % 32) & 1 == 1,
            "token {t} masked out"
        );
        m.consume(t).unwrap();
    }
    ctx.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (us, c) in ctx.iter().step_by((ctx.len() / 40).max(1)) {
        println!("{us:8.1} us  after {:?}", String::from_utf8_lossy(c));
    }
    times.sort_by(f64::total_cmp);
    let n = times.len();
    println!(
        "{n} masks: p50 {:.1} us, p90 {:.1}, p99 {:.1}, max {:.1}; cache {} walks, {:.1} MB",
        times[n / 2],
        times[n * 9 / 10],
        times[n * 99 / 100],
        times[n - 1],
        tg.cache_len(),
        tg.cache_bytes() as f64 / 1e6
    );
}
