//! Schema intersection (`allOf`): [`Reader::all`] over schemas, lazy
//! where a reference takes part (so recursive schemas stay finite),
//! [`Reader::intersect`] over nodes; with the lookups it rests on (the
//! node of a schema, the schema of a key's value, the types a node can
//! still have).

use std::rc::Rc;

use super::node::{
    conj_key, json_eq, same_conjuncts, tighter_hi, tighter_lo, type_of, Node, Sch, ARR, FRAC, INT,
    OBJ, STR,
};
use super::read::{Reader, MAX_DEPTH, MAX_WORK};
use crate::json_schema::error::{at_failure, unsupported, SchemaError};
use crate::json_schema::numbers::Dec;
use crate::json_schema::options::Draft;
use crate::json_schema::text;

fn min_opt(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => Some(x.min(y)),
    }
}

impl Reader<'_> {
    /// The node of a schema (references read, one level).
    pub fn node_of(&mut self, s: &Sch, ptr: &str) -> Result<Node, SchemaError> {
        match s {
            Sch::True => Ok(Node::any(ptr)),
            Sch::False => {
                let mut n = Node::any(ptr);
                n.types = 0;
                Ok(n)
            }
            Sch::Node(n) => Ok((**n).clone()),
            Sch::Ref(p) => {
                let at = super::read::ref_pointer(p).to_owned();
                self.enter(&at)?;
                let r = self.read(p).and_then(|s| self.node_of(&s, &at));
                self.depth -= 1;
                r
            }
            Sch::All(xs) => {
                self.enter(ptr)?;
                let r = (|| {
                    let mut n = self.node_of(&xs[0], ptr)?;
                    for x in &xs[1..] {
                        let m = self.node_of(x, ptr)?;
                        n = self.intersect(&n, &m)?;
                    }
                    Ok(n)
                })();
                self.depth -= 1;
                r
            }
        }
    }

    /// One level deeper into references, combinators or negation.
    pub(super) fn enter(&mut self, ptr: &str) -> Result<(), SchemaError> {
        if self.depth > MAX_DEPTH {
            return Err(unsupported(
                ptr,
                "$ref",
                "references nested too deeply inside allOf/not/if (a reference cycle through intersection or negation)",
            ));
        }
        self.depth += 1;
        Ok(())
    }

    /// `a ∧ b`.
    pub fn all(&mut self, a: &Sch, b: &Sch) -> Result<Sch, SchemaError> {
        let lazy = |x: &Sch| matches!(x, Sch::Ref(_) | Sch::All(_));
        match (a, b) {
            (Sch::True, x) | (x, Sch::True) => Ok(x.clone()),
            (Sch::False, _) | (_, Sch::False) => Ok(Sch::False),
            _ if lazy(a) || lazy(b) => {
                let mut xs: Vec<Sch> = Vec::new();
                for x in [a, b] {
                    match x {
                        Sch::All(ys) => xs.extend(ys.iter().cloned()),
                        y => xs.push(y.clone()),
                    }
                }
                let mut keyed: Vec<(Rc<str>, Sch)> =
                    xs.into_iter().map(|x| (conj_key(&x), x)).collect();
                keyed.sort_by(|p, q| p.0.cmp(&q.0));
                keyed.dedup_by(|p, q| p.0 == q.0);
                Ok(if keyed.len() == 1 {
                    keyed.pop().expect("one").1
                } else {
                    Sch::All(keyed.into_iter().map(|k| k.1).collect())
                })
            }
            _ => {
                self.enter("")?;
                let r = (|| {
                    let na = self.node_of(a, "")?;
                    let nb = self.node_of(b, "")?;
                    Ok(Sch::Node(Rc::new(self.intersect(&na, &nb)?)))
                })();
                self.depth -= 1;
                r
            }
        }
    }

    pub(super) fn all_opt(
        &mut self,
        a: &Option<Sch>,
        b: &Option<Sch>,
    ) -> Result<Option<Sch>, SchemaError> {
        Ok(match (a, b) {
            (None, x) | (x, None) => x.clone(),
            (Some(x), Some(y)) => Some(self.all(x, y)?),
        })
    }

    /// The schema a key's value must satisfy under `n` (properties,
    /// matching patterns, else additionalProperties; None where nothing
    /// applies and the default decides).
    pub fn value_schema(&mut self, n: &Node, key: &str) -> Result<Option<Sch>, SchemaError> {
        let listed = n.props.iter().find(|(k, _)| k == key).map(|x| &x.1);
        self.value_schema_listed(n, key, listed)
    }

    /// [`Reader::value_schema`] given the schema `properties` lists for
    /// `key`, if any (for callers that look many keys up).
    pub fn value_schema_listed(
        &mut self,
        n: &Node,
        key: &str,
        listed: Option<&Sch>,
    ) -> Result<Option<Sch>, SchemaError> {
        let mut out: Option<Sch> = None;
        let mut matched = false;
        if let Some(s) = listed {
            out = Some(s.clone());
            matched = true;
        }
        for (p, s) in &n.pattern_props {
            if text::pattern_matches(p, key)
                .map_err(|e| at_failure(&n.ptr, "patternProperties", e))?
            {
                out = self.all_opt(&out, &Some(s.clone()))?;
                matched = true;
            }
        }
        if !matched {
            return Ok(n.additional.clone());
        }
        Ok(out)
    }

    pub fn intersect(&mut self, a: &Node, b: &Node) -> Result<Node, SchemaError> {
        self.work += 1;
        if self.work > MAX_WORK {
            let msg = format!("the schema needs more than {MAX_WORK} intersections (a combinator or reference structure too large to expand)");
            if !self.lenient {
                return Err(unsupported(&a.ptr, "allOf", msg));
            }
            // Lenient: past the budget, `b`'s conditions are left out (a
            // superset), noted once.
            if self.work == MAX_WORK + 1 {
                self.unsupported(&a.ptr, "allOf", &msg)?;
            }
            return Ok(a.clone());
        }
        // An unevaluated* keyword whose own schema evaluates a fixed set of
        // keys (items) is a condition on the others: made one before its
        // scope is merged away.
        if a.uneval_props.is_some()
            || b.uneval_props.is_some()
            || a.uneval_items.is_some()
            || b.uneval_items.is_some()
        {
            let (la, lb) = (localized(a), localized(b));
            if la.is_some() || lb.is_some() {
                return self.intersect(la.as_ref().unwrap_or(a), lb.as_ref().unwrap_or(b));
            }
        }
        let mut n = a.clone();
        n.types &= b.types;
        n.consts = match (&a.consts, &b.consts) {
            (None, x) | (x, None) => x.clone(),
            (Some(x), Some(y)) => Some(
                x.iter()
                    .filter(|v| y.iter().any(|w| json_eq(v, w)))
                    .cloned()
                    .collect(),
            ),
        };
        n.not_consts.extend(b.not_consts.iter().cloned());
        n.min_len = a.min_len.max(b.min_len);
        n.max_len = min_opt(a.max_len, b.max_len);
        n.patterns.extend(b.patterns.iter().cloned());
        n.formats.extend(b.formats.iter().cloned());
        n.not_strings.extend(b.not_strings.iter().cloned());
        n.lo = tighter_lo(a.lo.clone(), b.lo.clone());
        n.hi = tighter_hi(a.hi.clone(), b.hi.clone());
        n.multiples.extend(b.multiples.iter().cloned());
        n.not_numbers.extend(b.not_numbers.iter().cloned());
        // Arrays: position by position.
        let len = a.prefix.len().max(b.prefix.len());
        let pos = |x: &Node, i: usize| -> Option<Sch> {
            x.prefix.get(i).cloned().or_else(|| x.items.clone())
        };
        let mut prefix = Vec::with_capacity(len);
        for i in 0..len {
            prefix.push(self.all_opt(&pos(a, i), &pos(b, i))?.unwrap_or(Sch::True));
        }
        n.prefix = prefix;
        n.items = self.all_opt(&a.items, &b.items)?;
        n.min_items = a.min_items.max(b.min_items);
        n.max_items = min_opt(a.max_items, b.max_items);
        n.contains = match (&a.contains, &b.contains) {
            (None, x) | (x, None) => x.clone(),
            (Some(_), Some(_)) => {
                return Err(unsupported(
                    &b.ptr,
                    "contains",
                    "two contains conditions on one array (allOf)",
                ));
            }
        };
        n.unique = a.unique.clone().or_else(|| b.unique.clone());
        // Objects.
        // One branch's additionalProperties also covers keys only the other
        // branch's patterns match; lenient lets other keys take any value
        // (a superset, outside an enclosing `not`).
        let loose = (!a.pattern_props.is_empty() && b.additional.is_some())
            || (!b.pattern_props.is_empty() && a.additional.is_some());
        if loose {
            self.unsupported(
                &b.ptr,
                "patternProperties",
                "allOf combining patternProperties with another branch's additionalProperties",
            )?;
        }
        let mut keys: Vec<String> = a.props.iter().map(|(k, _)| k.clone()).collect();
        for (k, _) in &b.props {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
        let mut props = Vec::with_capacity(keys.len());
        for k in keys {
            let va = self.value_schema(a, &k)?;
            let vb = self.value_schema(b, &k)?;
            props.push((k, self.all_opt(&va, &vb)?.unwrap_or(Sch::True)));
        }
        n.props = props;
        n.pattern_props.extend(b.pattern_props.iter().cloned());
        n.additional = if loose {
            Some(Sch::True)
        } else {
            self.all_opt(&a.additional, &b.additional)?
        };
        n.names = self.all_opt(&a.names, &b.names)?;
        for r in &b.required {
            if !n.required.contains(r) {
                n.required.push(r.clone());
            }
        }
        n.min_props = a.min_props.max(b.min_props);
        n.max_props = min_opt(a.max_props, b.max_props);
        n.dep_required.extend(b.dep_required.iter().cloned());
        n.dep_schemas.extend(b.dep_schemas.iter().cloned());
        for k in &b.eval_keys {
            if !n.eval_keys.contains(k) {
                n.eval_keys.push(k.clone());
            }
        }
        for p in &b.eval_patterns {
            if !n.eval_patterns.contains(p) {
                n.eval_patterns.push(p.clone());
            }
        }
        n.eval_all_keys |= b.eval_all_keys;
        n.eval_prefix = n.eval_prefix.max(b.eval_prefix);
        n.eval_all_items |= b.eval_all_items;
        // An unevaluated* keyword sees only what its own schema evaluated:
        // merged with another schema's evaluations, that scope is lost.
        // (Branches of combinators may evaluate too.)
        let branches = |x: &Node| {
            !x.any_of.is_empty()
                || !x.one_of.is_empty()
                || !x.conds.is_empty()
                || !x.dep_schemas.is_empty()
        };
        let props_of = |x: &Node| {
            !x.eval_keys.is_empty() || !x.eval_patterns.is_empty() || x.eval_all_keys || branches(x)
        };
        let items_of = |x: &Node| x.eval_prefix > 0 || x.eval_all_items || branches(x);
        // `unevaluated*: true` constrains nothing, whatever its scope.
        let real = |u: &Option<Sch>| u.as_ref().is_some_and(|s| !matches!(s, Sch::True));
        if (real(&a.uneval_props) && props_of(b)) || (real(&b.uneval_props) && props_of(a)) {
            return Err(unsupported(
                &b.ptr,
                "unevaluatedProperties",
                "unevaluatedProperties in one branch of an intersection whose other branch evaluates properties",
            ));
        }
        if (real(&a.uneval_items) && items_of(b)) || (real(&b.uneval_items) && items_of(a)) {
            return Err(unsupported(
                &b.ptr,
                "unevaluatedItems",
                "unevaluatedItems in one branch of an intersection whose other branch evaluates items",
            ));
        }
        // Two scopes that evaluate the same keys (neither evaluates any
        // other): one constraint, and `true` adds none.
        let pick = |s: &mut Self, x: &Option<Sch>, y: &Option<Sch>| match (x, y) {
            (Some(Sch::True), o) | (o, Some(Sch::True)) if o.is_some() => Ok(o.clone()),
            _ => s.all_opt(x, y),
        };
        n.uneval_props = pick(self, &a.uneval_props, &b.uneval_props)?;
        n.uneval_items = pick(self, &a.uneval_items, &b.uneval_items)?;
        n.excl.extend(b.excl.iter().cloned());
        // Combinators, each once (`x ∧ x` is `x`).
        for g in &b.any_of {
            if !n.any_of.iter().any(|h| same_conjuncts(h, g)) {
                n.any_of.push(g.clone());
            }
        }
        for (g, p) in &b.one_of {
            if !n.one_of.iter().any(|(h, _)| same_conjuncts(h, g)) {
                n.one_of.push((g.clone(), p.clone()));
            }
        }
        for (x, p) in &b.nots {
            if !n.nots.iter().any(|(y, _)| conj_key(y) == conj_key(x)) {
                n.nots.push((x.clone(), p.clone()));
            }
        }
        for c in &b.conds {
            let k = |c: &(Sch, Sch, Sch)| (conj_key(&c.0), conj_key(&c.1), conj_key(&c.2));
            if !n.conds.iter().any(|d| k(d) == k(c)) {
                n.conds.push(c.clone());
            }
        }
        Ok(n)
    }

    /// Quick emptiness: no type left, or no constant left.
    pub fn empty(&self, n: &Node) -> bool {
        let t = self.effective_types(n);
        t == 0
    }

    /// The types a node's values can have.
    pub fn effective_types(&self, n: &Node) -> u8 {
        let mut t = n.types;
        if let Some(cs) = &n.consts {
            let mut ct = 0;
            for c in cs {
                if !n.not_consts.iter().any(|x| json_eq(x, c)) {
                    ct |= type_of(c, self.doc.draft);
                }
            }
            t &= ct;
        }
        if let (Some((lo, ls)), Some((hi, hs))) = (&n.lo, &n.hi) {
            if lo > hi || (lo == hi && (*ls || *hs)) {
                t &= !(INT | FRAC);
            }
        }
        // A multiple of an integer is an integer (in draft 4, `2.0` is not
        // an integer but is a multiple of 1: FRAC stays).
        if self.doc.draft != Draft::D4 && n.multiples.iter().any(Dec::is_integer) {
            t &= !FRAC;
        }
        if n.max_len.is_some_and(|m| m < n.min_len) {
            t &= !STR;
        }
        if n.max_items.is_some_and(|m| m < n.min_items) {
            t &= !ARR;
        }
        if n.max_props.is_some_and(|m| m < n.min_props) {
            t &= !OBJ;
        }
        t
    }
}

/// `x` with its `unevaluatedProperties` (`unevaluatedItems`) written as
/// the condition it is where `x` alone evaluates a fixed set of keys
/// (items): `properties` and `patternProperties` without
/// `additionalProperties`, and no combinator that may evaluate more (a
/// prefix without `items` or `contains`). Then it is `x`'s
/// `additionalProperties` (`items` past the prefix), which a merge keeps
/// in scope. `None` where nothing changes.
fn localized(x: &Node) -> Option<Node> {
    let branches = !x.any_of.is_empty()
        || !x.one_of.is_empty()
        || !x.conds.is_empty()
        || !x.dep_schemas.is_empty();
    if branches {
        return None;
    }
    let mut out: Option<Node> = None;
    let real = |u: &Option<Sch>| u.as_ref().is_some_and(|s| !matches!(s, Sch::True));
    if real(&x.uneval_props)
        && !x.eval_all_keys
        && x.additional.is_none()
        && x.eval_keys
            .iter()
            .all(|k| x.props.iter().any(|(p, _)| p == k))
        && x.eval_patterns
            .iter()
            .all(|k| x.pattern_props.iter().any(|(p, _)| p == k))
    {
        let y = out.get_or_insert_with(|| x.clone());
        y.additional = y.uneval_props.take();
        y.eval_all_keys = true;
    }
    if real(&x.uneval_items)
        && !x.eval_all_items
        && x.items.is_none()
        && x.contains.is_none()
        && x.prefix.len() == x.eval_prefix
    {
        let y = out.get_or_insert_with(|| x.clone());
        y.items = y.uneval_items.take();
        y.eval_all_items = true;
    }
    out
}
