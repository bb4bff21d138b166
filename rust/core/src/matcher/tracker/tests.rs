//! The tracker against reading the same bytes, and its rollback.

use super::*;

fn run(t: &mut JsonTracker, text: &[u8]) -> bool {
    for &b in text {
        if !t.allows(b) {
            return false;
        }
        t.push(b);
    }
    true
}

#[test]
fn a_key_twice_is_refused_at_its_closing_quote() {
    let mut t = JsonTracker::default();
    assert!(run(&mut t, br#"{"a":1,"b":{"a":2},"c":["a","a"],"#));
    let m = t.mark();
    assert!(!run(&mut t, br#""a""#));
    t.rollback(m);
    assert!(!run(&mut t, br#""\u0061""#));
    t.rollback(m);
    assert!(!run(&mut t, br#""b""#));
    t.rollback(m);
    assert!(run(&mut t, br#""d":{"d":1,"e":2},"e":"a"}"#));
}

#[test]
fn rollback_restores_keys_and_frames() {
    let mut t = JsonTracker::default();
    assert!(run(&mut t, br#"{"a":{"#));
    let m = t.mark();
    assert!(run(&mut t, br#""x":1},"b":2,"#));
    assert!(!run(&mut t.clone(), br#""b""#));
    t.rollback(m);
    assert!(run(&mut t, br#""b":1,"x":2},"#));
    assert!(!run(&mut t.clone(), br#""a""#));
    assert!(run(&mut t.clone(), br#""x""#));
}

/// The probe agrees with reading the bytes, from many places.
#[test]
fn probe_agrees_with_reading() {
    let text = br#"{"a":1,"b":{"a":[{"c":1,"c\"":"x\"}"}],"b":2},"\u0063":3,"c":4}"#;
    let pieces: [&[u8]; 12] = [
        b"\"a\"",
        b"a\":",
        b"\":1,\"a\"",
        b"},\"b\"",
        b"}],\"c\"",
        b"\"c\":1,\"c\"",
        b"{\"z\":1,\"z\"",
        b"\\u0061\"",
        b"\"",
        b",\"",
        b"1}}",
        b"x\"",
    ];
    let mut p = Probe::default();
    for cut in 0..text.len() {
        let mut t = JsonTracker::default();
        for &b in &text[..cut] {
            t.push(b);
        }
        for piece in pieces {
            let want = run(&mut t.clone(), piece);
            assert_eq!(
                t.probe(piece, &mut p) == Probed::Fine,
                want,
                "{cut} {piece:?}"
            );
            if !want {
                let q = piece.iter().filter(|&&b| b == b'"').count();
                assert!(q >= t.quotes_needed().unwrap(), "{cut} {piece:?}");
            }
        }
    }
}

#[test]
fn items_repeat_where_they_close() {
    let mut t = JsonTracker::new(true);
    for &b in br#"{"x": [1, [2, 2], {"a": 1, "b": [1]}, "s,]", "#.iter() {
        t.push(b);
    }
    let m = t.mark();
    let mut p = Probe::default();
    for (piece, want) in [
        ("1.0,", Probed::RepeatedItem),
        ("1.5,", Probed::Fine),
        ("1]", Probed::RepeatedItem),
        ("[2,2]]", Probed::RepeatedItem),
        ("[2,3],", Probed::Fine),
        // The inner array repeats (whether that matters is the grammar's).
        ("[2,2],", Probed::RepeatedItem),
        (r#"{"b":[1],"a":1}]"#, Probed::RepeatedItem),
        (r#""s,]"]"#, Probed::RepeatedItem),
        (r#""s,"]"#, Probed::Fine),
        ("3, 3,", Probed::RepeatedItem),
        ("3, 4]", Probed::Fine),
    ] {
        assert_eq!(t.probe(piece.as_bytes(), &mut p), want, "{piece}");
        // Reading it says the same where it closes.
        let mut u = t.clone();
        let mut repeated = false;
        for &b in piece.as_bytes() {
            u.push(b);
            if (b == b',' && !u.item_closed_new(false)) || (b == b']' && !u.item_closed_new(true)) {
                repeated = true;
            }
        }
        assert_eq!(repeated, want == Probed::RepeatedItem, "{piece}");
    }
    t.rollback(m);
    for &b in b"7, " {
        t.push(b);
    }
    assert!(t.item_closed_new(false));
    t.rollback(m);
    for &b in b"1, " {
        t.push(b);
    }
    assert!(!t.item_closed_new(false));
}

/// Reads `piece` on a copy: whether some `"`, `}` or `]` of it completes an
/// item equal to an earlier one of its array.
fn completes_a_repeat(t: &JsonTracker, piece: &[u8]) -> bool {
    let mut u = t.clone();
    let mut hit = false;
    for &b in piece {
        u.push(b);
        hit |= matches!(b, b'"' | b'}' | b']') && u.item_done_repeats();
    }
    hit
}

#[test]
fn items_repeat_where_they_complete() {
    let mut t = JsonTracker::new(true);
    for &b in br#"[1, "ab", {"a": 1, "b": [1]}, [2, 3], "#.iter() {
        t.push(b);
    }
    let mut p = Probe::default();
    for (piece, want) in [
        (r#""ab""#, true),
        (r#""abc""#, false),
        (r#""a\u0062""#, true),
        (r#"{"b": [1], "a": 1.0}"#, true),
        (r#"{"a": 2}"#, false),
        ("[2, 3]", true),
        ("[2, 3, 4]", false),
        // A number is not complete at its last byte: its `,` or `]` says.
        ("1", false),
    ] {
        assert_eq!(completes_a_repeat(&t, piece.as_bytes()), want, "{piece}");
        if want {
            assert_eq!(
                t.probe(piece.as_bytes(), &mut p),
                Probed::RepeatedItem,
                "{piece}"
            );
        }
    }
}

/// Every piece that completes a repeated item is flagged by the probe and
/// has the quotes (or a bracket) the mask's candidate lists need, from
/// every place in a text.
#[test]
fn the_probe_flags_every_completed_repeat() {
    let text = br#"[["ab", "ab"], {"k": ["x", {"a": "x"}]}, "ab", ["ab", "ab"], {"a": "x"}, "x"]"#;
    let pieces: [&[u8]; 10] = [
        b"\"",
        b"b\"",
        b"\", \"ab\"",
        b"ab\"]",
        b"\"}",
        b"\"}]}",
        b"x\"}",
        b"]",
        b"\"x\"",
        b"}, \"ab\"",
    ];
    let mut p = Probe::default();
    for cut in 0..text.len() {
        let mut t = JsonTracker::new(true);
        for &b in &text[..cut] {
            t.push(b);
        }
        for piece in pieces {
            if !completes_a_repeat(&t, piece) {
                continue;
            }
            assert_eq!(
                t.probe(piece, &mut p),
                Probed::RepeatedItem,
                "{cut} {piece:?}"
            );
            let quotes = piece.iter().filter(|&&b| b == b'"').count();
            let bracket = piece.iter().any(|&b| b == b'}' || b == b']');
            if t.has_items() {
                assert!(
                    quotes >= t.item_quotes_needed() || (bracket && (!t.in_string() || quotes > 0)),
                    "{cut} {piece:?}"
                );
            } else {
                // The piece records an item first: it holds a `,`.
                assert!(piece.contains(&b','), "{cut} {piece:?}");
            }
        }
    }
}
