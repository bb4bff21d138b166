//! What a compile is asked for: the draft a schema is read as, the layout
//! of the JSON text, and the budgets that bound the work.

/// The JSON Schema draft a schema is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Draft {
    D4,
    D6,
    D7,
    D2019,
    D2020,
}

impl Draft {
    /// The draft named by a `$schema` URI.
    pub fn from_uri(s: &str) -> Option<Draft> {
        Some(if s.contains("draft-04") {
            Draft::D4
        } else if s.contains("draft-06") {
            Draft::D6
        } else if s.contains("draft-07") {
            Draft::D7
        } else if s.contains("2019-09") {
            Draft::D2019
        } else if s.contains("2020-12") {
            Draft::D2020
        } else {
            return None;
        })
    }

    /// The draft's name: `4`, `6`, `7`, `2019-09`, `2020-12`.
    pub fn name(self) -> &'static str {
        match self {
            Draft::D4 => "4",
            Draft::D6 => "6",
            Draft::D7 => "7",
            Draft::D2019 => "2019-09",
            Draft::D2020 => "2020-12",
        }
    }

    /// `"4"`, `"draft-07"`, `"2019-09"`, `"2020-12"`, ...
    pub fn parse(s: &str) -> Option<Draft> {
        Some(
            match s.trim_start_matches("draft").trim_start_matches(['-', '0']) {
                "4" => Draft::D4,
                "6" => Draft::D6,
                "7" => Draft::D7,
                "2019-09" | "2019" => Draft::D2019,
                "2020-12" | "2020" => Draft::D2020,
                _ => return None,
            },
        )
    }
}

/// Whitespace between tokens of the JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whitespace {
    /// None (separators as given).
    Compact,
    /// Spaces, tabs and newlines around punctuation, at most `max_run` in
    /// one run, so generation cannot loop on whitespace.
    Flexible { max_run: u32 },
    /// As `json.dumps(value, indent=width)` writes it: each item and
    /// member on a line of its own, indented `width` spaces per level,
    /// `", "`-less (`","` at line ends) and `": "` after keys; `{}` and
    /// `[]` when empty. Values nested deeper than [`MAX_INDENT_DEPTH`]
    /// levels are written compact (`","`, `": "`), which keeps a
    /// recursive schema's grammar finite.
    Indent { width: u32 },
}

/// Most levels of nesting written indented (see [`Whitespace::Indent`]).
pub const MAX_INDENT_DEPTH: u32 = 24;

/// The order of an object's properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyOrder {
    /// As listed in `properties` (other properties anywhere between).
    Schema,
    /// Any order.
    Any,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub whitespace: Whitespace,
    pub property_order: PropertyOrder,
    /// Compact whitespace only: the separator between items, and between
    /// a key and its value.
    pub item_separator: String,
    pub key_separator: String,
    /// Whether properties not named by the schema (in `properties` or
    /// `required`) are allowed where the schema says nothing
    /// (`additionalProperties` absent). The spec says yes.
    pub additional_properties: bool,
    /// Whether property names and `enum` / `const` strings may write a
    /// printable ASCII character as `\uXXXX` (`"\u0061ge"` for `"age"`).
    /// Valid JSON, but no serializer writes it; off, a model cannot wander
    /// into such spellings and a key is forced once its prefix is unique.
    pub ascii_escapes: bool,
    /// Whether every string is written in its one conventional spelling,
    /// as `json.dumps(s, ensure_ascii=False)` and serde_json write it
    /// ([`Spelling::Minimal`](crate::grammar::Spelling::Minimal): `\"`,
    /// `\\`, `\n`-style short escapes, other control characters as
    /// `\u00xx`, every other character raw). Off, a string takes any
    /// encoding JSON allows (`\u0041` for `A`, `\/` for `/`), and names and
    /// constants follow `ascii_escapes`. The generate profile turns it on:
    /// a model cannot spend tokens on needless escapes.
    pub minimal_escapes: bool,
    /// Whether an integer may be written with a zero fraction (`2.0`),
    /// which JSON Schema counts as the integer 2 from draft 6 on. Off, an
    /// integer (a value of type `integer`, or an integer constant) is
    /// written as digits alone, as serializers write it and as strict
    /// parsers (pydantic's strict mode) require.
    pub integer_fraction: bool,
    /// Whether a schema no value satisfies compiles (to a grammar that
    /// rejects every text, with a warning giving the reason where the
    /// keywords show it), as validation wants; off, it is an error naming
    /// the reason (a [`SchemaError`](super::SchemaError), or a grammar
    /// error naming the terminal that matches nothing, such as a pattern
    /// that never matches), as generation wants.
    pub allow_empty: bool,
    pub lenient: bool,
    /// Overrides `$schema`; default 2020-12.
    pub draft: Option<Draft>,
    /// Most rules one bounded repetition (`maxItems`, `maxProperties`,
    /// `minContains`, `maxContains`) may unroll into.
    pub max_unroll: u32,
    /// Most levels of JSON nesting (objects and arrays) in the schema
    /// document; deeper is a [`SchemaError`](super::SchemaError) naming the
    /// limit and the pointer where it was crossed. At most
    /// [`MAX_DEPTH_CEILING`]: the compile recurses (on its own large stack)
    /// once per level.
    pub max_depth: u32,
    /// Most grammar rules (productions) one schema may compile to: a bound
    /// on the work and memory of products (counts times positions, keys
    /// times counts) that no single keyword shows.
    pub max_rules: usize,
    /// Most complements one `oneOf` may compile to: where two branches
    /// may share a value, each is taken without the other (for strings
    /// and numbers, a product automaton per branch).
    pub max_overlaps: usize,
    /// The grammar is matched on its own, so the matcher keeps each
    /// object's keys distinct ([`Grammar::distinct_keys`](crate::grammar::Grammar::distinct_keys)),
    /// and rules count keys by counting entries. Off where the rules are
    /// part of a larger grammar (`%json` in Lark): then required keys in any
    /// order are tracked by the rules (up to 12), and a key not listed may
    /// repeat.
    pub distinct_keys: bool,
    /// Other schema documents, by URI, that `$ref`s may point into (a
    /// schema split over files, or served at an address). A reference to a
    /// draft's meta-schema resolves to a bundled copy; any other document
    /// not listed here is refused.
    pub resources: Vec<(String, serde_json::Value)>,
}

pub const DEFAULT_MAX_WHITESPACE: u32 = 24;
/// Default [`Options::max_depth`]: far above real schemas (the deepest of
/// the JSONSchemaBench sample nests 34 levels; serde_json, and so most Rust
/// tools, stop at 128), low enough that every pass over the schema stays
/// fast: a pointer is kept per schema location, so the cost of a chain of
/// schemas grows with its depth times its size.
pub const DEFAULT_MAX_DEPTH: u32 = 256;
/// The deepest [`Options::max_depth`] honoured (a larger one counts as
/// this): nesting this deep compiles on the compile thread's stack with
/// room to spare.
pub const MAX_DEPTH_CEILING: u32 = 10_000;
/// Default [`Options::max_rules`] (the largest schema of the JSONSchemaBench
/// sample compiles to about 6,400).
pub const DEFAULT_MAX_RULES: usize = 100_000;
/// Default [`Options::max_overlaps`].
pub const DEFAULT_MAX_OVERLAPS: usize = 128;

impl Default for Options {
    fn default() -> Self {
        Options {
            whitespace: Whitespace::Flexible {
                max_run: DEFAULT_MAX_WHITESPACE,
            },
            property_order: PropertyOrder::Any,
            item_separator: ",".into(),
            key_separator: ":".into(),
            additional_properties: true,
            ascii_escapes: false,
            minimal_escapes: false,
            integer_fraction: true,
            allow_empty: true,
            lenient: false,
            draft: None,
            max_unroll: 10_000,
            max_depth: DEFAULT_MAX_DEPTH,
            max_rules: DEFAULT_MAX_RULES,
            max_overlaps: DEFAULT_MAX_OVERLAPS,
            distinct_keys: true,
            resources: Vec::new(),
        }
    }
}
