//! Objects: listed keys in the schema's order (or any order), other keys
//! by the patterns they match, counts for `minProperties` /
//! `maxProperties`, and the key language `propertyNames` allows.

use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;

use super::{any_string, json_literals, node_name, rx, Alts, Emitter};
use crate::grammar::{KeyCount, NtId, Spelling, Symbol, TermExpr};
use crate::json_schema::error::{at_failure, limit_error, unsupported, SchemaError};
use crate::json_schema::options::PropertyOrder;
use crate::json_schema::schema::{Node, Sch, STR};
use crate::json_schema::text;
use crate::lexer::json_text;

/// Past this many listed properties, optional ones are matched by one key
/// terminal per value rule, in any order.
const MANY_KEYS: usize = 64;

/// Most required properties `property_order="any"` tracks (2^n rules).
const MAX_ANY_ORDER_REQUIRED: usize = 12;

impl Emitter<'_> {
    pub(super) fn object_alts(&mut self, n: &Node) -> Result<Alts, SchemaError> {
        let p = self.punct();
        // The listed keys: properties, then required keys not listed.
        let mut keys: Vec<String> = n.props.iter().map(|(k, _)| k.clone()).collect();
        let listed: FxHashMap<&str, &Sch> = n.props.iter().map(|(k, s)| (k.as_str(), s)).collect();
        let required_set: FxHashSet<&str> = n.required.iter().map(String::as_str).collect();
        let mut seen: FxHashSet<&str> = listed.keys().copied().collect();
        for r in &n.required {
            if seen.insert(r) {
                keys.push(r.clone());
            }
        }
        // An object that declares no property (`{}`, `{"type": "object"}`)
        // is any object under either setting: leaving out undeclared keys
        // would leave it nothing but `{}`.
        let declares = !n.props.is_empty() || !n.required.is_empty() || !n.pattern_props.is_empty();
        let default_add = if self.opts.additional_properties || !declares {
            Sch::True
        } else {
            Sch::False
        };
        let mut entries: Vec<(String, Option<Symbol>, bool)> = Vec::new();
        for k in &keys {
            let required = required_set.contains(k.as_str());
            let mut allowed = true;
            if let Some(names) = &n.names {
                match self.r.accepts(names, &Value::String(k.clone()))? {
                    Some(true) => {}
                    Some(false) => allowed = false,
                    None => {
                        self.r.unsupported(
                            &n.ptr,
                            "propertyNames",
                            &format!("checking the name {k:?} against propertyNames"),
                        )?;
                    }
                }
            }
            // A key named by `required` alone is named by the schema:
            // `additional_properties=false` does not leave it out (that
            // would make the object unsatisfiable), it takes any value.
            let mut vs = self
                .r
                .value_schema_listed(n, k, listed.get(k.as_str()).copied())?
                .unwrap_or_else(|| {
                    if required {
                        Sch::True
                    } else {
                        default_add.clone()
                    }
                });
            if let Some(u) = self.uneval_for(n, k)? {
                vs = self.r.all(&vs, &u)?;
            }
            let sym = if allowed { self.child_sym(&vs)? } else { None };
            if sym.is_none() && required {
                return Ok(vec![]);
            }
            entries.push((k.clone(), sym, required));
        }
        // Entries for keys not listed, by which patterns they match.
        let mut add = n.additional.clone().unwrap_or(default_add);
        let mut m = n.pattern_props.len();
        if m > 6 {
            // Lenient: keys not listed take any value (a superset).
            self.r
                .unsupported(&n.ptr, "patternProperties", "more than 6 patternProperties")?;
            add = Sch::True;
            m = 0;
        }
        let mut add_alts: Alts = Vec::new();
        let listed = if keys.is_empty() {
            None
        } else {
            // Every spelling of a listed key is kept out of the other keys.
            Some(json_literals(keys, Spelling::Any))
        };
        let names_expr = match &n.names {
            Some(s) => Some(self.names_expr(s, &n.ptr)?),
            None => None,
        };
        let mut pattern_hirs = Vec::with_capacity(m);
        let patterns = &n.pattern_props[..m];
        for (pat, _) in patterns {
            let h = text::search_body(pat, self.spelling())
                .map_err(|e| at_failure(&n.ptr, "patternProperties", e))?;
            pattern_hirs.push(json_text::quoted(h));
        }
        // Keys no applicator evaluated must satisfy unevaluatedProperties.
        let uneval_other = match &n.uneval_props {
            Some(u) if !n.eval_all_keys && m == n.pattern_props.len() => Some(u.clone()),
            _ => None,
        };
        for set in 0u32..(1 << m) {
            let mut vs = if set == 0 { add.clone() } else { Sch::True };
            if let Some(u) = &uneval_other {
                // A key matching only patterns no applicator evaluated.
                let evaluated =
                    (0..m).any(|j| set & (1 << j) != 0 && n.eval_patterns.contains(&patterns[j].0));
                if !evaluated {
                    vs = self.r.all(&vs, u)?;
                }
            }
            for (j, (_, s)) in patterns.iter().enumerate() {
                if set & (1 << j) != 0 {
                    vs = self.r.all(&vs, s)?;
                }
            }
            let Some(vsym) = self.child_sym(&vs)? else {
                continue;
            };
            let mut parts = vec![any_string(self.spelling())];
            for (j, h) in pattern_hirs.iter().enumerate() {
                if set & (1 << j) != 0 {
                    parts.push(rx(h));
                } else {
                    parts.push(TermExpr::Not(Box::new(rx(h))));
                }
            }
            if let Some(l) = &listed {
                parts.push(TermExpr::Not(Box::new(l.clone())));
            }
            match &names_expr {
                Some(None) => continue,
                Some(Some(e)) => parts.push(e.clone()),
                None => {}
            }
            let key = if parts.len() == 1 {
                parts.pop().expect("one part")
            } else {
                TermExpr::And(parts)
            };
            let ksym = self.term("KEY", key);
            add_alts.push(vec![ksym, p.colon, vsym]);
        }
        let name = node_name(n);
        let add_sym = self.alts_sym(&format!("{name}_other"), add_alts);
        // Many listed keys: optional ones share one key terminal per value
        // rule (a trie of names), in any order, so the lexer does not step a
        // DFA per name.
        let required = entries.iter().filter(|e| e.2).count();
        let grouped = entries.len() > MANY_KEYS
            && (self.opts.distinct_keys
                || (required <= MAX_ANY_ORDER_REQUIRED
                    && n.min_props <= required as u64
                    && n.max_props.is_none()));
        let mut key_syms = Vec::with_capacity(entries.len());
        for (k, v, req) in &entries {
            if grouped && !req {
                key_syms.push(None);
                continue;
            }
            let ks = self.term("KEY", json_literals([k], self.literal_spelling()));
            key_syms.push(v.map(|v| (ks, v)));
        }
        if grouped {
            let mut groups: Vec<(Symbol, Vec<&str>)> = Vec::new();
            for (k, v, req) in &entries {
                if let (Some(v), false) = (v, req) {
                    match groups.iter_mut().find(|g| g.0 == *v) {
                        Some(g) => g.1.push(k),
                        None => groups.push((*v, vec![k])),
                    }
                }
            }
            let mut extra: Alts = Vec::new();
            for (v, keys) in groups {
                let ks = self.term("KEY", json_literals(keys, self.literal_spelling()));
                extra.push(vec![ks, p.colon, v]);
            }
            return self.object_any_order(n, &entries, &key_syms, add_sym, extra);
        }
        match self.opts.property_order {
            PropertyOrder::Schema => self.object_ordered(n, &entries, &key_syms, add_sym),
            PropertyOrder::Any => {
                match self.object_any_order(n, &entries, &key_syms, add_sym, Vec::new()) {
                    Err(e) if e.is_not_supported() => {
                        // Too many required keys, or a count bound: this
                        // object keeps the schema's order.
                        let note = format!(
                            "property_order=\"any\": the object at {} keeps the schema's order ({})",
                            e.pointer, e.message
                        );
                        if !self.r.warnings.contains(&note) {
                            self.r.warnings.push(note);
                        }
                        self.object_ordered(n, &entries, &key_syms, add_sym)
                    }
                    r => r,
                }
            }
        }
    }

    /// unevaluatedProperties for key `k` of `n`, if no applicator evaluated
    /// `k`.
    fn uneval_for(&mut self, n: &Node, k: &str) -> Result<Option<Sch>, SchemaError> {
        let Some(u) = &n.uneval_props else {
            return Ok(None);
        };
        if n.eval_all_keys || n.eval_keys.iter().any(|e| e == k) {
            return Ok(None);
        }
        for p in &n.eval_patterns {
            if text::pattern_matches(p, k)
                .map_err(|e| at_failure(&n.ptr, "patternProperties", e))?
            {
                return Ok(None);
            }
        }
        Ok(Some(u.clone()))
    }

    /// The key language `propertyNames` allows (Some(None): no key).
    fn names_expr(&mut self, s: &Sch, ptr: &str) -> Result<Option<TermExpr>, SchemaError> {
        let node = self.r.node_of(s, ptr)?;
        let plains = self.r.expand(&node)?;
        let mut alts = Vec::new();
        for p in &plains {
            if self.r.effective_types(p) & STR == 0 {
                continue;
            }
            if let Some(cs) = &p.consts {
                // A listed name must also satisfy the sibling keywords
                // (`pattern`, `minLength`, ...).
                let mut rest = p.clone();
                rest.consts = None;
                let mut strings: Vec<&str> = Vec::new();
                for c in cs {
                    let Some(s) = c.as_str() else { continue };
                    match self.r.accepts_node(&rest, c)? {
                        Some(true) => strings.push(s),
                        Some(false) => {}
                        None => {
                            self.r.unsupported(
                                ptr,
                                "propertyNames",
                                &format!("checking the name {s:?} against the other propertyNames keywords (kept)"),
                            )?;
                            strings.push(s);
                        }
                    }
                }
                if !strings.is_empty() {
                    alts.push(json_literals(strings, self.spelling()));
                }
                continue;
            }
            if let Some(e) = self.string_expr(p, false)? {
                alts.push(e);
            }
        }
        Ok(match alts.len() {
            0 => None,
            1 => alts.pop(),
            _ => Some(TermExpr::Alt(alts)),
        })
    }

    fn object_ordered(
        &mut self,
        n: &Node,
        entries: &[(String, Option<Symbol>, bool)],
        key_syms: &[Option<(Symbol, Symbol)>],
        add: Option<Symbol>,
    ) -> Result<Alts, SchemaError> {
        let p = self.punct();
        let len = entries.len();
        let min = n.min_props;
        let max = n.max_props;
        let cap = match max {
            Some(m) => m,
            None => min.max(1),
        };
        self.check_count_cap(n, cap)?;
        // Entries are counted, keys are what matter: a JSON reader keeps
        // one of `{"x":1,"x":2}` or `{"x":1,"\u0078":2}`. Where the matcher
        // keeps keys distinct, entries are keys. Listed keys come
        // once each (other keys exclude every spelling of them), so only
        // keys the schema does not name can repeat. Counting entries is
        // exact for a maximum (never too many keys) and for a minimum the
        // required keys meet, or miss by one (any further entry is a new
        // key); beyond that, two entries may be one key.
        let required = entries.iter().filter(|e| e.2).count() as u64;
        if add.is_some() && min >= required + 2 && !self.opts.distinct_keys {
            self.r.unsupported(
                &n.ptr,
                "minProperties",
                &format!(
                    "minProperties {min} where properties the schema does not name may count (a repeated key, or one key spelled two ways, is one property); name the properties or set additionalProperties"
                ),
            )?;
        }
        let name = node_name(n);
        // Required keys the schema does not list (from `required` alone)
        // have no place in the order: a few may come anywhere, once each.
        let floating: Vec<usize> = (0..len)
            .filter(|&i| !n.props.iter().any(|(k, _)| *k == entries[i].0))
            .collect();
        let floating = if floating.len() <= 4 {
            floating
        } else {
            Vec::new()
        };
        let full: u32 = (1u32 << floating.len()) - 1;
        // O[i][c][set]: entries from listed key i on, c entries so far
        // (capped), `set` the floating keys seen.
        type Key = (usize, u64, u32);
        let mut states: FxHashMap<Key, NtId> = FxHashMap::default();
        let root = self.nt(&format!("{name}_props"));
        states.insert((0, 0, 0), root);
        let mut work = vec![(0usize, 0u64, 0u32)];
        let get = |s: &mut Self,
                   key: Key,
                   work: &mut Vec<Key>,
                   states: &mut FxHashMap<Key, NtId>|
         -> NtId {
            *states.entry(key).or_insert_with(|| {
                work.push(key);
                s.nt(&format!("{name}_props"))
            })
        };
        let step = |c: u64| -> Option<u64> {
            match max {
                Some(m) if c + 1 > m => None,
                Some(_) => Some(c + 1),
                None => Some((c + 1).min(cap)),
            }
        };
        while let Some((i, c, set)) = work.pop() {
            self.budget(&n.ptr, "properties")?;
            let nt = states[&(i, c, set)];
            let sep: Vec<Symbol> = if c > 0 { vec![p.comma] } else { vec![] };
            // The next listed (not floating) entry at or after i.
            let mut i = i;
            while i < len && floating.contains(&i) {
                i += 1;
            }
            if i < len {
                if let (Some((k, v)), Some(c2)) = (key_syms[i], step(c)) {
                    let next = get(self, (i + 1, c2, set), &mut work, &mut states);
                    let mut rhs = sep.clone();
                    rhs.extend([k, p.colon, v, Symbol::N(next)]);
                    self.prod(nt, rhs);
                }
                if !entries[i].2 {
                    let next = get(self, (i + 1, c, set), &mut work, &mut states);
                    self.prod(nt, vec![Symbol::N(next)]);
                }
            } else if c >= 1 && c >= min && set == full {
                self.prod(nt, vec![]);
            }
            for (bit, &j) in floating.iter().enumerate() {
                if set & (1 << bit) != 0 {
                    continue;
                }
                if let (Some((k, v)), Some(c2)) = (key_syms[j], step(c)) {
                    let next = get(self, (i, c2, set | (1 << bit)), &mut work, &mut states);
                    let mut rhs = sep.clone();
                    rhs.extend([k, p.colon, v, Symbol::N(next)]);
                    self.prod(nt, rhs);
                }
            }
            if let (Some(a), Some(c2)) = (add, step(c)) {
                let next = get(self, (i, c2, set), &mut work, &mut states);
                let mut rhs = sep;
                rhs.extend([a, Symbol::N(next)]);
                self.prod(nt, rhs);
            }
        }
        let mut out = Vec::new();
        let none_required = entries.iter().all(|e| !e.2);
        if none_required && min == 0 {
            out.push(vec![p.empty_obj]);
        }
        if max != Some(0) {
            out.push(vec![p.lbrace, Symbol::N(root), p.rbrace]);
        }
        Ok(out)
    }

    fn object_any_order(
        &mut self,
        n: &Node,
        entries: &[(String, Option<Symbol>, bool)],
        key_syms: &[Option<(Symbol, Symbol)>],
        add: Option<Symbol>,
        extra: Alts,
    ) -> Result<Alts, SchemaError> {
        if self.opts.distinct_keys {
            return self.object_any_counted(n, entries, key_syms, add, extra);
        }
        let p = self.punct();
        let req: Vec<usize> = (0..entries.len()).filter(|&i| entries[i].2).collect();
        if req.len() > MAX_ANY_ORDER_REQUIRED {
            return Err(unsupported(
                &n.ptr,
                "required",
                format!("more than {MAX_ANY_ORDER_REQUIRED} required properties with property_order=\"any\""),
            ));
        }
        // Optional keys may repeat here (a later duplicate wins when the
        // JSON is read, and every value is valid), so entries are counted,
        // not keys: a maximum on entries is exact for texts without
        // duplicates and never admits too many keys; a minimum is only
        // sound when the required keys meet it.
        if n.min_props > req.len() as u64 {
            return Err(unsupported(
                &n.ptr,
                "minProperties",
                "minProperties beyond the required properties with property_order=\"any\"",
            ));
        }
        let max = n.max_props;
        if max.is_some_and(|m| m > self.opts.max_unroll as u64) {
            return Err(limit_error(
                &n.ptr,
                "maxProperties",
                "max_unroll",
                format!(
                    "a property count bound this large (more than max_unroll = {})",
                    self.opts.max_unroll
                ),
            ));
        }
        let name = node_name(n);
        // Optional entries (and other keys): one rule.
        let mut opt_alts: Alts = extra;
        for (i, e) in entries.iter().enumerate() {
            if !e.2 {
                if let Some((k, v)) = key_syms[i] {
                    opt_alts.push(vec![k, p.colon, v]);
                }
            }
        }
        if let Some(a) = add {
            opt_alts.push(vec![a]);
        }
        let opt = self.alts_sym(&format!("{name}_optional"), opt_alts);
        let full: u32 = (1u32 << req.len()) - 1;
        // A[set][c]: the required keys in `set` seen, c entries so far (c is
        // 0 or 1 unless a maximum is counted).
        let mut nts: FxHashMap<(u32, u64), NtId> = FxHashMap::default();
        let root = self.nt(&format!("{name}_props"));
        nts.insert((0, 0), root);
        let mut work = vec![(0u32, 0u64)];
        let step = |c: u64| -> Option<u64> {
            match max {
                Some(m) if c + 1 > m => None,
                Some(_) => Some(c + 1),
                None => Some(1),
            }
        };
        while let Some((set, c)) = work.pop() {
            self.budget(&n.ptr, "required")?;
            let nt = nts[&(set, c)];
            let sep: Vec<Symbol> = if c > 0 { vec![p.comma] } else { vec![] };
            let mut goto = |s: &mut Self, key: (u32, u64)| -> NtId {
                *nts.entry(key).or_insert_with(|| {
                    work.push(key);
                    s.nt(&format!("{name}_props"))
                })
            };
            let Some(c2) = step(c) else {
                if set == full && c > 0 {
                    self.prod(nt, vec![]);
                }
                continue;
            };
            for (bit, &i) in req.iter().enumerate() {
                if set & (1 << bit) != 0 {
                    continue;
                }
                let (k, v) = key_syms[i].expect("required entries have values");
                let next = goto(self, (set | (1 << bit), c2));
                let mut rhs = sep.clone();
                rhs.extend([k, p.colon, v, Symbol::N(next)]);
                self.prod(nt, rhs);
            }
            if let Some(o) = opt {
                let next = goto(self, (set, c2));
                let mut rhs = sep.clone();
                rhs.extend([o, Symbol::N(next)]);
                self.prod(nt, rhs);
            }
            if set == full && c > 0 {
                self.prod(nt, vec![]);
            }
        }
        let mut out = Vec::new();
        if req.is_empty() && n.min_props == 0 {
            out.push(vec![p.empty_obj]);
        }
        if max != Some(0) {
            out.push(vec![p.lbrace, Symbol::N(root), p.rbrace]);
        }
        Ok(out)
    }

    /// Keys in any order where the matcher keeps them distinct: entries
    /// are keys, so counting the required ones seen says they are all there
    /// (a rule per count, not per subset), and `minProperties` /
    /// `maxProperties` count entries exactly.
    fn object_any_counted(
        &mut self,
        n: &Node,
        entries: &[(String, Option<Symbol>, bool)],
        key_syms: &[Option<(Symbol, Symbol)>],
        add: Option<Symbol>,
        extra: Alts,
    ) -> Result<Alts, SchemaError> {
        let p = self.punct();
        let name = node_name(n);
        let mut req_alts: Alts = Vec::new();
        let mut opt_alts: Alts = extra;
        for (i, e) in entries.iter().enumerate() {
            if let Some((k, v)) = key_syms[i] {
                if e.2 {
                    req_alts.push(vec![k, p.colon, v]);
                } else {
                    opt_alts.push(vec![k, p.colon, v]);
                }
            }
        }
        if let Some(a) = add {
            opt_alts.push(vec![a]);
        }
        let k = req_alts.len() as u64;
        let req = self.alts_sym(&format!("{name}_required"), req_alts);
        let opt = self.alts_sym(&format!("{name}_optional"), opt_alts);
        let (min, max) = (n.min_props, n.max_props);
        if max.is_some_and(|m| m < k) {
            return Ok(vec![]);
        }
        // Optional entries are counted exactly where no other key may come
        // (then no more than the optional keys there are: the object is
        // full, and a `,` after its last key would be a dead end), and up
        // to a maximum or to a minimum the required keys do not meet;
        // else 0 and 1 only tell the separator.
        let n_opt = entries.iter().filter(|e| !e.2 && e.1.is_some()).count() as u64;
        let exact = add.is_none();
        let cap = match max {
            _ if exact => n_opt,
            Some(m) => m,
            None if min > k => min,
            None => 1,
        };
        self.check_count_cap(n, cap)?;
        // P[r][o]: r required keys seen, o optional entries (counted as
        // above).
        let mut nts: FxHashMap<(u64, u64), NtId> = FxHashMap::default();
        let root = self.nt(&format!("{name}_props"));
        nts.insert((0, 0), root);
        let mut work = vec![(0u64, 0u64)];
        while let Some((r, o)) = work.pop() {
            self.budget(&n.ptr, "properties")?;
            let nt = nts[&(r, o)];
            let c = r + o;
            let sep: Vec<Symbol> = if c > 0 { vec![p.comma] } else { vec![] };
            let mut goto = |s: &mut Self, key: (u64, u64)| -> NtId {
                *nts.entry(key).or_insert_with(|| {
                    work.push(key);
                    s.nt(&format!("{name}_props"))
                })
            };
            if r == k && c > 0 && c >= min {
                self.prod(nt, vec![]);
            }
            // Room under a maximum for one more entry and the required
            // keys still to come.
            let room = |extra: u64| max.map_or(true, |m| c + 1 + extra <= m);
            if let (Some(q), true) = (req, r < k) {
                if room(k - r - 1) {
                    let next = goto(self, (r + 1, o));
                    let mut rhs = sep.clone();
                    rhs.extend([q, Symbol::N(next)]);
                    self.prod(nt, rhs);
                }
            }
            if let Some(opt) = opt {
                let o2 = if exact {
                    (o < n_opt).then_some(o + 1)
                } else if max.is_some() {
                    Some(o + 1)
                } else {
                    Some((o + 1).min(cap))
                };
                if let (Some(o2), true) = (o2, room(k - r)) {
                    let next = goto(self, (r, o2));
                    let mut rhs = sep;
                    rhs.extend([opt, Symbol::N(next)]);
                    self.prod(nt, rhs);
                }
            }
        }
        let mut states: Vec<(NtId, u32, u32)> = nts
            .iter()
            .map(|(&(r, o), &nt)| (nt, r as u32, o as u32))
            .collect();
        states.sort_unstable();
        self.key_counts.push(KeyCount {
            required: match req {
                Some(Symbol::N(x)) => Some(x),
                _ => None,
            },
            k: k as u32,
            optional: match opt {
                Some(Symbol::N(x)) => Some(x),
                _ => None,
            },
            n_opt: exact.then_some(n_opt as u32),
            states,
        });
        let mut out = Vec::new();
        if k == 0 && min == 0 {
            out.push(vec![p.empty_obj]);
        }
        if max != Some(0) {
            out.push(vec![p.lbrace, Symbol::N(root), p.rbrace]);
        }
        Ok(out)
    }

    /// Entries counted up to `cap` must stay within `max_unroll`.
    fn check_count_cap(&self, n: &Node, cap: u64) -> Result<(), SchemaError> {
        if cap <= self.opts.max_unroll as u64 {
            return Ok(());
        }
        Err(limit_error(
            &n.ptr,
            if n.max_props.is_some() {
                "maxProperties"
            } else {
                "minProperties"
            },
            "max_unroll",
            format!(
                "a property count bound this large ({cap}; more than max_unroll = {})",
                self.opts.max_unroll
            ),
        ))
    }
}
