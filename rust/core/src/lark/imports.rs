//! Loading grammar files: their statements, `%import`s (the shipped
//! `common` library, other files, renames), `%override` and `%extend`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::ErrorKind;
use crate::grammar::{Diagnostic, GrammarError, Severity, Source, Span};

use super::ast::{is_term_name, rename, walk_names, Def, Ex, ImportItem, Stmt};
use super::options::LarkOptions;
use super::syntax::Parser;

/// The `common` library of Lark terminals, shipped with corral.
pub const COMMON_LARK: &str = include_str!("common.lark");

/// A definition and the file it came from.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) def: Def,
    /// Defined in the main grammar (not imported): unused ones are reported.
    pub(super) local: bool,
}

/// The definitions of one grammar file after its imports.
#[derive(Debug, Clone, Default)]
pub(super) struct Module {
    pub(super) defs: Vec<String>,
    pub(super) table: HashMap<String, Entry>,
    pub(super) ignore: Vec<(Ex, Span)>,
    pub(super) declared: HashSet<String>,
}

impl Module {
    fn insert(&mut self, e: Entry) {
        if !self.table.contains_key(&e.def.name) {
            self.defs.push(e.def.name.clone());
        }
        self.table.insert(e.def.name.clone(), e);
    }
}

pub(super) struct Loader<'a> {
    pub(super) opts: &'a LarkOptions,
    pub(super) sources: Vec<Arc<Source>>,
    pub(super) modules: HashMap<String, Module>,
    /// Modules being loaded (import cycles).
    pub(super) loading: Vec<String>,
}

impl<'a> Loader<'a> {
    pub(super) fn new(opts: &'a LarkOptions) -> Self {
        Loader {
            opts,
            sources: Vec::new(),
            modules: HashMap::new(),
            loading: Vec::new(),
        }
    }
}

impl Loader<'_> {
    fn src(&self, span: Span) -> &Source {
        &self.sources[span.file as usize]
    }

    pub(super) fn err(&self, span: Span, msg: impl Into<String>) -> GrammarError {
        GrammarError::at(self.src(span), span, msg)
    }

    pub(super) fn load_module(
        &mut self,
        text: String,
        name: String,
        dir: Option<PathBuf>,
    ) -> Result<Module, GrammarError> {
        let file = self.sources.len() as u32;
        let src = Arc::new(Source { name, text });
        self.sources.push(src.clone());
        let stmts = Parser::new(&src, file, self.opts.max_nesting)?.statements()?;
        let mut m = Module::default();
        for st in stmts {
            match st {
                Stmt::Def(d) => {
                    if let Some(prev) = m.table.get(&d.name) {
                        let line = Diagnostic::new(
                            self.src(prev.def.span),
                            prev.def.span,
                            Severity::Error,
                            String::new(),
                        )
                        .line;
                        return Err(self.err(
                            d.span,
                            format!(
                                "duplicate definition of `{}` (first defined on line {line}; use %override to replace it)",
                                d.name
                            ),
                        ));
                    }
                    m.insert(Entry {
                        def: d,
                        local: true,
                    });
                }
                Stmt::Override(d) => {
                    if !m.table.contains_key(&d.name) {
                        return Err(self.err(
                            d.span,
                            format!("%override of `{}`, which is not defined", d.name),
                        ));
                    }
                    m.insert(Entry {
                        def: d,
                        local: true,
                    });
                }
                Stmt::Extend(d) => {
                    let Some(prev) = m.table.get_mut(&d.name) else {
                        return Err(self.err(
                            d.span,
                            format!("%extend of `{}`, which is not defined", d.name),
                        ));
                    };
                    let old = std::mem::replace(&mut prev.def.body, Ex::Seq(Vec::new()));
                    let mut alts = match old {
                        Ex::Alts(a) => a,
                        other => vec![other],
                    };
                    match d.body {
                        Ex::Alts(a) => alts.extend(a),
                        other => alts.push(other),
                    }
                    prev.def.body = Ex::Alts(alts);
                }
                Stmt::Ignore(ex, sp) => m.ignore.push((ex, sp)),
                Stmt::Declare(names) => {
                    for (n, _) in names {
                        m.declared.insert(n);
                    }
                }
                Stmt::Import {
                    path,
                    relative,
                    items,
                    span,
                } => self.import(&mut m, &path, relative, &items, span, dir.as_deref())?,
            }
        }
        Ok(m)
    }

    fn resolve_module(
        &mut self,
        path: &[String],
        relative: bool,
        span: Span,
        dir: Option<&Path>,
    ) -> Result<(String, Module), GrammarError> {
        // `common` is always corral's shipped copy, which is lark's library
        // with ESCAPED_STRING written without a look-behind (lark's own
        // grammars sit next to the original, which would otherwise win).
        if !relative && path.len() == 1 && path[0] == "common" {
            return self.load_cached("<common>", span, |l| {
                l.load_module(COMMON_LARK.to_owned(), "<common>".into(), None)
            });
        }
        let rel: PathBuf = path.iter().collect::<PathBuf>().with_extension("lark");
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(d) = dir {
            candidates.push(d.join(&rel));
        }
        if !relative {
            candidates.extend(self.opts.import_paths.iter().map(|p| p.join(&rel)));
        }
        for c in &candidates {
            if c.is_file() {
                let key = c.canonicalize().unwrap_or(c.clone()).display().to_string();
                return self.load_cached(&key, span, |l| {
                    let text = std::fs::read_to_string(c)
                        .map_err(|e| l.err(span, format!("cannot read {}: {e}", c.display())))?;
                    l.load_module(
                        text,
                        c.display().to_string(),
                        c.parent().map(Path::to_path_buf),
                    )
                });
            }
        }
        if !relative && path.len() == 1 && matches!(path[0].as_str(), "unicode" | "python" | "lark")
        {
            return Err(self
                .err(
                    span,
                    format!(
                        "not supported: importing lark's bundled `{}` grammar (copy the definitions you need)",
                        path[0]
                    ),
                )
                .with_kind(ErrorKind::NotSupported));
        }
        Err(self.err(
            span,
            format!(
                "cannot find the grammar `{}` to import (looked for {})",
                path.join("."),
                if candidates.is_empty() {
                    rel.display().to_string()
                } else {
                    candidates
                        .iter()
                        .map(|c| c.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        ))
    }

    fn load_cached(
        &mut self,
        key: &str,
        span: Span,
        load: impl FnOnce(&mut Self) -> Result<Module, GrammarError>,
    ) -> Result<(String, Module), GrammarError> {
        if let Some(m) = self.modules.get(key) {
            return Ok((key.to_owned(), m.clone()));
        }
        if self.loading.iter().any(|k| k == key) {
            return Err(self.err(span, format!("import cycle through {key}")));
        }
        if self.loading.len() >= self.opts.max_nesting {
            return Err(self
                .err(
                    span,
                    format!(
                        "%import chain more than {} files deep (the limit max_nesting)",
                        self.opts.max_nesting
                    ),
                )
                .with_limit("max_nesting"));
        }
        self.loading.push(key.to_owned());
        let m = load(self);
        self.loading.pop();
        let m = m?;
        self.modules.insert(key.to_owned(), m.clone());
        Ok((key.to_owned(), m))
    }

    fn import(
        &mut self,
        into: &mut Module,
        path: &[String],
        relative: bool,
        items: &[ImportItem],
        span: Span,
        dir: Option<&Path>,
    ) -> Result<(), GrammarError> {
        let (_, module) = self.resolve_module(path, relative, span, dir)?;
        let ns = path.last().cloned().unwrap_or_default();
        let aliases: HashMap<String, String> = items
            .iter()
            .map(|it| {
                (
                    it.name.clone(),
                    it.alias.clone().unwrap_or_else(|| it.name.clone()),
                )
            })
            .collect();
        let mangle = |n: &str| -> String {
            if let Some(a) = aliases.get(n) {
                return a.clone();
            }
            let (under, rest) = match n.strip_prefix('_') {
                Some(r) => ("_", r),
                None => ("", n),
            };
            if is_term_name(n) {
                format!("{under}{}__{rest}", ns.to_uppercase())
            } else {
                format!("{under}{ns}__{rest}")
            }
        };
        let mut stack: Vec<(String, Span)> = Vec::new();
        for it in items {
            if !module.table.contains_key(&it.name) {
                return Err(self.err(
                    it.span,
                    format!("`{}` is not defined in {}", it.name, path.join(".")),
                ));
            }
            if let Some(a) = &it.alias {
                if is_term_name(&it.name) != is_term_name(a) {
                    return Err(self.err(it.span, format!("cannot import `{}` as `{a}`: rules and terminals cannot be renamed into each other", it.name)));
                }
            }
            stack.push((it.name.clone(), it.span));
        }
        let mut done = HashSet::new();
        while let Some((n, sp)) = stack.pop() {
            if !done.insert(n.clone()) {
                continue;
            }
            let Some(e) = module.table.get(&n) else {
                if module.declared.contains(&n) {
                    into.declared.insert(mangle(&n));
                    continue;
                }
                return Err(self.err(sp, format!("`{n}` is not defined in {}", path.join("."))));
            };
            let params: HashSet<&String> = e.def.params.iter().collect();
            walk_names(&e.def.body, &mut |name, s| {
                if !params.contains(&name.to_owned()) {
                    stack.push((name.to_owned(), s));
                }
            });
            let params2 = e.def.params.clone();
            let f = |x: &str| -> String {
                if params2.iter().any(|p| p == x) {
                    x.to_owned()
                } else {
                    mangle(x)
                }
            };
            let mut def = e.def.clone();
            def.name = mangle(&n);
            def.body = rename(&e.def.body, &f);
            let new_name = def.name.clone();
            if let Some(existing) = into.table.get(&new_name) {
                if existing.local {
                    return Err(self.err(
                        existing.def.span,
                        format!("`{new_name}` is defined here and also imported"),
                    ));
                }
                continue;
            }
            into.insert(Entry { def, local: false });
        }
        Ok(())
    }
}
