//! Negation: `not` pushed down to per-type complements where JSON Schema
//! makes that exact ([`Reader::negate`]: the complement of a node as a
//! union of nodes).

use std::rc::Rc;

use super::node::{Node, Sch, ALL, ARR, FRAC, INT, OBJ, STR};
use super::read::{Reader, MAX_ALTERNATIVES};
use crate::json_schema::error::{unsupported, SchemaError};

impl Reader<'_> {
    /// Nodes whose union is the complement of `n`.
    pub fn negate(&mut self, n: &Node, ptr: &str) -> Result<Vec<Node>, SchemaError> {
        self.enter(ptr)?;
        let r = self.negate_inner(n, ptr);
        self.depth -= 1;
        r
    }

    fn negate_inner(&mut self, n: &Node, ptr: &str) -> Result<Vec<Node>, SchemaError> {
        let mut out = Vec::new();
        if !n.excl.is_empty() {
            // n is its rules less the values of each excluded schema: not n
            // is not the rules, or the rules and one of those.
            let mut base = n.clone();
            base.excl.clear();
            let mut out = self.negate(&base, ptr)?;
            for e in &n.excl {
                let mut en = self.node_of(e, ptr)?;
                // What a negation holds for is no evaluation.
                en.eval_keys.clear();
                en.eval_patterns.clear();
                en.eval_all_keys = false;
                en.eval_prefix = 0;
                en.eval_all_items = false;
                let x = self.intersect(&base, &en)?;
                if !self.empty(&x) {
                    out.push(x);
                }
            }
            return Ok(out);
        }
        // Not of an anyOf: the negations of all branches (intersected).
        // Not of an allOf was already intersected into n.
        if n.has_combinators() {
            let alts = self.expand(n)?;
            let mut acc = vec![Node::any(ptr)];
            for a in &alts {
                let negs = self.negate(a, ptr)?;
                let mut next = Vec::new();
                for x in &acc {
                    for y in &negs {
                        let z = self.intersect(x, y)?;
                        if !self.empty(&z) {
                            next.push(z);
                        }
                    }
                }
                if next.len() > MAX_ALTERNATIVES {
                    // Lenient: any value, a superset of the complement (a
                    // subset under a further `not`).
                    self.unsupported(ptr, "not", "negation expands too far")?;
                    return Ok(vec![Node::any(ptr)]);
                }
                acc = next;
            }
            return Ok(acc);
        }
        let t = n.types;
        // Values of other types.
        let mut other = Node::any(ptr);
        other.types = ALL & !t;
        out.push(other);
        if let Some(cs) = &n.consts {
            // Values of n's types other than its constants (the constants'
            // other constraints are checked: a constant n rejects is not
            // excluded).
            let mut excl = Vec::new();
            for c in cs {
                if self.accepts_node(&self.without_consts(n), c)? == Some(true) {
                    excl.push(c.clone());
                } else if self.accepts_node(&self.without_consts(n), c)?.is_none() {
                    return Err(unsupported(
                        ptr,
                        "not",
                        "not over an enum with constraints corral cannot check",
                    ));
                }
            }
            let mut x = Node::any(ptr);
            x.types = t;
            x.not_consts = excl;
            out = vec![x];
            let mut other = Node::any(ptr);
            other.types = ALL & !t;
            out.push(other);
            return Ok(out);
        }
        if !n.not_consts.is_empty() {
            // not(not enum): the constants themselves (of n's types).
            let mut x = Node::any(ptr);
            x.types = t;
            x.consts = Some(n.not_consts.clone());
            if n.has_string_constraints()
                || n.has_number_constraints()
                || n.has_array_constraints()
                || n.has_object_constraints()
            {
                return Err(unsupported(
                    ptr,
                    "not",
                    "not over enum exclusions with other constraints",
                ));
            }
            out.push(x);
            return Ok(out);
        }
        if t & STR != 0 && n.has_string_constraints() {
            let mut x = Node::any(ptr);
            x.types = STR;
            x.not_strings.push(n.string_part());
            out.push(x);
        }
        if t & (INT | FRAC) != 0 && n.has_number_constraints() {
            let mut x = Node::any(ptr);
            x.types = t & (INT | FRAC);
            x.not_numbers.push(n.number_part());
            out.push(x);
        }
        // unevaluated*: false (or any schema but true) constrains objects
        // (arrays) too, which the matcher checks where they close.
        let real = |u: &Option<Sch>| u.as_ref().is_some_and(|u| !matches!(u, Sch::True));
        let checked = self.value_checks;
        if t & ARR != 0 && (n.has_array_constraints() || (checked && real(&n.uneval_items))) {
            out.extend(self.negate_array(n, ptr)?);
        }
        if t & OBJ != 0 && (n.has_object_constraints() || (checked && real(&n.uneval_props))) {
            out.extend(self.negate_object(n, ptr)?);
        }
        Ok(out)
    }

    /// The values of type `t` (objects or arrays) that `n` rejects, as
    /// every such value less `n`'s, which the matcher checks where the
    /// value closes.
    fn checked_not(&self, n: &Node, t: u8, ptr: &str) -> Node {
        let mut x = Node::any(ptr);
        x.types = t;
        let mut m = n.clone();
        m.types &= t;
        x.excl.push(Sch::Node(Rc::new(m)));
        x
    }

    fn without_consts(&self, n: &Node) -> Node {
        let mut m = n.clone();
        m.consts = None;
        m
    }

    fn negate_array(&mut self, n: &Node, ptr: &str) -> Result<Vec<Node>, SchemaError> {
        let mut out = Vec::new();
        let uneval = n
            .uneval_items
            .as_ref()
            .is_some_and(|u| !matches!(u, Sch::True));
        if self.value_checks && uneval {
            // unevaluatedItems: the matcher reads what the rules evaluate.
            return Ok(vec![self.checked_not(n, ARR, ptr)]);
        }
        if !n.prefix.is_empty() || n.items.is_some() || n.contains.is_some() || n.unique.is_some() {
            if self.value_checks {
                return Ok(vec![self.checked_not(n, ARR, ptr)]);
            }
            // Lenient: any array, a superset of the arrays n rejects.
            self.unsupported(ptr, "not", "not over array item constraints")?;
            let mut x = Node::any(ptr);
            x.types = ARR;
            return Ok(vec![x]);
        }
        if n.min_items > 0 {
            let mut x = Node::any(ptr);
            x.types = ARR;
            x.max_items = Some(n.min_items - 1);
            out.push(x);
        }
        if let Some(m) = n.max_items {
            let mut x = Node::any(ptr);
            x.types = ARR;
            x.min_items = m + 1;
            out.push(x);
        }
        Ok(out)
    }

    fn negate_object(&mut self, n: &Node, ptr: &str) -> Result<Vec<Node>, SchemaError> {
        let mut out = Vec::new();
        let uneval = n
            .uneval_props
            .as_ref()
            .is_some_and(|u| !matches!(u, Sch::True));
        if !n.pattern_props.is_empty()
            || n.additional.is_some()
            || n.names.is_some()
            || (uneval && self.value_checks)
        {
            if self.value_checks {
                return Ok(vec![self.checked_not(n, OBJ, ptr)]);
            }
            // Lenient: any object, a superset of the objects n rejects.
            self.unsupported(
                ptr,
                "not",
                "not over patternProperties, additionalProperties or propertyNames",
            )?;
            let mut x = Node::any(ptr);
            x.types = OBJ;
            return Ok(vec![x]);
        }
        let obj = |ptr: &str| {
            let mut x = Node::any(ptr);
            x.types = OBJ;
            x
        };
        // A required key missing.
        for k in &n.required {
            let mut x = obj(ptr);
            x.props.push((k.clone(), Sch::False));
            out.push(x);
        }
        // A listed key present with a value its schema rejects.
        for (k, s) in &n.props {
            let sn = self.node_of(s, ptr)?;
            for neg in self.negate(&sn, ptr)? {
                if self.empty(&neg) {
                    continue;
                }
                let mut x = obj(ptr);
                x.required.push(k.clone());
                x.props.push((k.clone(), Sch::Node(Rc::new(neg))));
                out.push(x);
            }
        }
        if n.min_props > 0 {
            let mut x = obj(ptr);
            x.max_props = Some(n.min_props - 1);
            out.push(x);
        }
        if let Some(m) = n.max_props {
            let mut x = obj(ptr);
            x.min_props = m + 1;
            out.push(x);
        }
        Ok(out)
    }
}
