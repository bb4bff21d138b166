//! Schemas read into one normalized form: a [`Node`] is a conjunction of
//! per-type constraints plus combinators (`anyOf`, `oneOf`, `not`,
//! `if`/`then`/`else`, dependencies) that [`Reader::expand`] turns into a
//! union of plain nodes. `allOf` is schema intersection ([`Reader::all`]),
//! `not` is pushed down to per-type complements where JSON Schema makes
//! that exact ([`Reader::negate`]). `$ref` stays a reference ([`Sch::Ref`])
//! so recursive schemas become recursive rules.

mod disjoint;
mod expand;
mod intersect;
mod negate;
mod node;
mod read;
#[cfg(test)]
mod tests;
mod validate;

pub(crate) use self::node::{
    conj_key, forget_conj_keys, json_eq, Node, Sch, ARR, BOOL, FRAC, INT, NULL, OBJ, STR,
};
pub(crate) use self::read::{keywordless, ref_pointer, Reader};
