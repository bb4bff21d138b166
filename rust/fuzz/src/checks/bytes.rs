//! Byte matcher checks (shared by the grammar targets).

use std::sync::Arc;

use corral_core::{CompiledGrammar, Matcher};

use super::common::{gave_up, MAX_FEED};

/// Feeds `feed` byte by byte (skipping rejected bytes) and checks the byte
/// matcher against itself: a rejected byte leaves the state unchanged after
/// `rollback(1)`; the accepted bytes consumed in one call give the same
/// state; rolling everything back gives the start; forced bytes are the
/// only continuation. Returns the accepted bytes.
pub(super) fn byte_checks(cg: &Arc<CompiledGrammar>, feed: &[u8]) -> Vec<u8> {
    let mut m = Matcher::new(cg.clone());
    let mut accepted = Vec::new();
    if m.is_error() {
        return accepted;
    }
    let start_accepting = m.is_accepting();
    for &b in feed.iter().take(MAX_FEED) {
        let (acc, depth, pos) = (m.is_accepting(), m.depth(), m.bytes_consumed());
        // consume_bytes: a rejected byte is a sticky error until rolled back.
        let mut c = m.clone();
        let one = c.consume_bytes(&[b]);
        if !one && !gave_up(&c) {
            assert!(
                c.is_error() && !c.is_accepting(),
                "a rejected byte left no error"
            );
            c.rollback(1);
            assert!(
                !c.is_error(),
                "rollback(1) left the error of a rejected byte"
            );
            assert_eq!(c.is_accepting(), acc, "rollback(1) changed is_accepting");
            assert_eq!(c.bytes_consumed(), pos, "rollback(1) changed the position");
        }
        // push_byte: a rejected byte leaves the state as it was.
        let ok = m.push_byte(b);
        if gave_up(&m) || gave_up(&c) {
            return accepted;
        }
        assert_eq!(ok, one, "push_byte({b}) and consume_bytes([{b}]) disagree");
        if ok {
            accepted.push(b);
            assert_eq!(
                m.bytes_consumed(),
                pos + 1,
                "push_byte moved the position wrongly"
            );
            continue;
        }
        assert!(!m.is_error(), "push_byte set an error");
        assert_eq!(
            m.is_accepting(),
            acc,
            "a rejected push_byte changed is_accepting"
        );
        assert_eq!(
            m.bytes_consumed(),
            pos,
            "a rejected push_byte moved the position"
        );
        m.rollback(1);
        assert_eq!(m.depth(), depth, "rollback(1) changed the depth");
        assert_eq!(m.is_accepting(), acc, "rollback(1) changed is_accepting");
    }
    let mut whole = Matcher::new(cg.clone());
    let ok = whole.consume_bytes(&accepted);
    if !gave_up(&whole) {
        assert!(
            ok,
            "bytes accepted one at a time are refused in one call: {accepted:?}"
        );
        assert_eq!(
            whole.is_accepting(),
            m.is_accepting(),
            "one call and byte-by-byte disagree on is_accepting after {accepted:?}"
        );
        assert_eq!(whole.is_finished(), m.is_finished(), "is_finished differs");
    }
    check_forced_bytes(&mut m);
    m.rollback(m.depth());
    assert_eq!(m.bytes_consumed(), 0, "rolling back everything left bytes");
    assert!(!m.is_error(), "rolling back everything left an error");
    assert_eq!(
        m.is_accepting(),
        start_accepting,
        "full rollback changed is_accepting"
    );
    accepted
}

/// `forced_bytes` leaves the state alone and names the only continuation:
/// before each forced byte the input is not complete and no other byte is
/// accepted.
pub(super) fn check_forced_bytes(m: &mut Matcher) {
    let (acc, depth, pos) = (m.is_accepting(), m.depth(), m.bytes_consumed());
    let forced = m.forced_bytes();
    assert_eq!(
        (m.is_accepting(), m.depth(), m.bytes_consumed()),
        (acc, depth, pos),
        "forced_bytes changed the state"
    );
    if forced.is_empty() || m.is_error() {
        return;
    }
    let mut r = m.clone();
    // Only the first few bytes: each costs 256 steps.
    for &f in forced.iter().take(4) {
        assert!(
            !r.is_accepting(),
            "forced bytes {forced:?} at an accepting state"
        );
        for b in 0..=255u8 {
            if b == f {
                continue;
            }
            let ok = r.push_byte(b);
            if gave_up(&r) {
                return;
            }
            r.rollback(1);
            assert!(!ok, "byte {b} is accepted but forced bytes are {forced:?}");
        }
        if !r.push_byte(f) {
            assert!(gave_up(&r), "a forced byte of {forced:?} is rejected");
            return;
        }
    }
    let mut all = m.clone();
    if !all.consume_bytes(&forced) {
        assert!(gave_up(&all), "forced bytes {forced:?} are rejected");
    }
}
