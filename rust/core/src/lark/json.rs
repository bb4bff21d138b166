//! `%json`: a JSON Schema used as a rule.

use crate::grammar::{GrammarError, NtId, Production, Span, Symbol, TermId, Terminal};

use super::lower::Lowerer;

impl Lowerer<'_> {
    /// Compiles a `%json` schema and adds its rules and terminals (renamed
    /// `json{k}_...`); returns its start rule.
    pub(super) fn embed_json(
        &mut self,
        schema: &serde_json::Value,
        span: Span,
    ) -> Result<NtId, GrammarError> {
        // Part of a larger text: the matcher cannot tell this value's
        // objects from the rest, so the rules alone keep keys apart.
        let opts = crate::json_schema::Options {
            distinct_keys: false,
            ..Default::default()
        };
        let compiled = crate::json_schema::compile(schema, &opts)
            .map_err(|e| self.err(span, format!("in this %json schema: {e}")))?;
        self.json_count += 1;
        let k = self.json_count;
        let sub = compiled.grammar;
        let t0 = self.g.terminals.len() as u32;
        for t in sub.terminals {
            self.g.terminals.push(Terminal {
                name: format!("JSON{k}_{}", t.name),
                span,
                ..t
            });
        }
        let n0 = self.g.nonterminals.len() as u32;
        for n in sub.nonterminals {
            self.g.nonterminals.push(format!("json{k}_{n}"));
        }
        let map = |s: Symbol| match s {
            Symbol::T(t) => Symbol::T(TermId::new(t.as_u32() + t0)),
            Symbol::N(n) => Symbol::N(NtId::new(n.as_u32() + n0)),
        };
        for p in sub.productions {
            self.g.productions.push(Production {
                lhs: NtId::new(p.lhs.as_u32() + n0),
                rhs: p.rhs.into_iter().map(map).collect(),
            });
        }
        Ok(NtId::new(sub.start.as_u32() + n0))
    }
}
