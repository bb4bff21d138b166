//! `$ref` resolution: base URIs from `$id` (`id` in draft 4), JSON Pointer
//! fragments, `$anchor` (and draft 6-7 `$id: "#name"`). Every location in
//! the schema is an absolute JSON Pointer into it.
//!
//! A reference to another document resolves to one the caller supplied
//! ([`Options::resources`](super::Options::resources)) or to a bundled
//! meta-schema; any other is refused. A location in another document is
//! written [`DOC`], its URI, [`DOC`], then the pointer within it, so the
//! reader keeps treating locations as strings.

use rustc_hash::FxHashMap;
use serde_json::Value;

use super::metaschemas;
use super::options::Draft;
use crate::error::Failure;

/// Opens and closes the URI of another document in a location.
pub const DOC: char = '\u{2}';

/// The location of the root of the document at `uri`.
fn doc_root(uri: &str) -> String {
    format!("{DOC}{uri}{DOC}")
}

/// `ptr` as people read it: `#/a/b`, or `URI#/a/b` in another document.
pub fn display_pointer(ptr: &str) -> String {
    if let Some((uri, rest)) = ptr.strip_prefix(DOC).and_then(|r| r.split_once(DOC)) {
        format!("{uri}#{rest}")
    } else {
        format!("#{ptr}")
    }
}

/// Keywords whose value is a schema.
const SCHEMA_ONE: &[&str] = &[
    "additionalProperties",
    "additionalItems",
    "items",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];
/// Keywords whose value is an array of schemas.
const SCHEMA_LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems", "items"];
/// Keywords whose value is a map of schemas.
const SCHEMA_MAP: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "dependencies",
];

pub struct Doc<'a> {
    pub root: &'a Value,
    pub draft: Draft,
    /// Documents the caller supplied, by URI; each is read once referenced.
    supplied: &'a [(String, Value)],
    /// Other documents read so far, by URI.
    docs: FxHashMap<String, &'a Value>,
    /// Documents referred to that declare another draft (`$schema`): not
    /// read, as their keywords mean other things.
    foreign: FxHashMap<String, Draft>,
    /// References met by the walk and not yet followed to other
    /// documents: (location, reference).
    pending: Vec<(String, String)>,
    /// Resource URI (no fragment) -> pointer of its root.
    resources: FxHashMap<String, String>,
    /// `uri#anchor` -> pointer.
    anchors: FxHashMap<String, String>,
    /// Pointer of each schema location whose base URI differs from its
    /// parent's (and of the root) -> that base URI. Others inherit theirs
    /// ([`Doc::base_of`]), so the map does not grow with the nesting depth
    /// times the number of locations.
    bases: FxHashMap<String, String>,
    /// Per schema resource (by the pointer of its root): its dynamic
    /// anchors, (name, pointer); `$recursiveAnchor: true` is the name "".
    dynamic: FxHashMap<String, Vec<(String, String)>>,
}

/// The base URI used when the root has no `$id`.
const DEFAULT_BASE: &str = "corral:/root.json";

pub fn escape_token(t: &str) -> String {
    t.replace('~', "~0").replace('/', "~1")
}

impl<'a> Doc<'a> {
    pub fn new(root: &'a Value, draft: Draft) -> Doc<'a> {
        Doc::with_documents(root, draft, &[])
    }

    /// The schema `root`, with `supplied` documents (URI, schema) that its
    /// references may point into.
    pub fn with_documents(
        root: &'a Value,
        draft: Draft,
        supplied: &'a [(String, Value)],
    ) -> Doc<'a> {
        let mut d = Doc {
            root,
            draft,
            supplied,
            docs: FxHashMap::default(),
            foreign: FxHashMap::default(),
            pending: Vec::new(),
            resources: FxHashMap::default(),
            anchors: FxHashMap::default(),
            bases: FxHashMap::default(),
            dynamic: FxHashMap::default(),
        };
        d.resources.insert(DEFAULT_BASE.to_owned(), String::new());
        d.walk(root, String::new(), DEFAULT_BASE.to_owned(), String::new());
        d.read_referenced();
        d
    }

    /// Reads every other document a reference points into, and the
    /// documents those point into, from the supplied ones and the bundled
    /// meta-schemas. One not found stays unread: resolving a reference
    /// into it is refused.
    fn read_referenced(&mut self) {
        while let Some((ptr, r)) = self.pending.pop() {
            let abs = join(self.base_of(&ptr), &r);
            let uri = strip_fragment(&abs).to_owned();
            if self.resources.contains_key(&uri) {
                continue;
            }
            let supplied = self
                .supplied
                .iter()
                .find(|(u, _)| strip_fragment(u) == uri)
                .map(|(_, v)| v);
            let Some(v) = supplied.or_else(|| metaschemas::bundled(&uri)) else {
                continue;
            };
            let declared = v
                .get("$schema")
                .and_then(Value::as_str)
                .and_then(Draft::from_uri);
            if let Some(d) = declared.filter(|&d| d != self.draft) {
                self.foreign.insert(uri, d);
                continue;
            }
            let at = doc_root(&uri);
            self.docs.insert(uri.clone(), v);
            self.resources.insert(uri.clone(), at.clone());
            self.bases.insert(at.clone(), uri.clone());
            self.walk(v, at.clone(), uri, at);
        }
    }

    /// The dynamic anchors of the resource whose root is at `ptr` (none
    /// where `ptr` is not a resource's root).
    pub fn dynamic_anchors(&self, ptr: &str) -> &[(String, String)] {
        self.dynamic.get(ptr).map_or(&[], Vec::as_slice)
    }

    /// The root of the innermost resource holding `ptr`, among those with
    /// dynamic anchors.
    pub fn dynamic_resource_of(&self, ptr: &str) -> Option<&str> {
        self.dynamic
            .keys()
            .filter(|r| {
                ptr == r.as_str()
                    || ptr.starts_with(&format!("{r}/"))
                    || (r.is_empty() && !ptr.starts_with(DOC))
            })
            .max_by_key(|r| r.len())
            .map(String::as_str)
    }

    fn id_keyword(&self) -> &'static str {
        if self.draft == Draft::D4 {
            "id"
        } else {
            "$id"
        }
    }

    fn walk(&mut self, v: &Value, ptr: String, base: String, mut res: String) {
        let Some(obj) = v.as_object() else {
            if ptr.is_empty() {
                self.bases.insert(ptr, base);
            }
            return;
        };
        let parent_base = base.clone();
        let mut base = base;
        // In draft 7 and earlier, $ref makes siblings (including $id) void.
        let ref_voids = self.draft <= Draft::D7 && obj.contains_key("$ref");
        if let Some(id) = obj.get(self.id_keyword()).and_then(Value::as_str) {
            if !ref_voids {
                if let Some(anchor) = id.strip_prefix('#') {
                    if self.draft <= Draft::D7 {
                        self.anchors
                            .insert(format!("{}#{anchor}", strip_fragment(&base)), ptr.clone());
                    }
                } else {
                    base = join(&base, id);
                    let uri = strip_fragment(&base).to_owned();
                    self.resources.entry(uri).or_insert_with(|| ptr.clone());
                    res = ptr.clone();
                }
            }
        }
        for kw in ["$ref", "$dynamicRef", "$recursiveRef"] {
            if let Some(r) = obj.get(kw).and_then(Value::as_str) {
                self.pending.push((ptr.clone(), r.to_owned()));
            }
        }
        if let Some(a) = obj.get("$anchor").and_then(Value::as_str) {
            self.anchors
                .insert(format!("{}#{a}", strip_fragment(&base)), ptr.clone());
        }
        if let Some(a) = obj.get("$dynamicAnchor").and_then(Value::as_str) {
            self.anchors
                .entry(format!("{}#{a}", strip_fragment(&base)))
                .or_insert_with(|| ptr.clone());
            self.dynamic
                .entry(res.clone())
                .or_default()
                .push((a.to_owned(), ptr.clone()));
        }
        if obj.get("$recursiveAnchor") == Some(&Value::Bool(true)) && ptr == res {
            self.dynamic
                .entry(res.clone())
                .or_default()
                .push((String::new(), ptr.clone()));
        }
        if ptr.is_empty() || base != parent_base {
            self.bases.insert(ptr.clone(), base.clone());
        }
        for (k, sub) in obj {
            let kp = format!("{ptr}/{}", escape_token(k));
            if SCHEMA_ONE.contains(&k.as_str()) && !sub.is_array() {
                self.walk(sub, kp.clone(), base.clone(), res.clone());
            }
            if SCHEMA_LIST.contains(&k.as_str()) {
                if let Some(xs) = sub.as_array() {
                    for (i, x) in xs.iter().enumerate() {
                        self.walk(x, format!("{kp}/{i}"), base.clone(), res.clone());
                    }
                }
            }
            if SCHEMA_MAP.contains(&k.as_str()) {
                if let Some(m) = sub.as_object() {
                    for (name, x) in m {
                        if x.is_object() || x.is_boolean() {
                            self.walk(
                                x,
                                format!("{kp}/{}", escape_token(name)),
                                base.clone(),
                                res.clone(),
                            );
                        }
                    }
                }
            }
        }
    }

    /// The base URI in effect at `ptr`.
    pub fn base_of(&self, ptr: &str) -> &str {
        let mut p = ptr;
        loop {
            if let Some(b) = self.bases.get(p) {
                return b;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return DEFAULT_BASE,
            }
        }
    }

    /// Resolves `reference` written at `ptr` to a pointer into the document.
    pub fn resolve(&self, ptr: &str, reference: &str) -> Result<String, Failure> {
        let abs = join(self.base_of(ptr), reference);
        let (res, frag) = match abs.find('#') {
            Some(i) => (&abs[..i], &abs[i + 1..]),
            None => (abs.as_str(), ""),
        };
        let frag = percent_decode(frag);
        if frag.is_empty() || frag.starts_with('/') {
            let Some(root) = self.resources.get(res) else {
                return Err(self.unknown_document(res, reference));
            };
            let target = format!("{root}{frag}");
            if self.at(&target).is_none() {
                return Err(Failure::syntax(format!(
                    "$ref {reference} points at nothing"
                )));
            }
            Ok(target)
        } else if let Some(at) = self.anchors.get(&format!("{res}#{frag}")) {
            Ok(at.clone())
        } else if !self.resources.contains_key(res) {
            Err(self.unknown_document(res, reference))
        } else {
            Err(Failure::syntax(format!(
                "$ref {reference}: no anchor {frag:?} in this document"
            )))
        }
    }

    /// Why `reference`, into the document `res` that was not read, is
    /// refused.
    fn unknown_document(&self, res: &str, reference: &str) -> Failure {
        Failure::not_supported(match self.foreign.get(res) {
            Some(d) => format!(
                "$ref to a document of another draft ({reference} is draft {}, the schema \
                 draft {})",
                d.name(),
                self.draft.name()
            ),
            None => format!("$ref to another document ({reference}; pass it in resources)"),
        })
    }

    pub fn at(&self, ptr: &str) -> Option<&'a Value> {
        match ptr.strip_prefix(DOC).and_then(|r| r.split_once(DOC)) {
            Some((uri, rest)) => self.docs.get(uri)?.pointer(rest),
            None => self.root.pointer(ptr),
        }
    }
}

fn strip_fragment(u: &str) -> &str {
    u.split('#').next().unwrap_or(u)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolves a URI reference against a base (RFC 3986, section 5.2).
pub fn join(base: &str, r: &str) -> String {
    let has_scheme = |s: &str| {
        s.find(':').is_some_and(|i| {
            i > 0
                && s[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && s.as_bytes()[0].is_ascii_alphabetic()
        })
    };
    if has_scheme(r) {
        return r.to_owned();
    }
    let base = strip_fragment(base);
    if r.is_empty() {
        return base.to_owned();
    }
    if r.starts_with('#') {
        return format!("{base}{r}");
    }
    let scheme_end = base.find(':').map_or(0, |i| i + 1);
    let scheme = &base[..scheme_end];
    if r.starts_with("//") {
        return format!("{scheme}{r}");
    }
    let rest = &base[scheme_end..];
    let (authority, path) = if let Some(a) = rest.strip_prefix("//") {
        let end = a.find('/').unwrap_or(a.len());
        (format!("//{}", &a[..end]), &a[end..])
    } else {
        (String::new(), rest)
    };
    let path = path.split('?').next().unwrap_or(path);
    let merged = if r.starts_with('/') {
        r.to_owned()
    } else {
        let dir = match path.rfind('/') {
            Some(i) => &path[..=i],
            None => "",
        };
        format!("{dir}{r}")
    };
    format!("{scheme}{authority}{}", remove_dots(&merged))
}

fn remove_dots(p: &str) -> String {
    let (path, tail) = match p.find(['?', '#']) {
        Some(i) => (&p[..i], &p[i..]),
        None => (p, ""),
    };
    let mut out: Vec<&str> = Vec::new();
    let segs: Vec<&str> = path.split('/').collect();
    for (i, s) in segs.iter().enumerate() {
        match *s {
            "." => {
                if i == segs.len() - 1 {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if i == segs.len() - 1 {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("{}{tail}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_joins() {
        assert_eq!(
            join("http://x.com/a/b.json", "c.json"),
            "http://x.com/a/c.json"
        );
        assert_eq!(
            join("http://x.com/a/b.json", "#foo"),
            "http://x.com/a/b.json#foo"
        );
        assert_eq!(join("http://x.com/a/b.json", "/d"), "http://x.com/d");
        assert_eq!(join("http://x.com/a/b.json", "../d"), "http://x.com/d");
        assert_eq!(join("urn:x:y", "#/a"), "urn:x:y#/a");
        assert_eq!(
            join("corral:/root.json", "#/$defs/a"),
            "corral:/root.json#/$defs/a"
        );
    }

    #[test]
    fn refs_resolve_by_pointer_id_and_anchor() {
        let v: Value = serde_json::json!({
            "$id": "http://example.com/root.json",
            "$defs": {
                "a": {"$anchor": "A", "type": "string"},
                "b": {"$id": "other.json", "$defs": {"c": {"type": "null"}}},
                "we~ird/name": {"type": "integer"}
            }
        });
        let d = Doc::new(&v, Draft::D2020);
        assert_eq!(d.resolve("", "#/$defs/a").unwrap(), "/$defs/a");
        assert_eq!(d.resolve("", "#A").unwrap(), "/$defs/a");
        assert_eq!(
            d.resolve("", "other.json#/$defs/c").unwrap(),
            "/$defs/b/$defs/c"
        );
        assert_eq!(
            d.resolve("/$defs/b", "#/$defs/c").unwrap(),
            "/$defs/b/$defs/c"
        );
        assert_eq!(
            d.resolve("", "#/$defs/we~0ird~1name").unwrap(),
            "/$defs/we~0ird~1name"
        );
        assert!(d.resolve("", "http://elsewhere.com/x.json").is_err());
    }
}
