//! Target: matcher (fixed grammars, vocabularies and operation sequences
//! from the input).

use std::sync::{Arc, OnceLock};

use corral_core::json_schema::{self, Whitespace};
use corral_core::lark::{parse_lark, LarkOptions};
use corral_core::{
    CompiledGrammar, Config, Grammar, MatchErrorKind, Matcher, TokenGrammar, TokenId, TokenMatcher,
    Vocabulary,
};
use serde_json::Value;

use super::bytes::check_forced_bytes;
use super::common::{debug, gave_up, mask_config, Input};
use super::masks::{bit, check_mask, expected_allowed, vocabulary};
use super::watchdog::Watch;

/// A fixed grammar and the byte strings its vocabularies are made of.
struct Fixed {
    name: &'static str,
    cg: Arc<CompiledGrammar>,
    fragments: &'static [&'static str],
}

const SCHEMA: &str = r#"{"type": "object",
 "properties": {
  "name": {"type": "string", "maxLength": 5},
  "age": {"type": "integer", "minimum": 0, "maximum": 120},
  "tags": {"type": "array", "items": {"enum": ["a", "b", "ab"]}, "maxItems": 3},
  "ok": {"type": "boolean"},
  "x": {"anyOf": [{"type": "null"}, {"type": "number", "multipleOf": 0.5}]}},
 "required": ["name"],
 "additionalProperties": false}"#;

const AMBIGUOUS: &str = r#"start: item+
item: A | B | W | "(" start ")"
A: /[a-c]/
B: /[a-c]{2}/
W: "ab" | "abc"
%ignore " "
"#;

fn fixed() -> &'static [Fixed] {
    static FIXED: OnceLock<Vec<Fixed>> = OnceLock::new();
    FIXED.get_or_init(|| {
        let lark = |text: &str, ws: Option<u32>| {
            let g = parse_lark(text, "<fixed>", &LarkOptions::default()).expect("fixed grammar");
            let cfg = Config {
                whitespace_limit: ws,
                ..Config::default()
            };
            CompiledGrammar::new(g, cfg).expect("fixed grammar")
        };
        let schema: Value = serde_json::from_str(SCHEMA).expect("fixed schema");
        let opts = json_schema::Options {
            whitespace: Whitespace::Flexible { max_run: 2 },
            ..json_schema::Options::default()
        };
        let schema = json_schema::compile(&schema, &opts).expect("fixed schema");
        let regex = Grammar::from_regex("(ab|a)*c?[0-9]{1,3}", "");
        vec![
            Fixed {
                name: "json.lark",
                cg: lark(include_str!("../../../../grammars/json.lark"), Some(3)),
                fragments: &[
                    "{", "}", "[", "]", ",", ":", "\"", "\\", "true", "false", "null", "0", "1",
                    "-", ".", "e", "+", "a", " ", "\n", "\\u00", "\u{e9}", "\"a\"", "12",
                ],
            },
            Fixed {
                name: "arith.lark",
                cg: lark(include_str!("../../../../grammars/arith.lark"), None),
                fragments: &[
                    "1", "2", "0", ".", "e", "E", "+", "-", "*", "/", "%", "**", "(", ")", ",",
                    "x", "max", "_", " ", "\t",
                ],
            },
            Fixed {
                name: "csv.lark",
                cg: lark(include_str!("../../../../grammars/csv.lark"), None),
                fragments: &["a", ",", "\"", "\"\"", "\r\n", "\n", "\r", " ", "b"],
            },
            Fixed {
                name: "schema",
                cg: CompiledGrammar::new(schema.grammar, Config::default()).expect("fixed schema"),
                fragments: &[
                    "{", "}", "\"name\"", "\"age\"", "\"tags\"", "\"ok\"", "\"x\"", ":", ",", "\"",
                    "a", "b", "ab", "[", "]", "1", "0", "12", ".5", "-", "true", "false", "null",
                    " ", "\n", "\\", "u", "\u{e9}", "e",
                ],
            },
            Fixed {
                name: "regex",
                cg: CompiledGrammar::new(regex, Config::default()).expect("fixed regex"),
                fragments: &["a", "b", "c", "0", "9", "ab", "aba"],
            },
            Fixed {
                name: "ambiguous",
                cg: lark(AMBIGUOUS, Some(2)),
                fragments: &["a", "b", "c", "ab", "abc", " ", "(", ")"],
            },
            Fixed {
                name: "sql.lark",
                cg: lark(include_str!("../../../../grammars/sql.lark"), Some(2)),
                fragments: &[
                    "SELECT", "select", " ", "*", "FROM", "t", "WHERE", "x", "=", "1", "'", "a",
                    ",", "(", ")", ";", "AND", "JOIN", "ON", ".", "\n", "--", "\"",
                ],
            },
        ]
    })
}

/// One consume call as the model sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Token(TokenId),
    Eos,
    Refused,
}

/// One sequence: the matcher, what it was fed, and the masks seen at each
/// depth (to check that a rollback restores them).
#[derive(Clone)]
struct Lane {
    tm: TokenMatcher,
    steps: Vec<Step>,
    masks: Vec<Option<Vec<u32>>>,
}

impl Lane {
    /// The byte matcher fed the same tokens from scratch, or None once the
    /// sequence is in error or ended.
    fn reference(&self, cg: &Arc<CompiledGrammar>, vocab: &Vocabulary) -> Option<Matcher> {
        if self.steps.iter().any(|s| !matches!(s, Step::Token(_))) {
            return None;
        }
        let mut m = Matcher::new(cg.clone());
        for s in &self.steps {
            if let Step::Token(t) = s {
                let ok = m.consume_bytes(vocab.bytes_or_empty(*t));
                assert!(
                    ok || gave_up(&m),
                    "a consumed token is refused when replayed"
                );
            }
        }
        Some(m)
    }

    fn record_mask(&mut self, mask: Vec<u32>) {
        let d = self.steps.len();
        if self.masks.len() <= d {
            self.masks.resize(d + 1, None);
        }
        if let Some(old) = &self.masks[d] {
            assert_eq!(
                old, &mask,
                "the mask at depth {d} changed (after a rollback or in a fork)"
            );
        }
        self.masks[d] = Some(mask);
    }

    fn truncate(&mut self, depth: usize) {
        self.steps.truncate(depth);
        self.masks.truncate(depth + 1);
    }

    fn check_state(&mut self, cg: &Arc<CompiledGrammar>, vocab: &Vocabulary) {
        assert_eq!(
            self.tm.depth(),
            self.steps.len(),
            "depth differs from the consume calls made"
        );
        let in_error = self.steps.contains(&Step::Refused);
        assert_eq!(
            self.tm.is_error(),
            in_error,
            "is_error() is wrong after {:?}",
            self.steps
        );
        let reference = self.reference(cg, vocab);
        if let Some(r) = &reference {
            if gave_up(r) {
                return;
            }
            assert_eq!(
                self.tm.is_accepting(),
                r.is_accepting(),
                "is_accepting differs from the byte matcher"
            );
        } else if !in_error {
            assert!(self.tm.is_accepting(), "not accepting after EOS");
        }
        if let Some(mask) = check_mask(&mut self.tm, reference.as_ref()) {
            self.record_mask(mask);
        }
    }
}

/// A vocabulary from the input: every byte of the grammar's fragments as a
/// token, then tokens glued from fragments and raw bytes, EOS, another
/// special token, a missing id and logits padding.
fn fuzz_vocabulary(inp: &mut Input<'_>, f: &Fixed) -> Option<Arc<Vocabulary>> {
    let mut tokens: Vec<Vec<u8>> = Vec::new();
    let mut singles: Vec<u8> = f.fragments.iter().flat_map(|s| s.bytes()).collect();
    singles.sort_unstable();
    singles.dedup();
    tokens.extend(singles.iter().map(|&b| vec![b]));
    for _ in 0..inp.below(40) {
        let mut t = Vec::new();
        if inp.below(6) == 0 {
            // A long run of one fragment (`aaaa...`): long tokens are
            // where ambiguous lexing costs most.
            let frag = f.fragments[inp.below(f.fragments.len())].as_bytes();
            for _ in 0..2 + inp.below(23) {
                t.extend_from_slice(frag);
            }
        } else {
            for _ in 0..1 + inp.below(3) {
                if inp.below(8) == 0 {
                    t.push(inp.byte());
                } else {
                    t.extend_from_slice(f.fragments[inp.below(f.fragments.len())].as_bytes());
                }
            }
        }
        tokens.push(t);
    }
    vocabulary(&tokens, inp.below(40))
}

/// A fixed grammar, a vocabulary and a sequence of operations, all read
/// from the input: consume, try_consume, fill_mask, rollback, fork, reset,
/// forced tokens, batch masks. Every mask is checked against the byte
/// matcher at the same prefix, every try_consume against the mask, every
/// mask after a rollback against the mask first seen at that depth, and
/// forks must not see each other's steps.
pub fn matcher(data: &[u8]) {
    let _watch = Watch::start();
    if data.len() > 4096 {
        return;
    }
    let mut inp = Input::new(data);
    let grammars = fixed();
    let f = &grammars[inp.below(grammars.len())];
    let Some(vocab) = fuzz_vocabulary(&mut inp, f) else {
        return;
    };
    if debug() {
        eprintln!("grammar {}; vocabulary (id: bytes):", f.name);
        for t in 0..vocab.vocab_size() as TokenId {
            eprintln!(
                "  {t}: {:?} {:?}",
                vocab.kind(t),
                String::from_utf8_lossy(vocab.bytes_or_empty(t))
            );
        }
    }
    let Ok(tg) = TokenGrammar::with_config(f.cg.clone(), vocab.clone(), mask_config()) else {
        return;
    };
    let cg = tg.grammar.clone();
    let n_ids = vocab.vocab_size() + 2;
    let mut lanes = vec![Lane {
        tm: TokenMatcher::new(tg.clone()),
        steps: Vec::new(),
        masks: Vec::new(),
    }];
    let mut cur = 0;
    let mut ops = 0;
    while !inp.is_empty() && ops < 48 {
        ops += 1;
        let lane = &mut lanes[cur];
        let op = inp.below(13);
        if debug() {
            eprintln!("lane {cur} (depth {}): op {op}", lane.steps.len());
        }
        match op {
            // consume an allowed token (the usual case) or any id
            0..=3 => {
                let t = if inp.byte() & 3 != 0 {
                    let words = vocab.mask_words();
                    let mut mask = vec![0u32; words];
                    if lane.tm.fill_mask(&mut mask).is_err() {
                        continue;
                    }
                    let allowed: Vec<usize> =
                        (0..vocab.vocab_size()).filter(|&t| bit(&mask, t)).collect();
                    if allowed.is_empty() {
                        continue;
                    }
                    allowed[inp.below(allowed.len())] as TokenId
                } else {
                    inp.below(n_ids) as TokenId
                };
                let want = lane.tm.try_consume(t);
                let got = lane.tm.consume(t).is_ok();
                assert_eq!(
                    got, want,
                    "consume({t}) = {got} after try_consume said {want}"
                );
                let d = lane.steps.len();
                lane.truncate(d);
                lane.steps.push(if !got {
                    Step::Refused
                } else if vocab.eos_token_ids().contains(&t) {
                    Step::Eos
                } else {
                    Step::Token(t)
                });
            }
            4 => {
                let t = inp.below(n_ids) as TokenId;
                let depth = lane.tm.depth();
                let got = lane.tm.try_consume(t);
                assert_eq!(lane.tm.depth(), depth, "try_consume changed the depth");
                let reference = lane.reference(&cg, &vocab);
                if reference.as_ref().is_some_and(gave_up) {
                    continue;
                }
                if let Some(want) = expected_allowed(&vocab, reference.as_ref(), t) {
                    assert_eq!(
                        got, want,
                        "try_consume({t}) = {got}, the byte matcher says {want}"
                    );
                }
            }
            5 | 6 => lane.check_state(&cg, &vocab),
            7 => {
                let n = inp.below(lane.steps.len() + 2);
                lane.tm.rollback(n);
                let d = lane.steps.len().saturating_sub(n);
                lane.truncate(d);
                lane.check_state(&cg, &vocab);
            }
            8 => {
                if lanes.len() < 3 {
                    let child = lanes[cur].clone();
                    lanes.push(child);
                } else {
                    lanes.swap_remove(inp.below(lanes.len()));
                }
                cur = inp.below(lanes.len());
            }
            9 => {
                lane.tm.reset();
                lane.truncate(0);
                lane.check_state(&cg, &vocab);
            }
            10 => forced_tokens(lane, &cg, &vocab),
            12 => draft_tree(lane, &vocab, &mut inp),
            _ => {
                // Batch masks (in parallel) equal one-by-one masks.
                let words = vocab.mask_words();
                let mut out = vec![0u32; words * lanes.len()];
                let results = {
                    let mut ms: Vec<&mut TokenMatcher> =
                        lanes.iter_mut().map(|l| &mut l.tm).collect();
                    corral_core::token::fill_masks(&mut ms, &mut out, words)
                };
                for (i, (l, r)) in lanes.iter_mut().zip(results).enumerate() {
                    if r.is_err() {
                        continue;
                    }
                    let mut one = vec![0u32; words];
                    if l.tm.fill_mask(&mut one).is_ok() {
                        assert_eq!(
                            &out[i * words..(i + 1) * words],
                            &one[..],
                            "a batch mask differs"
                        );
                    }
                }
            }
        }
    }
    for l in &mut lanes {
        l.check_state(&cg, &vocab);
    }
}

/// Jump-forward as the bindings do it: the forced bytes, tokenized
/// greedily, must be consumable token by token (on a fork).
fn forced_tokens(lane: &mut Lane, cg: &Arc<CompiledGrammar>, vocab: &Vocabulary) {
    let depth = lane.tm.depth();
    let forced = lane.tm.forced_bytes();
    assert_eq!(lane.tm.depth(), depth, "forced_bytes changed the depth");
    if forced.is_empty() {
        return;
    }
    if let Some(mut r) = lane.reference(cg, vocab) {
        if !gave_up(&r) {
            check_forced_bytes(&mut r);
        }
    }
    let mut fork = lane.tm.clone();
    let mut i = 0;
    while i < forced.len() {
        let Some(&t) = vocab.trie().prefixes_of(&forced[i..]).last() else {
            break;
        };
        if let Err(e) = fork.consume(t) {
            assert!(
                fork.byte_matcher()
                    .error()
                    .is_some_and(|e| !matches!(e.kind, MatchErrorKind::Rejected { .. })),
                "token {t} of the forced bytes {forced:?} is refused: {e}"
            );
            break;
        }
        i += vocab.bytes_or_empty(t).len();
    }
}

/// A draft tree from tables made of the input: the matcher is left as it
/// was, the tree is well formed, and every path in it is a sequence of
/// tokens the matcher accepts.
fn draft_tree(lane: &mut Lane, vocab: &Vocabulary, inp: &mut Input<'_>) {
    use corral_core::draft::{DraftConfig, Drafter, MatcherGuide, Shape, ROOT};
    let n = vocab.vocab_size();
    let config = DraftConfig {
        shape: if inp.byte() & 1 == 0 {
            Shape::Dynamic
        } else {
            Shape::Static
        },
        max_nodes: 1 + inp.below(40),
        start_nodes: 40,
        max_depth: 1 + inp.below(8) as u32,
        closed_limit: inp.below(12),
        ..DraftConfig::default()
    };
    let Ok(mut d) = Drafter::new(n, config) else {
        return;
    };
    for _ in 0..inp.below(12) {
        let t = inp.below(n) as TokenId;
        let row: Vec<TokenId> = (0..inp.below(6))
            .map(|_| inp.below(n + 2) as TokenId)
            .collect();
        d.observe_top(t, &row);
    }
    let ctx: Vec<TokenId> = (0..1 + inp.below(4))
        .map(|_| inp.below(n) as TokenId)
        .collect();
    d.observe_accepted(&ctx);
    let (depth, out) = (lane.tm.depth(), lane.tm.output().to_vec());
    let trie_forced = |m: &mut TokenMatcher| -> Result<Vec<TokenId>, corral_core::Failure> {
        let bytes = m.forced_bytes();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let Some(&t) = m
                .token_grammar()
                .vocab
                .trie()
                .prefixes_of(&bytes[i..])
                .last()
            else {
                break;
            };
            i += m.token_grammar().vocab.bytes_or_empty(t).len();
            toks.push(t);
        }
        Ok(corral_core::forced::verify(m, &toks, i == bytes.len()))
    };
    let mut guide = MatcherGuide::new(&mut lane.tm, trie_forced);
    let drafted = d.draft(&mut guide, &ctx, 1);
    // Even a draft that failed leaves the matcher as it was.
    assert_eq!(
        lane.tm.depth(),
        depth,
        "drafting changed the matcher's depth"
    );
    assert_eq!(
        lane.tm.output(),
        &out[..],
        "drafting changed the matcher's output"
    );
    let Ok(tree) = drafted else {
        return;
    };
    assert!(tree.len() <= 40);
    for i in 0..tree.len() {
        let p = tree.parents[i];
        assert!(p == ROOT || (p as usize) < i, "a parent after its child");
        assert!(
            (0..i).all(|j| tree.parents[j] != p || tree.tokens[j] != tree.tokens[i]),
            "two siblings draft the same token"
        );
        let path = tree.path(i as u32);
        let mut fork = lane.tm.clone();
        for &node in &path {
            let t = tree.tokens[node as usize];
            if let Err(e) = fork.consume(t) {
                assert!(
                    fork.byte_matcher()
                        .error()
                        .is_some_and(|e| !matches!(e.kind, MatchErrorKind::Rejected { .. })),
                    "the draft path {path:?} holds token {t}, which the grammar refuses: {e}"
                );
                break;
            }
        }
    }
}
