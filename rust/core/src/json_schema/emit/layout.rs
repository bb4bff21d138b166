//! Layout: the punctuation of objects and arrays for the whitespace asked
//! for (per nesting level where JSON is indented), and any JSON value.

use super::{any_string, rs, Emitter, Punct};
use crate::grammar::{NtId, Symbol, TermExpr, TermId, Terminal};
use crate::json_schema::error::SchemaError;
use crate::json_schema::options::{Whitespace, MAX_INDENT_DEPTH};
use crate::json_schema::schema::Sch;

impl Emitter<'_> {
    /// The key punctuation and rules are cached by: the nesting depth where
    /// JSON is indented (up to [`MAX_INDENT_DEPTH`]; deeper values share
    /// one compact level), else 0.
    pub(super) fn level(&self) -> u32 {
        match self.opts.whitespace {
            Whitespace::Indent { .. } if self.depth <= MAX_INDENT_DEPTH => self.depth,
            Whitespace::Indent { .. } => u32::MAX,
            _ => 0,
        }
    }

    /// `s`'s symbol as a value nested one level below the current one.
    pub(super) fn child_sym(&mut self, s: &Sch) -> Result<Option<Symbol>, SchemaError> {
        self.depth += 1;
        let r = self.sym(s);
        self.depth -= 1;
        r
    }

    pub(super) fn punct(&mut self) -> Punct {
        let level = self.level();
        if let Some(p) = self.puncts.get(&level) {
            return *p;
        }
        let p = match self.opts.whitespace {
            Whitespace::Flexible { max_run } if max_run > 0 => {
                let ws = format!("[ \\t\\n\\r]{{0,{max_run}}}");
                let mut r = |name: &str, p: String| self.term(name, rs(&p));
                Punct {
                    lbrace: r("LBRACE", format!(r"\{{{ws}")),
                    rbrace: r("RBRACE", format!(r"{ws}\}}")),
                    empty_obj: r("EMPTY_OBJECT", format!(r"\{{{ws}\}}")),
                    lbrack: r("LBRACKET", format!(r"\[{ws}")),
                    rbrack: r("RBRACKET", format!(r"{ws}\]")),
                    empty_arr: r("EMPTY_ARRAY", format!(r"\[{ws}\]")),
                    comma: r("COMMA", format!(r"{ws},{ws}")),
                    colon: r("COLON", format!(r"{ws}:{ws}")),
                }
            }
            Whitespace::Indent { width } if level != u32::MAX => {
                let inner = format!("\n{}", " ".repeat((width * (level + 1)) as usize));
                let outer = format!("\n{}", " ".repeat((width * level) as usize));
                Punct {
                    lbrace: self.lit("LBRACE", &format!("{{{inner}")),
                    rbrace: self.lit("RBRACE", &format!("{outer}}}")),
                    empty_obj: self.lit("EMPTY_OBJECT", "{}"),
                    lbrack: self.lit("LBRACKET", &format!("[{inner}")),
                    rbrack: self.lit("RBRACKET", &format!("{outer}]")),
                    empty_arr: self.lit("EMPTY_ARRAY", "[]"),
                    comma: self.lit("COMMA", &format!(",{inner}")),
                    colon: self.lit("COLON", ": "),
                }
            }
            _ => {
                let (item, key) = match self.opts.whitespace {
                    // Past the deepest indented level.
                    Whitespace::Indent { .. } => (",".to_owned(), ": ".to_owned()),
                    _ => (
                        self.opts.item_separator.clone(),
                        self.opts.key_separator.clone(),
                    ),
                };
                Punct {
                    lbrace: self.lit("LBRACE", "{"),
                    rbrace: self.lit("RBRACE", "}"),
                    empty_obj: self.lit("EMPTY_OBJECT", "{}"),
                    lbrack: self.lit("LBRACKET", "["),
                    rbrack: self.lit("RBRACKET", "]"),
                    empty_arr: self.lit("EMPTY_ARRAY", "[]"),
                    comma: self.lit("COMMA", &item),
                    colon: self.lit("COLON", &key),
                }
            }
        };
        self.puncts.insert(level, p);
        p
    }

    /// The `,` and `]` of arrays whose items must be distinct: the same
    /// text as the others, with terminals of their own, which the matcher
    /// takes only where the item they close is new to its array. The
    /// comma's own terminal ends at the `,` itself, and the whitespace a
    /// separator puts after it (`", "`, an indented line) follows as another
    /// terminal: the check comes with the `,`, so a token ending at it can
    /// never lead into a dead end that only the next token would reveal.
    pub(super) fn item_punct(&mut self) -> (Symbol, Symbol) {
        let level = self.level();
        if let Some(x) = self.item_puncts.get(&level) {
            return *x;
        }
        let p = self.punct();
        let own = |s: &mut Self, term: Terminal, origin_of: TermId, bracket: bool| -> Symbol {
            let id = TermId::new(s.terminals.len() as u32);
            s.term_origins
                .push(s.term_origins[origin_of.index()].clone());
            s.terminals.push(term);
            s.distinct_items.push((id, bracket));
            Symbol::T(id)
        };
        let Symbol::T(comma_t) = p.comma else {
            unreachable!("punctuation is terminals")
        };
        let (head, tail, optional) = self.comma_parts();
        let mut term = self.terminals[comma_t.index()].clone();
        term.name = "COMMA_DISTINCT".to_owned();
        term.expr = head;
        let head = own(self, term, comma_t, false);
        let comma = match tail {
            None => head,
            Some(t) => {
                let mut alts = vec![vec![head, t]];
                if optional {
                    alts.insert(0, vec![head]);
                }
                let name = self.memo_key("comma_distinct");
                self.alts_sym(&name, alts).expect("alternatives")
            }
        };
        let rbrack = match p.rbrack {
            Symbol::T(t) => {
                let mut term = self.terminals[t.index()].clone();
                term.name = "RBRACKET_DISTINCT".to_owned();
                own(self, term, t, true)
            }
            s => s,
        };
        let x = (comma, rbrack);
        self.item_puncts.insert(level, x);
        x
    }

    /// The item separator split after its `,`: the part up to the comma,
    /// the whitespace after it (a terminal), and whether that whitespace may
    /// be left out.
    fn comma_parts(&mut self) -> (TermExpr, Option<Symbol>, bool) {
        let sep = match self.opts.whitespace {
            Whitespace::Flexible { max_run } if max_run > 0 => {
                let ws = format!("[ \\t\\n\\r]{{0,{max_run}}}");
                let tail = self.term("WS", rs(&format!("[ \\t\\n\\r]{{1,{max_run}}}")));
                return (rs(&format!(r"{ws},")), Some(tail), true);
            }
            Whitespace::Indent { width } if self.level() != u32::MAX => {
                let inner = " ".repeat((width * (self.level() + 1)) as usize);
                format!(",\n{inner}")
            }
            Whitespace::Indent { .. } => ",".to_owned(),
            _ => self.opts.item_separator.clone(),
        };
        let cut = sep.find(',').map_or(sep.len(), |i| i + 1);
        let (head, rest) = sep.split_at(cut);
        let tail = (!rest.is_empty()).then(|| self.lit("COMMA_TAIL", rest));
        let head = TermExpr::Literal {
            value: head.to_owned(),
            ci: false,
        };
        (head, tail, false)
    }

    /// A rule's memo key: `key`, at this level where JSON is indented.
    pub(super) fn memo_key(&self, key: &str) -> String {
        match self.level() {
            0 => key.to_owned(),
            l => format!("{key}\u{1}{l}"),
        }
    }

    /// Any JSON value.
    pub(super) fn any(&mut self) -> NtId {
        let level = self.level();
        if let Some(a) = self.anys.get(&level) {
            return *a;
        }
        let value = self.nt("json_value");
        self.anys.insert(level, value);
        let p = self.punct();
        // Members and elements: values one level deeper where JSON is
        // indented (the same rule otherwise, and past the deepest level).
        let inner =
            if matches!(self.opts.whitespace, Whitespace::Indent { .. }) && level != u32::MAX {
                self.depth += 1;
                let x = self.any();
                self.depth -= 1;
                x
            } else {
                value
            };
        let string = self.term("STRING", any_string(self.spelling()));
        let spelling = self.number_spelling();
        let number = self.whole_integers(rs(spelling));
        let number = self.term("NUMBER", number);
        let (t, f, n) = (
            self.lit("TRUE", "true"),
            self.lit("FALSE", "false"),
            self.lit("NULL", "null"),
        );
        let members = self.nt("json_members");
        let elements = self.nt("json_elements");
        let v = Symbol::N(inner);
        for rhs in [
            vec![string],
            vec![number],
            vec![t],
            vec![f],
            vec![n],
            vec![p.empty_obj],
            vec![p.lbrace, Symbol::N(members), p.rbrace],
            vec![p.empty_arr],
            vec![p.lbrack, Symbol::N(elements), p.rbrack],
        ] {
            self.prod(value, rhs);
        }
        self.prod(members, vec![string, p.colon, v]);
        self.prod(
            members,
            vec![Symbol::N(members), p.comma, string, p.colon, v],
        );
        self.prod(elements, vec![v]);
        self.prod(elements, vec![Symbol::N(elements), p.comma, v]);
        value
    }
}
