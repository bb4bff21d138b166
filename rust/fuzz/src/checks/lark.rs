//! Target: lark.

use corral_core::lark::parse_lark;
use corral_core::CompiledGrammar;

use super::bytes::byte_checks;
use super::common::{config, lark_options, split_nul, MAX_TEXT};
use super::masks::{chunks, mask_checks};
use super::watchdog::Watch;

/// Lark grammar text, then optionally a NUL, a settings byte and bytes to
/// match: parse and compile (errors are fine); then run the byte matcher on
/// the bytes, and masks over a vocabulary made of them.
pub fn lark(data: &[u8]) {
    let _watch = Watch::start();
    if data.len() > MAX_TEXT {
        return;
    }
    let (text, rest) = split_nul(data);
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let settings = rest.first().copied().unwrap_or(0);
    let feed = rest.get(1..).unwrap_or(&[]);
    let Ok(g) = parse_lark(text, "<fuzz>", &lark_options()) else {
        return;
    };
    let mut cfg = config();
    if settings & 1 == 1 {
        cfg.whitespace_limit = Some(u32::from(settings >> 1) % 5);
    }
    let Ok(cg) = CompiledGrammar::new(g, cfg) else {
        return;
    };
    let accepted = byte_checks(&cg, feed);
    mask_checks(&cg, &chunks(feed), &accepted);
}
