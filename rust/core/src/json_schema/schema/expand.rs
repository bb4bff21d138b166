//! Combinators expanded away: [`Reader::expand`] turns a node's `anyOf`,
//! `oneOf`, `not`, `if`/`then`/`else` and dependencies into a union of
//! plain nodes. `oneOf` branches that may share a value are taken type by
//! type, each without the others it overlaps.

use std::rc::Rc;

use super::node::{Node, Sch, ALL, ARR, BOOL, FRAC, INT, NULL, OBJ, STR};
use super::read::{Reader, MAX_ALTERNATIVES, MAX_DEPTH};
use crate::json_schema::error::{limit_error, unsupported, SchemaError};

/// Whether `n` holds every value of type `t` (one type bit).
fn covers_type(n: &Node, t: u8) -> bool {
    n.types & t != 0
        && n.consts.is_none()
        && n.not_consts.is_empty()
        && !n.has_combinators()
        && match t {
            INT | FRAC => !n.has_number_constraints(),
            STR => !n.has_string_constraints(),
            ARR => !n.has_array_constraints() && n.uneval_items.is_none(),
            OBJ => {
                !n.has_object_constraints()
                    && n.uneval_props.is_none()
                    && n.dep_required.is_empty()
                    && n.dep_schemas.is_empty()
            }
            _ => true,
        }
}

impl Reader<'_> {
    /// Plain nodes (no combinators) whose union is `n`.
    pub fn expand(&mut self, n: &Node) -> Result<Vec<Node>, SchemaError> {
        if !n.has_combinators() {
            return Ok(if self.empty(n) {
                vec![]
            } else {
                vec![n.clone()]
            });
        }
        if self.depth > MAX_DEPTH {
            return Err(unsupported(
                &n.ptr,
                "anyOf",
                "combinators nested too deeply",
            ));
        }
        self.depth += 1;
        let r = self.expand_inner(n);
        self.depth -= 1;
        r
    }

    fn expand_inner(&mut self, n: &Node) -> Result<Vec<Node>, SchemaError> {
        let mut base = n.clone();
        // unevaluated* of this node see what its branches evaluate: set
        // aside while the branches are merged in, then put on each result.
        let uneval = (base.uneval_props.take(), base.uneval_items.take());
        base.any_of.clear();
        base.one_of.clear();
        base.nots.clear();
        base.conds.clear();
        base.dep_required.clear();
        base.dep_schemas.clear();
        // Each step: a list of alternatives to intersect with the result.
        let mut steps: Vec<Vec<Node>> = Vec::new();
        for group in &n.any_of {
            let mut alts = Vec::new();
            for s in group {
                alts.push(self.node_of(s, &n.ptr)?);
            }
            if (uneval.0.is_some() || uneval.1.is_some()) && (2..=4).contains(&alts.len()) {
                // unevaluated* see what every branch that holds evaluated:
                // one alternative per set of branches holding together (a
                // value takes the one of all the branches it satisfies).
                if let Ok(sets) = self.any_of_sets(&alts) {
                    alts = sets;
                }
            }
            steps.push(alts);
        }
        for (group, ptr) in &n.one_of {
            steps.push(self.one_of(&base, group, ptr)?);
        }
        for (s, ptr) in &n.nots {
            let sn = self.node_of(s, ptr)?;
            steps.push(self.negate(&sn, ptr)?);
        }
        for (c, t, e) in &n.conds {
            let cn = self.node_of(c, &n.ptr)?;
            let tn = self.node_of(t, &n.ptr)?;
            let en = self.node_of(e, &n.ptr)?;
            let mut alts = vec![self.intersect(&cn, &tn)?];
            for neg in self.negate(&cn, &format!("{}/if", n.ptr))? {
                alts.push(self.intersect(&neg, &en)?);
            }
            steps.push(alts);
        }
        for (k, reqs) in &n.dep_required {
            let mut absent = Node::any(&n.ptr);
            absent.props.push((k.clone(), Sch::False));
            let mut present = Node::any(&n.ptr);
            present.types = OBJ;
            present.required.push(k.clone());
            present.required.extend(reqs.iter().cloned());
            steps.push(vec![absent, present]);
        }
        for (k, s) in &n.dep_schemas {
            let mut absent = Node::any(&n.ptr);
            absent.props.push((k.clone(), Sch::False));
            let mut present = self.node_of(s, &n.ptr)?;
            let mut req = Node::any(&n.ptr);
            req.types = OBJ;
            req.required.push(k.clone());
            present = self.intersect(&present, &req)?;
            // Non-objects satisfy a dependency trivially.
            let mut other = Node::any(&n.ptr);
            other.types = ALL & !OBJ;
            steps.push(vec![absent, present, other]);
        }
        let mut acc = vec![base];
        for alts in steps {
            let mut next = Vec::new();
            for a in &acc {
                for b in &alts {
                    let x = self.intersect(a, b)?;
                    if !self.empty(&x) {
                        next.push(x);
                    }
                }
            }
            if next.len() > DEDUP_FROM {
                dedup_nodes(&mut next);
            }
            if next.len() > MAX_ALTERNATIVES {
                // Lenient: this group's condition is left out, a superset
                // (a subset under a further `not`).
                self.unsupported(
                    &n.ptr,
                    "anyOf",
                    &format!("combinators expand to more than {MAX_ALTERNATIVES} alternatives"),
                )?;
                continue;
            }
            acc = next;
        }
        let mut out = Vec::new();
        for mut a in acc {
            // A branch's own unevaluated* evaluates every key (item) the
            // branch did not: this node's is then vacuous.
            let (p, i) = (a.uneval_props.take(), a.uneval_items.take());
            a.uneval_props = p.or_else(|| uneval.0.clone());
            a.uneval_items = i.or_else(|| uneval.1.clone());
            out.extend(self.expand(&a)?);
        }
        Ok(out)
    }

    /// The intersections of every non-empty set of `alts`.
    fn any_of_sets(&mut self, alts: &[Node]) -> Result<Vec<Node>, SchemaError> {
        let mut out = Vec::new();
        for set in 1u32..(1 << alts.len()) {
            let mut x: Option<Node> = None;
            for (i, a) in alts.iter().enumerate() {
                if set & (1 << i) != 0 {
                    x = Some(match x {
                        None => a.clone(),
                        Some(y) => self.intersect(&y, a)?,
                    });
                }
            }
            if let Some(x) = x {
                if !self.empty(&x) {
                    out.push(x);
                }
            }
        }
        Ok(out)
    }

    /// `mine` without the values of each of `others` (a union of plain
    /// nodes).
    fn without_each(
        &mut self,
        mine: &Node,
        others: &[Node],
        ptr: &str,
    ) -> Result<Vec<Node>, SchemaError> {
        let mut acc = vec![mine.clone()];
        for o in others {
            let negs = self.negate(o, ptr)?;
            let mut next = Vec::new();
            for a in &acc {
                for b in &negs {
                    let x = self.intersect(a, b)?;
                    if !self.empty(&x) {
                        next.push(x);
                    }
                }
            }
            if next.len() > MAX_ALTERNATIVES {
                return Err(unsupported(ptr, "oneOf", "oneOf expands too far"));
            }
            acc = next;
            if acc.is_empty() {
                break;
            }
        }
        Ok(acc)
    }

    /// `oneOf`: exactly one branch. When the branches are disjoint this is
    /// `anyOf`; otherwise, type by type (a value of one type satisfies
    /// exactly one branch), each branch with the others it may overlap
    /// negated.
    fn one_of(&mut self, base: &Node, group: &[Sch], ptr: &str) -> Result<Vec<Node>, SchemaError> {
        let mut nodes = Vec::new();
        let mut based = Vec::new();
        for s in group {
            let x = self.node_of(s, ptr)?;
            based.push(self.intersect(base, &x)?);
            nodes.push(x);
        }
        let mut disjoint = true;
        'outer: for (i, a) in based.iter().enumerate() {
            for b in &nodes[i + 1..] {
                if !self.disjoint(a, b)? {
                    disjoint = false;
                    break 'outer;
                }
            }
        }
        if disjoint {
            return Ok(nodes);
        }
        let attempt = self.one_of_by_type(&nodes, &based, ptr);
        match attempt {
            Ok(v) => Ok(v),
            Err(e) if e.is_not_supported() => {
                self.unsupported(
                    ptr.trim_end_matches("/oneOf"),
                    "oneOf",
                    "oneOf with branches that may overlap (approximated as anyOf)",
                )?;
                Ok(nodes)
            }
            // Lenient: past the overlap budget, approximated too (strict
            // compiles say which budget).
            Err(e) if e.limit == Some("max_overlaps") && self.lenient => {
                self.unsupported(
                    ptr.trim_end_matches("/oneOf"),
                    "oneOf",
                    &format!(
                        "oneOf whose branches overlap in more ways than max_overlaps = {} (approximated as anyOf)",
                        self.max_overlaps
                    ),
                )?;
                Ok(nodes)
            }
            Err(e) => Err(e),
        }
    }

    fn one_of_by_type(
        &mut self,
        nodes: &[Node],
        based: &[Node],
        ptr: &str,
    ) -> Result<Vec<Node>, SchemaError> {
        let only = |n: &Node, t: u8| {
            let mut m = n.clone();
            m.types &= t;
            m
        };
        // Types on which the branches are pairwise apart: each branch as
        // it is. Others: branch i and not each branch j it may overlap.
        let mut apart_types = 0u8;
        let mut exact: Vec<(u8, Vec<Vec<usize>>)> = Vec::new();
        for t in [NULL, BOOL, INT, FRAC, STR, ARR, OBJ] {
            let live: Vec<usize> = (0..nodes.len())
                .filter(|&i| self.effective_types(&based[i]) & t != 0)
                .collect();
            let mut overlaps: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
            let mut any = false;
            for (x, &i) in live.iter().enumerate() {
                let a = only(&based[i], t);
                for &j in &live[x + 1..] {
                    if !self.disjoint(&a, &only(&nodes[j], t))? {
                        overlaps[i].push(j);
                        overlaps[j].push(i);
                        any = true;
                    }
                }
            }
            if any {
                exact.push((t, overlaps));
            } else {
                apart_types |= t;
            }
        }
        // A branch that takes every value of a type leaves the branches
        // it overlaps nothing of that type; otherwise each overlap is a
        // complement (a product automaton, for strings and numbers).
        let covers: Vec<Vec<bool>> = exact
            .iter()
            .map(|(t, _)| nodes.iter().map(|n| covers_type(n, *t)).collect())
            .collect();
        let complements: usize = exact
            .iter()
            .zip(&covers)
            .map(|((_, o), cov)| {
                o.iter()
                    .filter(|js| !js.iter().any(|&j| cov[j]))
                    .map(Vec::len)
                    .sum::<usize>()
            })
            .sum();
        if complements > self.max_overlaps {
            return Err(limit_error(
                ptr.trim_end_matches("/oneOf"),
                "oneOf",
                "max_overlaps",
                format!(
                    "oneOf whose branches overlap in {complements} ways (more than max_overlaps = {}; each is a branch negated inside another)",
                    self.max_overlaps
                ),
            ));
        }
        let mut out = Vec::new();
        if apart_types != 0 {
            for n in nodes {
                let x = only(n, apart_types);
                if !self.empty(&x) {
                    out.push(x);
                }
            }
        }
        for ((t, overlaps), cov) in exact.iter().zip(&covers) {
            for (i, others) in overlaps.iter().enumerate() {
                let mine = only(&nodes[i], *t);
                if self.empty(&mine) || others.iter().any(|&j| cov[j]) {
                    continue;
                }
                let negated: Vec<Node> = others.iter().map(|&j| only(&nodes[j], *t)).collect();
                if self.value_checks && (*t == ARR || *t == OBJ) {
                    // Objects and arrays: where a branch cannot be negated
                    // exactly, the matcher checks the value where it closes.
                    let before = self.approximations.len();
                    match self.without_each(&mine, &negated, ptr) {
                        Ok(acc) if self.approximations.len() == before => out.extend(acc),
                        Err(e) if !e.is_not_supported() => return Err(e),
                        _ => {
                            self.approximations.truncate(before);
                            let mut m = mine;
                            m.excl
                                .extend(negated.into_iter().map(|x| Sch::Node(Rc::new(x))));
                            out.push(m);
                        }
                    }
                    continue;
                }
                out.extend(self.without_each(&mine, &negated, ptr)?);
            }
        }
        Ok(out)
    }
}

/// Past this many alternatives, equal ones are merged (conditions that
/// test one discriminating key repeat the same alternatives).
const DEDUP_FROM: usize = 16;

/// Drops alternatives equal to an earlier one but for where they were read:
/// the union keeps its language.
fn dedup_nodes(xs: &mut Vec<Node>) {
    let mut seen = rustc_hash::FxHashSet::default();
    xs.retain(|x| {
        let mut k = x.clone();
        k.ptr.clear();
        seen.insert(format!("{k:?}"))
    });
}
