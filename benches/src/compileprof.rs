//! Compile time of every schema in a folder of JSONSchemaBench files, split
//! into its phases: `compileprof DIR [REPEAT] [FILTER]`. Schema to grammar
//! (`json_schema::compile`), grammar to lexer and parser tables
//! (`CompiledGrammar::new`). For profiling corral alone; the side-by-side
//! comparison is benches/schemabench.py. Each schema is compiled REPEAT
//! times (default 1) and the median kept. FILTER keeps the files whose
//! path contains it; `!FILTER` keeps those whose path does not.

use std::time::Instant;

use corral_core::{CompiledGrammar, Config};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = a.first() else {
        eprintln!("usage: compileprof DIR [REPEAT] [FILTER]");
        std::process::exit(2);
    };
    let repeat: usize = a.get(1).and_then(|s| s.parse().ok()).unwrap_or(1).max(1);
    let filter = a.get(2).cloned().unwrap_or_default();
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| match filter.strip_prefix('!') {
            Some(f) => !p.to_string_lossy().contains(f),
            None => p.to_string_lossy().contains(&filter),
        })
        .collect();
    names.sort();
    let mut rows = Vec::new();
    for p in names {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let schema = doc.get("schema").cloned().unwrap_or(doc);
        let (mut t1s, mut t2s) = (Vec::new(), Vec::new());
        for _ in 0..repeat {
            let t0 = Instant::now();
            let Ok(c) = corral_core::json_schema::compile(&schema, &Default::default()) else {
                break;
            };
            let t1 = Instant::now();
            let ok = CompiledGrammar::new(c.grammar, Config::default()).is_ok();
            let t2 = Instant::now();
            if !ok {
                break;
            }
            t1s.push((t1 - t0).as_secs_f64() * 1e3);
            t2s.push((t2 - t1).as_secs_f64() * 1e3);
        }
        if t1s.len() == repeat {
            let (s, g) = (pct(&mut t1s, 0.5), pct(&mut t2s, 0.5));
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            rows.push((s + g, s, g, name));
        }
    }
    let col = |f: fn(&(f64, f64, f64, String)) -> f64, rows: &[(f64, f64, f64, String)]| {
        let mut v: Vec<f64> = rows.iter().map(f).collect();
        let sum: f64 = v.iter().sum();
        format!(
            "p50 {:.2} p90 {:.2} p99 {:.2} max {:.1} sum {:.0} ms",
            pct(&mut v, 0.5),
            pct(&mut v, 0.9),
            pct(&mut v, 0.99),
            pct(&mut v, 1.0),
            sum
        )
    };
    println!("{} schemas, median of {repeat}", rows.len());
    println!("total   {}", col(|r| r.0, &rows));
    println!("schema  {}", col(|r| r.1, &rows));
    println!("grammar {}", col(|r| r.2, &rows));
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    // COMPILEPROF_ALL=1 lists every schema, not the slowest 15.
    let n = if std::env::var_os("COMPILEPROF_ALL").is_some() {
        rows.len()
    } else {
        15
    };
    for r in rows.iter().take(n) {
        println!("{:9.2} {:9.2} {:9.2}  {}", r.0, r.1, r.2, r.3);
    }
}
