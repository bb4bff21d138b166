//! Items of arrays whose items must be distinct, where they end by
//! themselves: whether `,` or `]` can still follow one that repeats, and
//! whether a refused `,` or `]` was refused for repeating.

use super::Matcher;

/// Whitespace bytes [`Matcher::item_has_way_out`] follows at most after
/// an item (then it assumes a way out).
const MAX_ITEM_WS: u32 = 256;

impl Matcher {
    /// Whether `b` (a `,` or `]` just refused) would be taken but for the
    /// check that items are distinct: the step again without the tracker.
    pub(super) fn closes_but_for_items(&mut self, b: u8) -> bool {
        let keys = self.keys.take();
        self.checkpoint();
        let ok = self.step_parse(b).is_ok();
        self.rollback(1);
        self.keys = keys;
        ok
    }

    /// After an item equal to an earlier one of its array (which only
    /// whitespace, `,` or `]` may follow): whether `,` or `]` can follow,
    /// after the whitespace the grammar takes (the first whitespace byte
    /// it takes at each point). An array whose items must be distinct
    /// refuses both; any other array takes one.
    pub(super) fn item_has_way_out(&mut self) -> bool {
        self.probing_items = true;
        let mut depth = 0;
        let out = loop {
            if [b',', b']'].into_iter().any(|c| {
                let ok = self.push_byte(c);
                self.rollback(1);
                ok
            }) {
                break true;
            }
            if depth == MAX_ITEM_WS {
                break true;
            }
            let ws = [b'\n', b' ', b'\t', b'\r'].into_iter().find(|&w| {
                if self.push_byte(w) {
                    true
                } else {
                    self.rollback(1);
                    false
                }
            });
            if ws.is_none() {
                break false;
            }
            depth += 1;
        };
        self.rollback(depth as usize);
        self.probing_items = false;
        out
    }
}
