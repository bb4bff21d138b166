//! Arrays: rules over positions (prefix items, then the rest), counting
//! items for `minItems` / `maxItems` and matches for `contains`; unique
//! items by rules where the elements are a few constants, else by the
//! matcher (the array's own `,` and `]`, see `Emitter::item_punct`).

use rustc_hash::FxHashMap;
use serde_json::Value;

use super::{node_name, Alts, Emitter};
use crate::grammar::{NtId, Symbol};
use crate::json_schema::error::{limit_error, SchemaError};
use crate::json_schema::schema::{json_eq, Node, Sch, BOOL, NULL};

impl Emitter<'_> {
    pub(super) fn array_alts(&mut self, n: &Node) -> Result<Alts, SchemaError> {
        let mut p = self.punct();
        if n.unique.is_some() && n.max_items.map_or(true, |m| m > 1) {
            if let Some(alts) = self.unique_array(n)? {
                return Ok(alts);
            }
            if self.opts.distinct_keys {
                // The matcher reads the items: this array's `,` and `]`
                // are taken only where the item they close is new.
                (p.comma, p.rbrack) = self.item_punct();
            } else {
                let ptr = n.unique.clone().unwrap_or_default();
                self.r.unsupported(
                    ptr.rsplit_once('/').map_or("", |x| x.0),
                    "uniqueItems",
                    "uniqueItems over items that are not a small finite set, inside a larger grammar (duplicates are not excluded)",
                )?;
            }
        }
        // Items no applicator evaluated must satisfy unevaluatedItems.
        let owned;
        let n = match &n.uneval_items {
            Some(u) if !n.eval_all_items => {
                let mut m = n.clone();
                for i in n.eval_prefix..m.prefix.len() {
                    m.prefix[i] = self.r.all(&m.prefix[i], u)?;
                }
                let rest = m.items.clone().unwrap_or(Sch::True);
                m.items = Some(self.r.all(&rest, u)?);
                owned = m;
                &owned
            }
            _ => n,
        };
        let plen = n.prefix.len();
        let mut pos_syms = Vec::with_capacity(plen);
        let mut max = n.max_items;
        for (i, s) in n.prefix.iter().enumerate() {
            let x = self.child_sym(s)?;
            if x.is_none() {
                max = Some(max.map_or(i as u64, |m| m.min(i as u64)));
                break;
            }
            pos_syms.push(x);
        }
        let rest = n.items.clone().unwrap_or(Sch::True);
        let rest_sym = if max.map_or(true, |m| m > plen as u64) {
            let x = self.child_sym(&rest)?;
            if x.is_none() {
                max = Some(max.map_or(plen as u64, |m| m.min(plen as u64)));
            }
            x
        } else {
            None
        };
        let min = n.min_items;
        if max.is_some_and(|m| m < min) {
            return Ok(vec![]);
        }
        // Contains: how many elements must (and may) match.
        let contains = match &n.contains {
            Some((c, cmin, cmax)) if *cmin > 0 || cmax.is_some() => Some((c.clone(), *cmin, *cmax)),
            _ => None,
        };
        let k = (plen as u64).max(min);
        if let Some(m) = max {
            if m > k + self.opts.max_unroll as u64 {
                return Err(limit_error(
                    &n.ptr,
                    "maxItems",
                    "max_unroll",
                    format!(
                        "maxItems {m} (more than max_unroll = {} past minItems)",
                        self.opts.max_unroll
                    ),
                ));
            }
        }
        if k > self.opts.max_unroll as u64 {
            let (kw, count) = if min >= plen as u64 {
                ("minItems", min)
            } else {
                ("prefixItems", plen as u64)
            };
            return Err(limit_error(
                &n.ptr,
                kw,
                "max_unroll",
                format!(
                    "{kw} {count} (more than max_unroll = {})",
                    self.opts.max_unroll
                ),
            ));
        }
        // How far matching items are counted: to maxContains, else to
        // minContains (never past the most items there can be). Each count
        // is a rule per position: the unroll cap applies.
        if let Some((_, cmin, cmax)) = &contains {
            let cap = cmax.unwrap_or(*cmin).min(max.unwrap_or(u64::MAX));
            if cap > self.opts.max_unroll as u64 {
                let kw = if cmax.is_some_and(|m| m == cap) {
                    "maxContains"
                } else {
                    "minContains"
                };
                return Err(limit_error(
                    &n.ptr,
                    kw,
                    "max_unroll",
                    format!(
                        "{kw} {cap} (more than max_unroll = {})",
                        self.opts.max_unroll
                    ),
                ));
            }
        }
        // Element symbols at a position: (symbol, contained?).
        let mut options: FxHashMap<usize, Vec<(Symbol, u64)>> = FxHashMap::default();
        let last = match max {
            Some(m) => m as usize,
            None => k as usize,
        };
        let mut states: FxHashMap<(usize, u64), NtId> = FxHashMap::default();
        let mut work = vec![(0usize, 0u64)];
        let name = node_name(n);
        let first = self.nt(&format!("{name}_items"));
        states.insert((0, 0), first);
        while let Some((i, c)) = work.pop() {
            self.budget(
                &n.ptr,
                if contains.is_some() {
                    "contains"
                } else {
                    "items"
                },
            )?;
            let nt = states[&(i, c)];
            if let std::collections::hash_map::Entry::Vacant(slot) = options.entry(i) {
                let base = if i < plen {
                    n.prefix[i].clone()
                } else {
                    rest.clone()
                };
                let base_sym = if i < plen {
                    pos_syms.get(i).copied().flatten()
                } else {
                    rest_sym
                };
                let mut opts_i = Vec::new();
                match &contains {
                    None => {
                        if let Some(s) = base_sym {
                            opts_i.push((s, 0));
                        }
                    }
                    Some((cs, _, cmax)) => {
                        let with = self.r.all(&base, cs)?;
                        if let Some(s) = self.child_sym(&with)? {
                            opts_i.push((s, 1));
                        }
                        if cmax.is_some() {
                            let mut without = self.r.node_of(&base, &n.ptr)?;
                            without.nots.push((cs.clone(), n.ptr.clone()));
                            if let Some(s) =
                                self.child_sym(&Sch::Node(std::rc::Rc::new(without)))?
                            {
                                opts_i.push((s, 0));
                            }
                        } else if let Some(s) = base_sym {
                            opts_i.push((s, 0));
                        }
                    }
                }
                slot.insert(opts_i);
            }
            let count = i as u64 + 1;
            let next_i = if max.is_some() {
                i + 1
            } else {
                (i + 1).min(last)
            };
            for &(s, inc) in &options[&i].clone() {
                let c2 = c + inc;
                let c2 = match &contains {
                    Some((_, _, Some(cm))) => {
                        if c2 > *cm {
                            continue;
                        }
                        c2
                    }
                    Some((_, cmin, None)) => c2.min(*cmin),
                    None => 0,
                };
                let done_c = contains.as_ref().map_or(true, |(_, cmin, _)| c2 >= *cmin);
                if count >= min && done_c {
                    self.prod(nt, vec![s]);
                }
                if max.map_or(true, |m| count < m) {
                    let key = (next_i, c2);
                    let next = match states.get(&key) {
                        Some(&x) => x,
                        None => {
                            let x = self.nt(&format!("{name}_items"));
                            states.insert(key, x);
                            work.push(key);
                            x
                        }
                    };
                    self.prod(nt, vec![s, p.comma, Symbol::N(next)]);
                }
            }
        }
        let mut out = Vec::new();
        let zero_ok = contains.as_ref().map_or(true, |(_, cmin, _)| *cmin == 0);
        if min == 0 && zero_ok {
            out.push(vec![p.empty_arr]);
        }
        if max != Some(0) {
            out.push(vec![p.lbrack, Symbol::N(first), p.rbrack]);
        }
        Ok(out)
    }

    /// `uniqueItems` where every element is one of a few constants: the
    /// arrays without repeats, exactly. None when the items are not such.
    fn unique_array(&mut self, n: &Node) -> Result<Option<Alts>, SchemaError> {
        if !n.prefix.is_empty() || n.contains.is_some() {
            return Ok(None);
        }
        let Some(items) = &n.items else {
            return Ok(None);
        };
        let node = self.r.node_of(items, &n.ptr)?;
        let plains = self.r.expand(&node)?;
        let mut values: Vec<Value> = Vec::new();
        for p in &plains {
            let t = self.r.effective_types(p);
            let vals: Vec<Value> = match &p.consts {
                Some(cs) => cs.clone(),
                None if t & !(NULL | BOOL) == 0 => {
                    let mut v = Vec::new();
                    if t & NULL != 0 {
                        v.push(Value::Null);
                    }
                    if t & BOOL != 0 {
                        v.push(Value::Bool(true));
                        v.push(Value::Bool(false));
                    }
                    v
                }
                None => return Ok(None),
            };
            for v in vals {
                let mut rest = p.clone();
                rest.consts = None;
                if self.r.accepts_node(&rest, &v)? == Some(true)
                    && !values.iter().any(|w| json_eq(w, &v))
                {
                    values.push(v);
                }
            }
        }
        let d = values.len();
        if d > 10 {
            return Ok(None);
        }
        let p = self.punct();
        let syms: Vec<Vec<Symbol>> = values
            .iter()
            .map(|v| self.child_const_seq(v))
            .collect::<Result<_, _>>()?;
        let max = n.max_items.unwrap_or(d as u64).min(d as u64);
        let min = n.min_items;
        if min > max {
            return Ok(Some(vec![]));
        }
        // S[set]: elements after the ones in `set` (bitmask), at least one.
        let name = node_name(n);
        let mut nts: FxHashMap<u32, NtId> = FxHashMap::default();
        let mut work = vec![0u32];
        let root = self.nt(&format!("{name}_unique"));
        nts.insert(0, root);
        while let Some(set) = work.pop() {
            self.budget(&n.ptr, "uniqueItems")?;
            let nt = nts[&set];
            for (i, s) in syms.iter().enumerate() {
                if set & (1 << i) != 0 {
                    continue;
                }
                let set2 = set | (1 << i);
                let cnt = set2.count_ones() as u64;
                if cnt >= min {
                    self.prod(nt, s.clone());
                }
                if cnt < max {
                    let next = match nts.get(&set2) {
                        Some(&x) => x,
                        None => {
                            let x = self.nt(&format!("{name}_unique"));
                            nts.insert(set2, x);
                            work.push(set2);
                            x
                        }
                    };
                    let mut rhs = s.clone();
                    rhs.push(p.comma);
                    rhs.push(Symbol::N(next));
                    self.prod(nt, rhs);
                }
            }
        }
        let mut out = Vec::new();
        if min == 0 {
            out.push(vec![p.empty_arr]);
        }
        if max > 0 {
            out.push(vec![p.lbrack, Symbol::N(root), p.rbrack]);
        }
        Ok(Some(out))
    }
}
