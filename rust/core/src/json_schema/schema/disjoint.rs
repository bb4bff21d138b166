//! Disjointness: whether no value satisfies two nodes. Sound (`false`
//! when unsure); it lets a `oneOf` whose branches are apart compile as a
//! union, without complements.

use super::node::{json_eq, Node, ARR, BOOL, FRAC, INT, NULL, OBJ, STR};
use super::read::{Reader, MAX_DEPTH};
use crate::json_schema::error::SchemaError;
use crate::json_schema::numbers::Dec;

/// Whether two numeric ranges (bound, exclusive?) share no number.
fn ranges_apart(
    alo: &Option<(Dec, bool)>,
    ahi: &Option<(Dec, bool)>,
    blo: &Option<(Dec, bool)>,
    bhi: &Option<(Dec, bool)>,
) -> bool {
    let below = |hi: &Option<(Dec, bool)>, lo: &Option<(Dec, bool)>| match (hi, lo) {
        (Some((h, hs)), Some((l, ls))) => h < l || (h == l && (*hs || *ls)),
        _ => false,
    };
    below(ahi, blo) || below(bhi, alo)
}

/// Whether two count ranges (`min..=max`) share no count.
fn counts_apart(amin: u64, amax: Option<u64>, bmin: u64, bmax: Option<u64>) -> bool {
    amax.is_some_and(|m| m < bmin) || bmax.is_some_and(|m| m < amin)
}

impl Reader<'_> {
    /// Whether no value satisfies both (a sound check: `false` when unsure).
    pub fn disjoint(&mut self, a: &Node, b: &Node) -> Result<bool, SchemaError> {
        let ta = self.effective_types(a);
        let tb = self.effective_types(b);
        if ta & tb == 0 {
            return Ok(true);
        }
        if let (Some(x), Some(y)) = (&a.consts, &b.consts) {
            if !x.iter().any(|v| y.iter().any(|w| json_eq(v, w))) {
                return Ok(true);
            }
        }
        if let Some(x) = &a.consts {
            // Constants of a that b rejects.
            let mut all_out = true;
            for v in x {
                if self.accepts_node(b, v)? != Some(false) {
                    all_out = false;
                    break;
                }
            }
            if all_out {
                return Ok(true);
            }
        }
        if let Some(y) = &b.consts {
            let mut all_out = true;
            for v in y {
                if self.accepts_node(a, v)? != Some(false) {
                    all_out = false;
                    break;
                }
            }
            if all_out {
                return Ok(true);
            }
        }
        // Otherwise each type both allow, on its own: a value of that type
        // cannot satisfy both.
        let both = ta & tb;
        for bit in [NULL, BOOL, INT, FRAC, STR, ARR, OBJ] {
            if both & bit == 0 {
                continue;
            }
            let apart = match bit {
                INT | FRAC => ranges_apart(&a.lo, &a.hi, &b.lo, &b.hi),
                STR => {
                    counts_apart(a.min_len, a.max_len, b.min_len, b.max_len) || {
                        let pa: Vec<&str> = a.patterns.iter().map(|p| p.0.as_str()).collect();
                        let pb: Vec<&str> = b.patterns.iter().map(|p| p.0.as_str()).collect();
                        self.overlap.disjoint(&pa, &pb)
                    }
                }
                ARR => counts_apart(a.min_items, a.max_items, b.min_items, b.max_items),
                OBJ => {
                    counts_apart(a.min_props, a.max_props, b.min_props, b.max_props)
                        || self.objects_apart(a, b)?
                }
                _ => false,
            };
            if !apart {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Objects that must both carry a key with disjoint values.
    fn objects_apart(&mut self, a: &Node, b: &Node) -> Result<bool, SchemaError> {
        if self.depth > MAX_DEPTH {
            return Ok(false); // unsure (a reference cycle through values)
        }
        for k in &a.required {
            if !b.required.contains(k) {
                continue;
            }
            let (Some(va), Some(vb)) = (self.value_schema(a, k)?, self.value_schema(b, k)?) else {
                continue;
            };
            let na = self.node_of(&va, &a.ptr)?;
            let nb = self.node_of(&vb, &b.ptr)?;
            self.depth += 1;
            let apart = self.disjoint(&na, &nb);
            self.depth -= 1;
            if apart? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
