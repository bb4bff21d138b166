//! Templates: instances, checked for size and depth before they are
//! built.

use crate::grammar::{GrammarError, NtId, Span};

use super::ast::{children, Ex};
use super::lower::Lowerer;

impl Lowerer<'_> {
    pub(super) fn template_nt(
        &mut self,
        name: &str,
        args: &[Ex],
        span: Span,
    ) -> Result<NtId, GrammarError> {
        let Some(entry) = self.m.table.get(name) else {
            return Err(self.err(span, format!("undefined template `{name}`")));
        };
        if entry.def.params.len() != args.len() {
            return Err(self.err(
                span,
                format!(
                    "template `{name}` takes {} argument(s), {} given",
                    entry.def.params.len(),
                    args.len()
                ),
            ));
        }
        self.used_templates.insert(name.to_owned());
        let key = format!(
            "{name}{{{}}}",
            args.iter()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        if let Some(&n) = self.nt_ids.get(&key) {
            return Ok(n);
        }
        if self.nt_ids.len() > 100_000 {
            return Err(self.err(span, "too many template instances (recursive template?)"));
        }
        let params = entry.def.params.clone();
        // The instance's size and depth, before building it: arguments
        // that grow with each instance (`t{x}: t{x x}`) would otherwise
        // double the work per level, and deepen every walk of the result.
        let arg_shape: Vec<(usize, usize)> = args.iter().map(ex_shape).collect();
        let (body_nodes, arg_uses) = {
            let mut nodes = 0usize;
            let mut uses: Vec<(usize, usize)> = Vec::new(); // (argument, depth)
            let mut stack = vec![(&entry.def.body, 0usize)];
            while let Some((x, d)) = stack.pop() {
                nodes += 1;
                match x {
                    Ex::Name { name, .. } => {
                        if let Some(i) = params.iter().position(|p| p == name) {
                            uses.push((i, d));
                        }
                    }
                    _ => stack.extend(children(x).into_iter().map(|c| (c, d + 1))),
                }
            }
            (nodes, uses)
        };
        let mut nodes = body_nodes;
        for &(i, d) in &arg_uses {
            let (h, n) = arg_shape[i];
            if d + h > self.max_nesting {
                return Err(self.nesting_error(span, "this template instance's expressions are"));
            }
            nodes = nodes.saturating_add(n);
        }
        self.template_nodes = self.template_nodes.saturating_add(nodes);
        if self.template_nodes > self.max_productions {
            return Err(self.err(
                span,
                format!(
                    "template instances grow past {} expression nodes here (a template instantiating itself with growing arguments?)",
                    self.max_productions
                ),
            )
            .with_limit("max_productions"));
        }
        let body = substitute(&entry.def.body, &params, args);
        let id = self.new_nt(format!("{name}{{{}}}", args.len()));
        self.nt_ids.insert(key, id);
        self.queue.push((id, body));
        Ok(id)
    }
}

/// The height (levels below the root) and node count of `ex`, without
/// recursion.
fn ex_shape(ex: &Ex) -> (usize, usize) {
    let (mut height, mut nodes) = (0, 0);
    let mut stack = vec![(ex, 0usize)];
    while let Some((x, d)) = stack.pop() {
        nodes += 1;
        height = height.max(d);
        stack.extend(children(x).into_iter().map(|c| (c, d + 1)));
    }
    (height, nodes)
}

/// `ex` with template parameters replaced by the arguments (the caller
/// has checked the depth of the result).
fn substitute(ex: &Ex, params: &[String], args: &[Ex]) -> Ex {
    match ex {
        Ex::Name { name, .. } => match params.iter().position(|p| p == name) {
            Some(i) => args[i].clone(),
            None => ex.clone(),
        },
        Ex::Alts(xs) => Ex::Alts(xs.iter().map(|x| substitute(x, params, args)).collect()),
        Ex::Seq(xs) => Ex::Seq(xs.iter().map(|x| substitute(x, params, args)).collect()),
        Ex::Template {
            name,
            args: a,
            span,
        } => Ex::Template {
            name: name.clone(),
            args: a.iter().map(|x| substitute(x, params, args)).collect(),
            span: *span,
        },
        Ex::Maybe(x) => Ex::Maybe(Box::new(substitute(x, params, args))),
        Ex::Repeat { ex, min, max, span } => Ex::Repeat {
            ex: Box::new(substitute(ex, params, args)),
            min: *min,
            max: *max,
            span: *span,
        },
        other => other.clone(),
    }
}
