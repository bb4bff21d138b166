use super::chart::Item;
use super::tables::Tuning;
use super::tables::END;
use super::*;
use crate::grammar::{Grammar, NtId, Production, Span, Symbol, TermExpr, TermId, Terminal};
use crate::sample::Rng;
use std::collections::BTreeSet;

fn grammar(n_terms: usize, n_nts: usize, productions: Vec<Production>) -> Grammar {
    Grammar {
        terminals: (0..n_terms)
            .map(|i| Terminal {
                name: format!("T{i}"),
                expr: TermExpr::Literal {
                    value: format!("{i}"),
                    ci: false,
                },
                priority: 0,
                declared_only: false,
                generated: false,
                span: Span::default(),
            })
            .collect(),
        nonterminals: (0..n_nts).map(|i| format!("n{i}")).collect(),
        productions,
        start: NtId::new(0),
        ignore: Vec::new(),
        warnings: Vec::new(),
        sources: Vec::new(),
        distinct_keys: false,
        distinct_items: Vec::new(),
        value_guards: Vec::new(),
        key_counts: Vec::new(),
        allow_empty: false,
    }
}

/// A random grammar over 3 terminals: short right sides, many of them
/// nullable, references mostly to nearby nonterminals (chains and
/// cycles of predictions).
fn random_grammar(rng: &mut Rng) -> Grammar {
    let n = 1 + rng.below(40);
    let mut prods = Vec::new();
    for lhs in 0..n as u32 {
        for _ in 0..1 + rng.below(3) {
            let len = rng.below(4);
            let rhs = (0..len)
                .map(|_| {
                    if rng.chance(0.35) {
                        T(rng.below(3) as u32)
                    } else if rng.chance(0.7) {
                        N(((lhs as usize + rng.below(4)) % n) as u32)
                    } else {
                        N(rng.below(n) as u32)
                    }
                })
                .collect();
            prods.push(Production {
                lhs: NtId::new(lhs),
                rhs,
            });
        }
    }
    grammar(3, n, prods)
}

/// Nullable nonterminals by passes until nothing changes.
fn naive_nullable(g: &Grammar) -> Vec<bool> {
    let mut nullable = vec![false; g.nonterminals.len()];
    loop {
        let mut changed = false;
        for p in &g.productions {
            if !nullable[p.lhs.index()]
                && p.rhs
                    .iter()
                    .all(|s| matches!(*s, Symbol::N(n) if nullable[n.index()]))
            {
                nullable[p.lhs.index()] = true;
                changed = true;
            }
        }
        if !changed {
            return nullable;
        }
    }
}

/// A textbook Earley recognizer over terminal ids: item sets closed by
/// predicting, completing and skipping nullables until nothing changes.
/// Items are (production, dot, origin); one set per input position.
fn naive_sets(g: &Grammar, input: &[u32]) -> Vec<BTreeSet<(usize, usize, usize)>> {
    let nullable = naive_nullable(g);
    let mut sets: Vec<BTreeSet<(usize, usize, usize)>> = Vec::new();
    let close = |sets: &mut Vec<BTreeSet<(usize, usize, usize)>>, k: usize| loop {
        let items: Vec<_> = sets[k].iter().copied().collect();
        let before = sets[k].len();
        for (p, d, o) in items {
            let rhs = &g.productions[p].rhs;
            match rhs.get(d) {
                Some(Symbol::N(n)) => {
                    for (q, pr) in g.productions.iter().enumerate() {
                        if pr.lhs == *n {
                            sets[k].insert((q, 0, k));
                        }
                    }
                    if nullable[n.index()] {
                        sets[k].insert((p, d + 1, o));
                    }
                }
                Some(Symbol::T(_)) => {}
                None => {
                    let lhs = g.productions[p].lhs;
                    let waiting: Vec<_> = sets[o]
                        .iter()
                        .filter(|&&(q, e, _)| g.productions[q].rhs.get(e) == Some(&Symbol::N(lhs)))
                        .copied()
                        .collect();
                    for (q, e, o2) in waiting {
                        sets[k].insert((q, e + 1, o2));
                    }
                }
            }
        }
        if sets[k].len() == before {
            break;
        }
    };
    sets.push(
        g.productions
            .iter()
            .enumerate()
            .filter(|(_, p)| p.lhs == g.start)
            .map(|(q, _)| (q, 0, 0))
            .collect(),
    );
    close(&mut sets, 0);
    for (k, &t) in input.iter().enumerate() {
        let next: BTreeSet<_> = sets[k]
            .iter()
            .filter(|&&(p, d, _)| g.productions[p].rhs.get(d) == Some(&T(t)))
            .map(|&(p, d, o)| (p, d + 1, o))
            .collect();
        sets.push(next);
        close(&mut sets, k + 1);
    }
    sets
}

fn naive_accepts(g: &Grammar, input: &[u32]) -> bool {
    naive_sets(g, input)[input.len()].iter().any(|&(p, d, o)| {
        o == 0 && g.productions[p].lhs == g.start && d == g.productions[p].rhs.len()
    })
}

/// The default sizes; small ones (closures split into nodes, every row
/// indexed); and no closure kept nor row indexed.
fn tunings() -> [Tuning; 3] {
    [
        Tuning::default(),
        Tuning {
            closure_cap: 4,
            index_roots: 1,
            index_items: 2,
        },
        Tuning {
            closure_cap: 0,
            index_roots: usize::MAX,
            index_items: usize::MAX,
        },
    ]
}

fn chart_accepts(t: &Tables, input: &[u32]) -> bool {
    let cfg = EarleyConfig::default();
    let mut chart = Chart::new(t);
    let mut k = chart.push_initial(t, &cfg).unwrap();
    for &term in input {
        let term = TermId::new(term);
        if !chart.row_terms(k).contains(&term) {
            return false;
        }
        k = chart.push_scan(t, &cfg, &[(k, term)]).unwrap();
    }
    chart.rows[k as usize].accepting
}

/// The nullable sets, and the recognizer with closures kept, split into
/// nodes, and with rows indexed, agree with the textbook algorithm.
#[test]
fn recognizer_agrees_with_a_textbook_earley() {
    let mut rng = Rng::new(7);
    let tunings = tunings();
    for _ in 0..300 {
        let g = random_grammar(&mut rng);
        let nullable = naive_nullable(&g);
        let tables: Vec<Tables> = tunings.iter().map(|&tu| Tables::tuned(&g, tu)).collect();
        assert_eq!(&tables[0].nullable[..nullable.len()], &nullable[..]);
        for _ in 0..20 {
            let input: Vec<u32> = (0..rng.below(6)).map(|_| rng.below(3) as u32).collect();
            let want = naive_accepts(&g, &input);
            for (tu, t) in tunings.iter().zip(&tables) {
                assert_eq!(chart_accepts(t, &input), want, "{input:?} {tu:?} {g:?}");
            }
        }
        // Rolling back and going on gives the same answers.
        let t = &tables[1];
        let cfg = EarleyConfig::default();
        let mut chart = Chart::new(t);
        chart.push_initial(t, &cfg).unwrap();
        let k = chart.rows.len() as u32 - 1;
        for &term in chart.row_terms(k).to_vec().iter() {
            chart.truncate(1);
            let r = chart.push_scan(t, &cfg, &[(0, term)]).unwrap();
            let input = [term.as_u32()];
            assert_eq!(chart.rows[r as usize].accepting, naive_accepts(&g, &input));
        }
    }
}

/// A chain of rules, each predicting the next: the tables grow
/// linearly (the closure of the first rule holds all the others).
#[test]
fn tables_of_a_chain_are_linear() {
    for n in [1_000u32, 20_000] {
        let mut prods: Vec<Production> = (0..n).map(|i| prod(i, &[N(i + 1)])).collect();
        prods.push(prod(n, &[T(0)]));
        let g = grammar(1, n as usize + 1, prods);
        let t = Tables::new(&g);
        let entries: usize = t.closure_next.iter().map(|c| c.len()).sum::<usize>()
            + t.closure_nodes.iter().map(|c| c.len()).sum::<usize>();
        let cap = Tuning::default().closure_cap;
        assert!(entries <= 4 * n as usize + cap * cap, "{n}: {entries}");
        assert!(chart_accepts(&t, &[0]));
        assert!(!chart_accepts(&t, &[0, 0]));
    }
}

fn prod(lhs: u32, rhs: &[Symbol]) -> Production {
    Production {
        lhs: NtId::new(lhs),
        rhs: rhs.to_vec(),
    }
}

/// Terminal `i` as a symbol, for grammars written by hand.
#[allow(non_snake_case)]
fn T(i: u32) -> Symbol {
    Symbol::T(TermId::new(i))
}

/// Nonterminal `i` as a symbol.
#[allow(non_snake_case)]
fn N(i: u32) -> Symbol {
    Symbol::N(NtId::new(i))
}

/// Terminal ids from their indices.
fn ids(ts: &[u32]) -> Vec<TermId> {
    ts.iter().copied().map(TermId::new).collect()
}

/// The first dotted position of each production: the tables lay the
/// productions out in order, each followed by its end marker.
fn first_dots(g: &Grammar) -> Vec<u32> {
    let mut out = Vec::new();
    let mut d = 0u32;
    for p in &g.productions {
        out.push(d);
        d += p.rhs.len() as u32 + 1;
    }
    out
}

/// The items of chart row `k` still waiting for a symbol, as (dotted
/// position, origin): the explicit ones and those its roots' closures
/// predict, less the augmented start's.
fn live_items(t: &Tables, chart: &Chart, k: u32) -> BTreeSet<(u32, u32)> {
    let mut out: BTreeSet<(u32, u32)> = chart
        .row_items(k)
        .iter()
        .filter(|w| t.dot_next[w.dot as usize] != END)
        .map(|w| (w.dot, w.origin))
        .collect();
    for &root in chart.row_roots(k) {
        out.extend(t.closure_next[root as usize].iter().map(|&(_, d)| (d, k)));
    }
    out.retain(|&(d, _)| t.dot_lhs[d as usize] != t.aug);
    out
}

/// A nullable start, nullable through several rules, recursion without a
/// finite derivation, a cycle, and a terminal among nullables.
#[test]
fn nullable_nonterminals_by_hand() {
    let prods = vec![
        prod(0, &[N(1), N(2)]),
        prod(1, &[]),
        prod(1, &[T(0)]),
        prod(2, &[N(1), N(1)]),
        prod(3, &[N(3)]),
        prod(4, &[N(3)]),
        prod(4, &[]),
        prod(5, &[N(6), T(0)]),
        prod(6, &[]),
        prod(7, &[N(8)]),
        prod(8, &[N(7)]),
        prod(9, &[N(7)]),
        prod(9, &[N(2), N(1), N(0)]),
        prod(10, &[N(9), N(5)]),
    ];
    let want = [
        true, true, true, false, true, false, true, false, false, true, false,
    ];
    for start in 0..want.len() as u32 {
        let mut g = grammar(1, want.len(), prods.clone());
        g.start = NtId::new(start);
        let t = Tables::new(&g);
        // The augmented start comes last, nullable as the start is.
        assert_eq!(t.nullable.len(), want.len() + 1);
        assert_eq!(&t.nullable[..want.len()], &want);
        assert_eq!(t.nullable[want.len()], want[start as usize]);
        assert_eq!(chart_accepts(&t, &[]), want[start as usize], "{start}");
    }
}

/// Long chains (nullability found at either end) take a worklist, not
/// passes; the answers agree with passes on random grammars.
#[test]
fn nullable_on_chains_and_random_grammars() {
    let n = 50_000u32;
    for (tail, nullable) in [(vec![], true), (vec![T(0)], false)] {
        // n_i -> n_{i+1} n_{i+1}: nullable iff the last one is.
        let mut prods: Vec<Production> = (0..n).map(|i| prod(i, &[N(i + 1), N(i + 1)])).collect();
        prods.push(prod(n, &tail));
        let t = Tables::new(&grammar(1, n as usize + 1, prods));
        assert!(t.nullable.iter().all(|&x| x == nullable));
        // n_i -> n_{i-1}, the other way round.
        let mut prods: Vec<Production> = (1..=n).map(|i| prod(i, &[N(i - 1)])).collect();
        prods.push(prod(0, &tail));
        let t = Tables::new(&grammar(1, n as usize + 1, prods));
        assert!(t.nullable.iter().all(|&x| x == nullable));
    }
    let mut rng = Rng::new(3);
    for _ in 0..500 {
        let g = random_grammar(&mut rng);
        let mut want = naive_nullable(&g);
        want.push(want[g.start.index()]);
        assert_eq!(Tables::new(&g).nullable, want, "{g:?}");
    }
}

/// The first row predicts the start's closure: every production of every
/// nonterminal reachable at the left, each also past its leading
/// nullable symbols, and the terminals those items wait for.
#[test]
fn prediction_closure_by_hand() {
    // n0 -> n1 n2 T2; n1 -> ε | T0; n2 -> n1 T1; n3 -> T0 (unreachable).
    let g = grammar(
        3,
        4,
        vec![
            prod(0, &[N(1), N(2), T(2)]),
            prod(1, &[]),
            prod(1, &[T(0)]),
            prod(2, &[N(1), T(1)]),
            prod(3, &[T(0)]),
        ],
    );
    let d = first_dots(&g);
    let want: BTreeSet<(u32, u32)> = [d[0], d[0] + 1, d[2], d[3], d[3] + 1]
        .into_iter()
        .map(|dot| (dot, 0))
        .collect();
    for tu in tunings() {
        let t = Tables::tuned(&g, tu);
        let cfg = EarleyConfig::default();
        let mut chart = Chart::new(&t);
        let k = chart.push_initial(&t, &cfg).unwrap();
        assert_eq!(live_items(&t, &chart, k), want, "{tu:?}");
        assert_eq!(chart.row_terms(k), ids(&[0, 1]));
        assert!(!chart.rows[k as usize].accepting);
        // After T0 the item n0 -> n1 . n2 T2 (n1 done) predicts n2 again,
        // and n2 -> n1 . T1 comes from n1 being nullable.
        let k = chart.push_scan(&t, &cfg, &[(k, TermId::new(0))]).unwrap();
        assert_eq!(chart.row_terms(k), ids(&[0, 1]));
        assert!(live_items(&t, &chart, k).contains(&(d[0] + 1, 0)));
        assert!(live_items(&t, &chart, k).contains(&(d[3] + 1, k)));
    }
}

/// Along random inputs, each row's items waiting for a symbol (explicit,
/// or predicted by its roots' closures) are the textbook Earley set's,
/// origins mapped to rows; its terminals are those they wait for; it
/// accepts when the textbook set does.
#[test]
fn rows_hold_the_textbook_items() {
    let mut rng = Rng::new(11);
    for _ in 0..150 {
        let g = random_grammar(&mut rng);
        let dots = first_dots(&g);
        for tu in tunings() {
            let t = Tables::tuned(&g, tu);
            for c in &t.closure_next {
                assert!(c.windows(2).all(|w| w[0] < w[1]));
                assert!(c.iter().all(|&(s, d)| t.dot_next[d as usize] == s));
            }
            let cfg = EarleyConfig::default();
            let mut chart = Chart::new(&t);
            let mut rows = vec![chart.push_initial(&t, &cfg).unwrap()];
            let mut input = Vec::new();
            loop {
                let sets = naive_sets(&g, &input);
                let set = &sets[input.len()];
                let k = *rows.last().unwrap();
                let want: BTreeSet<(u32, u32)> = set
                    .iter()
                    .filter(|&&(p, d, _)| d < g.productions[p].rhs.len())
                    .map(|&(p, d, o)| (dots[p] + d as u32, rows[o]))
                    .collect();
                assert_eq!(live_items(&t, &chart, k), want, "{input:?} {tu:?} {g:?}");
                let terms: BTreeSet<u32> = set
                    .iter()
                    .filter_map(|&(p, d, _)| match g.productions[p].rhs.get(d) {
                        Some(&Symbol::T(x)) => Some(x.as_u32()),
                        _ => None,
                    })
                    .collect();
                assert_eq!(
                    chart.row_terms(k),
                    terms.iter().copied().map(TermId::new).collect::<Vec<_>>()
                );
                let accepts = naive_accepts(&g, &input);
                assert_eq!(chart.rows[k as usize].accepting, accepts);
                let roots = chart.row_roots(k);
                assert!(roots.windows(2).all(|w| w[0] < w[1]), "{roots:?}");
                if input.len() == 8 || terms.is_empty() {
                    break;
                }
                let term = *terms.iter().nth(rng.below(terms.len())).unwrap();
                input.push(term);
                rows.push(
                    chart
                        .push_scan(&t, &cfg, &[(k, TermId::new(term))])
                        .unwrap(),
                );
            }
        }
    }
}

/// Right recursion, directly, through a nullable alternative, and through
/// two nonterminals under a unit rule: with Leo's memo every row holds a
/// bounded number of items, so the chart grows linearly with the input
/// (without it, row k would hold about k completed items, as the textbook
/// sets do).
#[test]
fn leo_keeps_right_recursion_linear() {
    let grammars = [
        grammar(1, 1, vec![prod(0, &[T(0), N(0)]), prod(0, &[T(0)])]),
        grammar(1, 1, vec![prod(0, &[T(0), N(0)]), prod(0, &[])]),
        grammar(
            2,
            3,
            vec![
                prod(0, &[N(1)]),
                prod(1, &[T(0), N(2)]),
                prod(1, &[T(0)]),
                prod(2, &[T(1), N(1)]),
            ],
        ),
    ];
    let cfg = EarleyConfig::default();
    for g in &grammars {
        for tu in tunings() {
            let t = Tables::tuned(g, tu);
            let mut sizes = Vec::new();
            for n in [501usize, 1_001, 2_001] {
                let mut chart = Chart::new(&t);
                let mut k = chart.push_initial(&t, &cfg).unwrap();
                let mut input = Vec::new();
                for _ in 0..n {
                    // The only terminal allowed: the input is a sentence
                    // at every other step at least.
                    let terms = chart.row_terms(k);
                    assert_eq!(terms.len(), 1, "{g:?}");
                    input.push(terms[0].as_u32());
                    k = chart.push_scan(&t, &cfg, &[(k, terms[0])]).unwrap();
                    assert!(chart.row_items(k).len() <= 4, "{} {g:?}", input.len());
                }
                assert_eq!(chart.rows.len(), n + 1);
                assert!(chart.rows[k as usize].accepting);
                assert!(chart.items.len() <= 4 * n, "{}", chart.items.len());
                assert!(chart.leo.len() <= 4 * n, "{}", chart.leo.len());
                sizes.push((chart.items.len(), chart.heap_bytes()));
            }
            for w in sizes.windows(2) {
                assert!(w[1].0 <= 2 * w[0].0 + 16, "{sizes:?}");
                assert!(w[1].1 <= 2 * w[0].1 + 4096, "{sizes:?}");
            }
        }
    }
    // The textbook sets are not linear: the bound above means something.
    let input = vec![0u32; 100];
    let sets = naive_sets(&grammars[0], &input);
    assert!(sets[100].len() > 100);
}

/// What a chart keeps between rows, less the Leo memo (compared apart)
/// and the serials (when `serials` is false).
#[derive(Debug, PartialEq)]
struct Snapshot {
    items: Vec<Item>,
    roots: Vec<u32>,
    terms: Vec<TermId>,
    waiting: Vec<(u32, Item)>,
    rows: Vec<[u64; 11]>,
}

fn snapshot(c: &Chart, serials: bool) -> Snapshot {
    Snapshot {
        items: c.items.clone(),
        roots: c.roots.clone(),
        terms: c.terms.clone(),
        waiting: c.waiting.clone(),
        rows: c
            .rows
            .iter()
            .map(|r| {
                [
                    r.items_start.into(),
                    r.items_end.into(),
                    r.roots_start.into(),
                    r.roots_end.into(),
                    r.terms_start.into(),
                    r.terms_end.into(),
                    r.waiting_start.into(),
                    r.waiting_end.into(),
                    r.accepting.into(),
                    r.lex_start.index() as u64,
                    if serials { r.serial } else { 0 },
                ]
            })
            .collect(),
    }
}

/// A chart over `input` from scratch, and the row after each position.
fn chart_on(t: &Tables, input: &[u32]) -> (Chart, Vec<u32>) {
    let cfg = EarleyConfig::default();
    let mut chart = Chart::new(t);
    let mut rows = vec![chart.push_initial(t, &cfg).unwrap()];
    for &term in input {
        let term = TermId::new(term);
        let k = *rows.last().unwrap();
        assert!(chart.row_terms(k).contains(&term));
        rows.push(chart.push_scan(t, &cfg, &[(k, term)]).unwrap());
    }
    (chart, rows)
}

/// A random walk of allowed terminals from row `k`, at most `n` long.
fn walk(t: &Tables, chart: &mut Chart, mut k: u32, n: usize, rng: &mut Rng) -> Vec<u32> {
    let cfg = EarleyConfig::default();
    let mut out = Vec::new();
    while out.len() < n {
        let terms = chart.row_terms(k);
        if terms.is_empty() {
            break;
        }
        let term = terms[rng.below(terms.len())];
        out.push(term.as_u32());
        k = chart.push_scan(t, &cfg, &[(k, term)]).unwrap();
    }
    out
}

/// `a` holds `b`'s Leo memo: the same entries, logged in the same order,
/// and past them only entries logged while building the row at `len`
/// (about rows below it, which are still there).
fn leo_extends(a: &Chart, b: &Chart, len: usize) {
    assert!(a.leo_log.starts_with(&b.leo_log));
    for &(r, nt, at) in &a.leo_log[b.leo_log.len()..] {
        assert_eq!(at as usize, len);
        assert!((r as usize) < len);
        assert!(a.leo.contains_key(&(r, nt)));
    }
    assert_eq!(a.leo.len(), a.leo_log.len());
    for (key, e) in &b.leo {
        assert_eq!(a.leo.get(key), Some(e));
    }
}

/// Truncating a chart to the rows it had after a prefix gives back the
/// chart built on that prefix alone (rows, items, predictions, terminals,
/// indexes, serials and row index); going on from there with another
/// suffix gives the chart built on the whole new input.
#[test]
fn truncate_restores_the_chart_of_the_prefix() {
    let mut rng = Rng::new(5);
    let cfg = EarleyConfig::default();
    for _ in 0..150 {
        let g = random_grammar(&mut rng);
        for tu in tunings() {
            let t = Tables::tuned(&g, tu);
            let mut full = Chart::new(&t);
            let k0 = full.push_initial(&t, &cfg).unwrap();
            let input = walk(&t, &mut full, k0, 10, &mut rng);
            let (full, _) = chart_on(&t, &input);
            // Rows after each prefix, in the chart over the whole input.
            let mut lens = Vec::new();
            for m in 0..=input.len() {
                lens.push(chart_on(&t, &input[..m]).0.rows.len());
            }
            for m in 0..=input.len() {
                let len = lens[m];
                let mut cut = full.clone();
                cut.truncate(len);
                let (fresh, rows) = chart_on(&t, &input[..m]);
                assert_eq!(
                    snapshot(&cut, true),
                    snapshot(&fresh, true),
                    "{m} {input:?} {g:?}"
                );
                let live = |c: &Chart| -> BTreeSet<(u64, u32)> {
                    c.row_index
                        .iter()
                        .filter(|&(_, &k)| (k as usize) < len)
                        .map(|(&h, &k)| (h, k))
                        .collect()
                };
                assert_eq!(live(&cut), live(&fresh));
                leo_extends(&cut, &fresh, len);
                // Another way on from the prefix.
                let last_serial = full.rows.iter().map(|r| r.serial).max().unwrap();
                let k = *rows.last().unwrap();
                let mut on = cut;
                let suffix = walk(&t, &mut on, k, 6, &mut rng);
                let whole: Vec<u32> = input[..m].iter().chain(&suffix).copied().collect();
                let (fresh, _) = chart_on(&t, &whole);
                assert_eq!(snapshot(&on, false), snapshot(&fresh, false), "{whole:?}");
                assert!(on.rows[len..].iter().all(|r| r.serial > last_serial));
                for (h, k) in &fresh.row_index {
                    assert_eq!(on.row_index.get(h), Some(k));
                }
                for (key, e) in &fresh.leo {
                    assert_eq!(on.leo.get(key), Some(e));
                }
            }
        }
    }
}

/// The strings over 3 terminals of length up to `MAX_LEN`, numbered by
/// length, then as base-3 numbers.
const MAX_LEN: usize = 5;

fn string_index(s: &[u32]) -> usize {
    let offset: usize = (0..s.len()).map(|l| 3usize.pow(l as u32)).sum();
    offset + s.iter().fold(0, |v, &c| 3 * v + c as usize)
}

/// All the strings, in the order of their numbers.
fn all_strings() -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new()];
    for len in 1..=MAX_LEN {
        for v in 0..3usize.pow(len as u32) {
            out.push(
                (0..len)
                    .rev()
                    .map(|i| (v / 3usize.pow(i as u32) % 3) as u32)
                    .collect(),
            );
        }
    }
    out
}

/// Which strings of length up to [`MAX_LEN`] each nonterminal derives: a
/// fixpoint of the productions on sets of such strings (every part of a
/// short string is short, so the bound loses nothing).
fn short_languages(g: &Grammar, strings: &[Vec<u32>]) -> Vec<Vec<bool>> {
    let len: Vec<usize> = strings.iter().map(|s| s.len()).collect();
    let concat = |a: usize, b: usize| {
        let offset: usize = (0..len[a] + len[b]).map(|l| 3usize.pow(l as u32)).sum();
        let val = |i: usize| i - (0..len[i]).map(|l| 3usize.pow(l as u32)).sum::<usize>();
        offset + val(a) * 3usize.pow(len[b] as u32) + val(b)
    };
    let mut lang = vec![vec![false; strings.len()]; g.nonterminals.len()];
    loop {
        let mut changed = false;
        for p in &g.productions {
            let mut cur: Vec<usize> = vec![0];
            for s in &p.rhs {
                let parts: Vec<usize> = match *s {
                    Symbol::T(t) => vec![string_index(&[t.as_u32()])],
                    Symbol::N(n) => (0..strings.len()).filter(|&i| lang[n.index()][i]).collect(),
                };
                let mut next = BTreeSet::new();
                for &a in &cur {
                    // `parts` is sorted by length.
                    for &b in parts.iter().take_while(|&&b| len[a] + len[b] <= MAX_LEN) {
                        next.insert(concat(a, b));
                    }
                }
                cur = next.into_iter().collect();
            }
            for i in cur {
                if !lang[p.lhs.index()][i] {
                    lang[p.lhs.index()][i] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return lang;
        }
    }
}

/// The strings derivable from the start, and the chart to check against.
struct Explore<'a> {
    t: &'a Tables,
    chart: Chart,
    strings: &'a [Vec<u32>],
    start: &'a [bool],
}

impl Explore<'_> {
    /// Checks string `s`, which ends at row `k`, then each longer one.
    fn explore(&mut self, k: u32, s: &mut Vec<u32>) {
        let accepting = self.chart.rows[k as usize].accepting;
        assert_eq!(accepting, self.start[string_index(s)], "{s:?}");
        if s.len() == MAX_LEN {
            return;
        }
        for c in 0..3u32 {
            s.push(c);
            if self.chart.row_terms(k).contains(&TermId::new(c)) {
                let before = self.chart.rows.len();
                let cfg = EarleyConfig::default();
                let k2 = self
                    .chart
                    .push_scan(self.t, &cfg, &[(k, TermId::new(c))])
                    .unwrap();
                self.explore(k2, s);
                self.chart.truncate(before);
            } else {
                let (strings, start) = (self.strings, self.start);
                let live = (0..strings.len()).any(|i| start[i] && strings[i].starts_with(s));
                assert!(!live, "{s:?} refused");
            }
            s.pop();
        }
    }
}

/// Every string up to [`MAX_LEN`] long, on random grammars: the chart
/// accepts exactly those the grammar derives (found by brute force), and
/// a terminal it refuses starts no derivable string. The strings are
/// walked depth first, rolling the chart back after each.
#[test]
fn recognizer_agrees_with_brute_force() {
    let strings = all_strings();
    for (i, s) in strings.iter().enumerate() {
        assert_eq!(string_index(s), i);
    }
    let mut rng = Rng::new(13);
    for _ in 0..200 {
        let g = random_grammar(&mut rng);
        let lang = short_languages(&g, &strings);
        for tu in tunings() {
            let t = Tables::tuned(&g, tu);
            let mut chart = Chart::new(&t);
            let k = chart.push_initial(&t, &EarleyConfig::default()).unwrap();
            let mut e = Explore {
                t: &t,
                chart,
                strings: &strings,
                start: &lang[g.start.index()],
            };
            let run = std::panic::AssertUnwindSafe(|| e.explore(k, &mut Vec::new()));
            if let Err(err) = std::panic::catch_unwind(run) {
                eprintln!("{tu:?} {g:?}");
                std::panic::resume_unwind(err);
            }
        }
    }
}
