use std::sync::Arc;

use super::*;
use crate::lark::{parse_lark, LarkOptions};
use crate::vocab::Vocabulary;
use crate::{CompiledGrammar, Config, TokenGrammar, TokenSpec, TokenizerKind};

const TOKS: [&str; 9] = ["{", "}", "\"", "a", "b", ":", "1", "</s>", "\"a\":"];
const EOS: u32 = 7;

fn vocab() -> Arc<Vocabulary> {
    let specs = TOKS
        .iter()
        .map(|t| TokenSpec::Normal(t.as_bytes().to_vec()))
        .collect();
    Arc::new(Vocabulary::new(specs, &[EOS], None, TokenizerKind::Raw).unwrap())
}

fn matcher(lark: &str) -> TokenMatcher {
    let g = parse_lark(lark, "<test>", &LarkOptions::default()).unwrap();
    let cg = CompiledGrammar::new(g, Config::default()).unwrap();
    TokenMatcher::new(TokenGrammar::new(cg, vocab()).unwrap())
}

/// Jump-forward tokens of the test vocabulary: the forced bytes, spelled
/// one byte-token at a time where they are whole tokens.
fn forced(m: &mut TokenMatcher) -> Result<Vec<TokenId>, Failure> {
    let bytes = m.forced_bytes();
    let mut out = Vec::new();
    for &b in &bytes {
        match TOKS.iter().position(|t| t.as_bytes() == [b]) {
            Some(i) => out.push(i as TokenId),
            None => break,
        }
    }
    let whole = out.len() == bytes.len();
    Ok(crate::forced::verify(m, &out, whole))
}

/// Every candidate is every token: the tree is the budget's best-first
/// expansion of the whole vocabulary.
fn everything(v: usize) -> impl FnMut(Option<TokenId>, TokenId, &mut Vec<TokenId>) {
    move |_, _, out| out.extend(0..v as TokenId)
}

fn check_tree(t: &DraftTree, max_nodes: usize, max_depth: u32) {
    assert!(t.len() <= max_nodes);
    for i in 0..t.len() {
        let p = t.parents[i];
        if p == ROOT {
            assert_eq!(t.depths[i], 1);
        } else {
            assert!((p as usize) < i, "parents come first");
            assert_eq!(t.depths[i], t.depths[p as usize] + 1);
        }
        assert!(t.depths[i] <= max_depth);
    }
}

#[test]
fn unguided_trees_keep_the_budget_and_the_depth() {
    let probs = [0.6, 0.2, 0.1, 0.05];
    let mut c = everything(4);
    let mut g = tree::Grow {
        max_nodes: 30,
        max_depth: 5,
        rank_prob: &probs,
        candidates: &mut c,
        cost: None,
        fed: 1,
        closed: None,
    };
    let t = tree::grow(&mut Unguided, &mut g, None, 0).unwrap();
    assert_eq!(t.len(), 30);
    check_tree(&t, 30, 5);
    // Best-first: the chain of first candidates goes deepest.
    assert_eq!(t.depths.iter().max(), Some(&5));
    let shape = template(80, 6);
    assert_eq!(shape.len(), 80);
    assert!(shape.iter().all(|&(p, _)| p == ROOT || (p as usize) < 80));
}

/// Every path of a guided tree is a prefix the grammar allows, and every
/// candidate the grammar allows below an expanded node is in the tree or
/// was cut by the budget alone.
#[test]
fn guided_trees_hold_only_what_the_grammar_allows() {
    let lark = r#"start: "{" (PAIR ("," PAIR)*)? "}"
PAIR: "\"" ("a"|"b")+ "\":" "1"
"#;
    let mut m = matcher(lark);
    let probs = [0.5; 9];
    let mut c = everything(TOKS.len());
    let mut g = tree::Grow {
        max_nodes: 200,
        max_depth: 6,
        rank_prob: &probs,
        candidates: &mut c,
        cost: None,
        fed: 1,
        closed: None,
    };
    let mut guide = MatcherGuide::new(&mut m, forced);
    let t = tree::grow(&mut guide, &mut g, None, 0).unwrap();
    check_tree(&t, 200, 6);
    assert!(t.pruned > 0, "the grammar cut something");
    assert_eq!(m.depth(), 0, "the matcher is back where it was");
    for i in 0..t.len() as u32 {
        let mut fresh = matcher(lark);
        for n in t.path(i) {
            assert!(
                fresh.consume(t.tokens[n as usize]).is_ok(),
                "path {:?}",
                t.path(i)
            );
        }
    }
    // The first level: exactly the tokens allowed first.
    let mut first: Vec<TokenId> = (0..t.len())
        .filter(|&i| t.parents[i] == ROOT)
        .map(|i| t.tokens[i])
        .collect();
    first.sort_unstable();
    let mut fresh = matcher(lark);
    let allowed: Vec<TokenId> = (0..TOKS.len() as TokenId)
        .filter(|&x| fresh.try_consume(x))
        .collect();
    assert_eq!(first, allowed);
}

#[test]
fn forced_tokens_are_certain_chains() {
    // After "{", the text `"a":1}` is forced.
    let lark = r#"start: "{" "\"a\":1" "}""#;
    let mut m = matcher(lark);
    assert!(m.consume(0).is_ok());
    let probs = [0.5; 9];
    let mut c = everything(TOKS.len());
    let mut g = tree::Grow {
        max_nodes: 50,
        max_depth: 8,
        rank_prob: &probs,
        candidates: &mut c,
        cost: None,
        fed: 1,
        closed: None,
    };
    let mut guide = MatcherGuide::new(&mut m, forced);
    let t = tree::grow(&mut guide, &mut g, None, 0).unwrap();
    // `"`, `a`, `"`, `:`, `1`, `}` forced one after another; then the
    // language is finished (generation stops without EOS).
    let chain: Vec<TokenId> = t.tokens.iter().copied().take(6).collect();
    assert_eq!(chain, vec![2, 3, 2, 5, 6, 1]);
    assert!(t.certain[..6].iter().all(|&c| c));
    assert_eq!(t.len(), 6);
}

#[test]
fn static_trees_fill_the_template_where_the_grammar_allows() {
    let lark = r#"start: ("a" | "b")+"#;
    let mut m = matcher(lark);
    let shape = template(80, 6);
    let mut c = |_: Option<TokenId>, _: TokenId, out: &mut Vec<TokenId>| out.extend([3, 4, 0, 1]);
    let mut guide = MatcherGuide::new(&mut m, forced);
    let t = tree::fill(&mut guide, &shape, 80, 6, &mut c, None, 3).unwrap();
    check_tree(&t, 80, 6);
    assert!(t.tokens.iter().all(|&x| x == 3 || x == 4));
    assert!(t.pruned > 0);
    assert!(t.len() > 20);
}

#[test]
fn the_drafter_learns_saves_and_loads() {
    let cfg = DraftConfig {
        source: Source::Both,
        ..DraftConfig::default()
    };
    let mut d = Drafter::new(TOKS.len(), cfg).unwrap();
    d.observe_accepted(&[0, 2, 3, 2, 5, 6, 1]);
    d.observe_top(3, &[2, 4]);
    let mut m = matcher(r#"start: "{" "\"" ("a"|"b")+ "\":" "1" "}""#);
    assert!(m.consume(0).is_ok());
    assert!(m.consume(2).is_ok());
    let mut guide = MatcherGuide::new(&mut m, forced);
    let t = d.draft(&mut guide, &[0, 2], 1).unwrap();
    // After `{"`: the tri-gram says `a`, then the adjacency row of `a`.
    assert_eq!(t.tokens.first(), Some(&3));
    let before = d.budget();
    let deepest = (0..t.len() as u32)
        .max_by_key(|&i| t.depths[i as usize])
        .unwrap();
    d.observe_verified(&t, &t.path(deepest));
    assert!(d.budget() > before);
    let bytes = d.to_bytes();
    let e = Drafter::from_bytes(&bytes, 1 << 20).unwrap();
    assert_eq!(e.to_bytes(), bytes);
    assert_eq!(e.adjacency().unwrap().row(3), &[2, 4]);
    assert_eq!(
        (e.vocab(), e.config.source, e.budget()),
        (TOKS.len(), Source::Both, d.budget())
    );
    // Too large for the memory bound, cut short, not a drafter file.
    assert!(Drafter::from_bytes(&bytes, 16).is_err());
    assert!(Drafter::from_bytes(&bytes[..bytes.len() - 3], 1 << 20).is_err());
    assert!(Drafter::from_bytes(b"garbage", 1 << 20).is_err());
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Drafter::from_bytes(&longer, 1 << 20).is_err());
    for cut in 0..bytes.len() {
        assert!(Drafter::from_bytes(&bytes[..cut], 1 << 20).is_err());
    }
    // Any byte flipped: an error or a drafter, never a panic.
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0xa5;
        let _ = Drafter::from_bytes(&b, 1 << 20);
    }
}

#[test]
fn a_cost_model_stops_growth_where_nodes_no_longer_pay() {
    let mut d = Drafter::new(TOKS.len(), DraftConfig::default()).unwrap();
    assert!(d.cost_line().is_none());
    // Passes cost 5 ms plus 1 ms a token: a node must be accepted with a
    // good chance to pay for itself.
    for n in [1usize, 5, 10, 20, 40, 5, 10] {
        d.observe_cost(n, 0.005 + 0.001 * n as f64);
    }
    let (a, b) = d.cost_line().unwrap();
    assert!(
        (a - 0.005).abs() < 1e-4 && (b - 0.001).abs() < 1e-5,
        "{a} {b}"
    );
    let probs = [0.5, 0.2, 0.1, 0.05];
    let grow_with = |cost: Option<(f64, f64)>| {
        let mut c = everything(4);
        let mut g = tree::Grow {
            max_nodes: 64,
            max_depth: 8,
            rank_prob: &probs,
            candidates: &mut c,
            cost,
            fed: 1,
            closed: None,
        };
        tree::grow(&mut Unguided, &mut g, None, 0).unwrap().len()
    };
    let free = grow_with(None);
    let priced = grow_with(Some((a, b)));
    assert_eq!(free, 64);
    assert!(priced > 0 && priced < 16, "{priced}");
    // Nearly free nodes: the budget decides again.
    assert_eq!(grow_with(Some((0.005, 1e-9))), 64);
}

/// Where the grammar allows only a few tokens, every one of them is drafted,
/// even with tables that know nothing; what the walk takes there is learned
/// apart from open nodes, and survives a save and a load (and a file of the
/// first format loads, with the closed statistics at their prior).
#[test]
fn closed_nodes_draft_every_allowed_token() {
    let lark = r#"start: "{" "\"" ("a"|"b")+ "\":" "1" "}""#;
    let draft_after_quote = |d: &Drafter| {
        let mut m = matcher(lark);
        assert!(m.consume(0).is_ok() && m.consume(2).is_ok());
        let mut guide = MatcherGuide::new(&mut m, forced);
        let t = d.draft(&mut guide, &[0, 2], 1).unwrap();
        assert_eq!(m.depth(), 2, "the matcher is back where it was");
        t
    };
    let open = DraftConfig {
        closed_limit: 0,
        cost_aware: false,
        ..DraftConfig::default()
    };
    let empty = Drafter::new(TOKS.len(), open.clone()).unwrap();
    assert!(
        draft_after_quote(&empty).is_empty(),
        "no table knows a thing"
    );
    let mut d = Drafter::new(
        TOKS.len(),
        DraftConfig {
            closed_limit: 4,
            ..open
        },
    )
    .unwrap();
    let t = draft_after_quote(&d);
    let mut first: Vec<TokenId> = (0..t.len())
        .filter(|&i| t.parents[i] == ROOT)
        .map(|i| t.tokens[i])
        .collect();
    first.sort_unstable();
    assert_eq!(first, vec![3, 4], "`a` and `b`: all the grammar allows");
    assert!(t.ranks.iter().all(|&r| r == EXTRA || r == u8::MAX), "{t:?}");
    // Every path is one the grammar allows.
    for i in 0..t.len() as u32 {
        let mut fresh = matcher(lark);
        assert!(fresh.consume(0).is_ok() && fresh.consume(2).is_ok());
        for n in t.path(i) {
            assert!(fresh.consume(t.tokens[n as usize]).is_ok());
        }
    }
    // The walk takes `b`: the grammar's candidates gain.
    let before = d.extra_mass();
    let b = (0..t.len() as u32)
        .find(|&i| t.parents[i as usize] == ROOT && t.tokens[i as usize] == 4)
        .unwrap();
    d.observe_verified(&t, &[b]);
    assert!(d.extra_mass() > before);
    assert_eq!(
        d.rank_prob(),
        Drafter::new(TOKS.len(), DraftConfig::default())
            .unwrap()
            .rank_prob()
    );
    // Once the tables know `b`, it is drafted first at the closed node.
    d.observe_top(2, &[4, 1]);
    let t = draft_after_quote(&d);
    assert_eq!((t.tokens[0], t.ranks[0]), (4, CLOSED), "{t:?}");
    assert!(
        (0..t.len()).all(|i| t.parents[i] != ROOT || t.tokens[i] != 1),
        "`}}` is not allowed after `\"`"
    );
    assert_eq!(
        t.pruned, 0,
        "at closed nodes, refused candidates are not tried"
    );
    // Save and load; then the first format.
    let bytes = d.to_bytes();
    let e = Drafter::from_bytes(&bytes, 1 << 20).unwrap();
    assert_eq!(e.to_bytes(), bytes);
    assert_eq!((e.config.closed_limit, e.extra_mass()), (4, d.extra_mass()));
    let stats = 8 * (2 * RANKS + 1);
    let (head, tail) = bytes.split_at(bytes.len() - 8 - 2 * stats);
    let mut v1 = MAGIC_V1.to_vec();
    v1.extend_from_slice(&head[8..11]);
    v1.extend_from_slice(&head[19..]);
    v1.extend_from_slice(&tail[..8 * RANKS]);
    v1.extend_from_slice(&tail[stats..stats + 8 * RANKS]);
    v1.extend_from_slice(&tail[2 * stats..]);
    let old = Drafter::from_bytes(&v1, 1 << 20).unwrap();
    assert_eq!(old.config.closed_limit, DraftConfig::default().closed_limit);
    assert_eq!(old.rank_prob(), d.rank_prob());
    let fresh = Drafter::new(TOKS.len(), DraftConfig::default()).unwrap();
    assert_eq!(old.extra_mass(), fresh.extra_mass());
    assert_eq!(old.adjacency().unwrap().row(2), &[4, 1]);
}

/// `few` lists the allowed tokens, EOS aside, up to its limit and not past.
#[test]
fn few_lists_what_the_grammar_allows_up_to_a_limit() {
    let mut m = matcher(r#"start: "{" "\"" ("a"|"b")+ "\":" "1" "}""#);
    assert!(m.consume(0).is_ok() && m.consume(2).is_ok());
    let mut g = MatcherGuide::new(&mut m, forced);
    assert_eq!(g.few(2).unwrap(), Some(vec![3, 4]));
    assert_eq!(g.few(1).unwrap(), None);
    // After `a` of `start: "a"+`: `a` again, or EOS (not listed).
    let mut m = matcher(r#"start: "a"+"#);
    assert!(m.consume(3).is_ok());
    let mut g = MatcherGuide::new(&mut m, forced);
    assert_eq!(g.few(1).unwrap(), Some(vec![3]));
    assert_eq!(g.few(0).unwrap(), None);
    // Past the limit on closed_limit: refused.
    let cfg = DraftConfig {
        closed_limit: MAX_CLOSED_LIMIT + 1,
        ..DraftConfig::default()
    };
    assert!(Drafter::new(TOKS.len(), cfg).is_err());
}
