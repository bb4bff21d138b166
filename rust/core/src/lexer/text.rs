//! What token walks ask of the lexer inside string text: the walk key of a
//! state (counted strings far from their bounds share one), and whether a
//! state is plain JSON string text or a counted string.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::component::Machine;
use super::state::{Accept, CountedAt, ExclId, LexState, LookaheadId};
use super::table::TableDfa;
use super::{counted, Builder, Joint, Lexer};
use crate::error::Failure;

/// The most states of a terminal [`Lexer::text_at`] explores.
const TEXT_STATES: usize = 64;

impl Lexer {
    /// A state that behaves exactly like `s` for the next `horizon` bytes,
    /// shared by many states where it can be: counted strings far from
    /// their bounds map to one count. A token walk of at most `horizon`
    /// bytes from either state finds the same tokens.
    pub fn walk_key(&self, s: LexState, horizon: u32) -> Result<LexState, Failure> {
        if !self.info(s).counting {
            return Ok(s);
        }
        let mut b = self.lock();
        if let Some(&x) = b.canon.get(&(s, horizon)) {
            return Ok(x);
        }
        let (comps, excl) = b.states[s.index()].clone();
        let canon: Vec<(u32, u32)> = comps
            .iter()
            .map(|&(c, q)| match &self.comps[c as usize].dfa {
                Machine::Counted(m) => (c, m.canonical(q, horizon)),
                _ => (c, q),
            })
            .collect();
        let accepts = self.info(s).accepts.to_vec();
        let x = self.intern(&mut b, canon, accepts, excl)?;
        b.canon.insert((s, horizon), x);
        Ok(x)
    }

    /// Whether `s` behaves exactly like the text of a plain JSON string
    /// (no bounds) at `place` of `machine` (a [`Lexer::text_machine`], or
    /// [`super::regex::json_text`]): one variant alive whose rest is any string
    /// text and then the closing quote, with nothing pending (a string
    /// without bounds; an object key that is none of the listed names, once
    /// it differs from all of them), or several that each are (the other
    /// keys of several objects an `anyOf` allows). There a token walk is
    /// the vocabulary's scan of that text. Found by walking the machines
    /// together (at most 64 states of them), once per state, machine and
    /// place.
    pub fn plain_text_at(
        &self,
        s: LexState,
        machine: &Arc<counted::CountedString>,
        place: u32,
    ) -> Result<Option<CountedAt>, Failure> {
        let mut b = self.lock();
        let key = (s, machine.unit_key(), place);
        let found = match b.plain.get(&key) {
            Some(&r) => r,
            None => {
                let r = self.plain_check(&mut b, s, place, machine)?;
                b.plain.insert(key, r);
                r
            }
        };
        Ok(found.map(|end| CountedAt {
            machine: machine.clone(),
            count: 0,
            unit: place,
            end,
        }))
    }

    /// Where `s` is between two characters of some string text without
    /// bounds (any text whose rest is characters, each one a path that
    /// returns to `s`, and then a closing quote): `s` as a counted string
    /// without bounds, its character table read off the terminal's DFA
    /// and made canonical, so every grammar with the same string text (a
    /// JSON string as RFC 8259 writes it, lark's escaped string) shares one
    /// scan of the vocabulary. Found once per state, exploring at most
    /// [`TEXT_STATES`] states of the terminal.
    pub fn text_at(&self, s: LexState) -> Result<Option<CountedAt>, Failure> {
        let mut b = self.lock();
        let found = match b.texts.get(&s) {
            Some(r) => r.clone(),
            None => {
                let r = self.derive_text(&mut b, s)?;
                b.texts.insert(s, r.clone());
                r
            }
        };
        Ok(found.map(|(machine, end)| CountedAt {
            count: 0,
            unit: machine.unit_start(),
            machine,
            end,
        }))
    }

    /// The text machine of `s` ([`Lexer::text_at`]), or of a state one
    /// byte on when `s` is inside one character of such text (past an
    /// escape's backslash, inside a UTF-8 sequence; a few likely bytes are
    /// tried): the text a token walk from `s` soon meets.
    pub fn text_near(&self, s: LexState) -> Result<Option<Arc<counted::CountedString>>, Failure> {
        if let Some(at) = self.text_at(s)? {
            return Ok(Some(at.machine));
        }
        {
            let b = self.lock();
            if self.sole_text_component(&b, s).is_none() {
                return Ok(None);
            }
        }
        // A byte that ends the character: an escape's letter or digit, a
        // UTF-8 continuation byte (a few tries, not all 256: this only
        // speeds the walk up, and a walk from most states needs none).
        for &byte in b"n0\x80\xa0\"\\au".iter() {
            let s2 = self.step(s, byte)?;
            if s2 != LexState::DEAD && self.info(s2).accepts.is_empty() {
                if let Some(at) = self.text_at(s2)? {
                    return Ok(Some(at.machine));
                }
            }
        }
        Ok(None)
    }

    fn derive_text(
        &self,
        b: &mut Builder,
        s: LexState,
    ) -> Result<Option<(Arc<counted::CountedString>, LexState)>, Failure> {
        let Some((c, q0)) = self.sole_text_component(b, s) else {
            return Ok(None);
        };
        // Right after a lazy terminal's opening quote, the table depends on
        // the terminal's expression alone: it is kept with its lazy DFA and
        // shared by every grammar that has the terminal.
        let comp = &self.comps[c as usize];
        let tc = &mut b.terms[c as usize];
        let shared = match tc.texts.clone() {
            Some(t) if comp.next(tc, tc.start, b'"')? == Some(q0) => Some(t),
            _ => None,
        };
        let known = shared.as_ref().and_then(|t| {
            let t = t.lock().unwrap_or_else(|e| e.into_inner());
            t.get(&b"\""[..]).cloned()
        });
        let unit = match known {
            Some(u) => u,
            None => {
                let u = self.derive_unit(b, c, q0)?;
                if let Some(t) = &shared {
                    let mut t = t.lock().unwrap_or_else(|e| e.into_inner());
                    t.insert(Box::from(&b"\""[..]), u.clone());
                }
                u
            }
        };
        let Some(unit) = unit else { return Ok(None) };
        let Ok(machine) = counted::CountedString::new(unit, 0, None) else {
            return Ok(None);
        };
        let end = self.end_state(b, c)?;
        Ok(Some((Arc::new(machine), end)))
    }

    /// The canonical character table of the text at component `c`'s state
    /// `q0` ([`Lexer::text_at`]), or None where it is not such text.
    fn derive_unit(
        &self,
        b: &mut Builder,
        c: u32,
        q0: u32,
    ) -> Result<Option<Arc<TableDfa>>, Failure> {
        let comp = &self.comps[c as usize];
        let tc = &mut b.terms[c as usize];
        // The closing quote first: most states fail here.
        match comp.next(tc, q0, b'"')? {
            Some(q2) if comp.productive(tc, q2)? && comp.accepts(tc, q2)? => {}
            _ => return Ok(None),
        }
        // Unit table: 0 dead, 1 the start (q0), 2 a character done, then
        // the other states in the order found.
        const DONE: u32 = 2;
        let (joint, kinds) = joint_bytes(|byte| comp.byte_class(byte));
        let mut index: FxHashMap<u32, u32> = FxHashMap::default();
        let mut order = vec![q0];
        index.insert(q0, 1);
        let mut rows: Vec<Vec<(u8, u32)>> = vec![Vec::new(), Vec::new(), Vec::new()];
        let mut i = 0;
        while i < order.len() {
            let q = order[i];
            let mut row = Vec::new();
            // Bytes of one class step alike: each class is stepped once.
            let mut by_class: Vec<Option<Option<u32>>> = vec![None; kinds];
            for byte in 0..=255u8 {
                let tc = &mut b.terms[c as usize];
                let class = joint[byte as usize];
                let known = class.and_then(|k| by_class[k as usize]);
                let n = match known {
                    Some(n) => n,
                    None => {
                        let n = match comp.next(tc, q, byte)? {
                            Some(q2) if comp.productive(tc, q2)? => Some(q2),
                            _ => None,
                        };
                        if let Some(k) = class {
                            by_class[k as usize] = Some(n);
                        }
                        n
                    }
                };
                let Some(n) = n else { continue };
                if i == 0 && byte == b'"' {
                    continue; // the close, checked below
                }
                if comp.accepts(&mut b.terms[c as usize], n)? {
                    return Ok(None); // the text ends elsewhere
                }
                let to = if n == q0 {
                    DONE
                } else if let Some(&k) = index.get(&n) {
                    k
                } else {
                    if order.len() >= TEXT_STATES {
                        return Ok(None);
                    }
                    order.push(n);
                    let k = rows.len() as u32;
                    rows.push(Vec::new());
                    index.insert(n, k);
                    k
                };
                row.push((byte, to));
            }
            let at = if i == 0 { 1 } else { index[&q] as usize };
            rows[at] = row;
            i += 1;
        }
        let close = comp
            .next(&mut b.terms[c as usize], q0, b'"')?
            .expect("checked above");
        if self.is_live(b, c, close)? {
            return Ok(None);
        }
        // Every state found reaches the close through the start (the only
        // place text ends); a start without characters is no text.
        if rows[1].is_empty() {
            return Ok(None);
        }
        let mut accept = vec![false; rows.len()];
        accept[DONE as usize] = true;
        Ok(Some(Arc::new(TableDfa::canonical_unit(rows, accept, 1))))
    }

    /// [`Lexer::plain_text_at`]: the state after the closing quote, where
    /// `s` walks as `machine` does from `place`.
    pub(super) fn plain_check(
        &self,
        b: &mut Builder,
        s: LexState,
        place: u32,
        machine: &counted::CountedString,
    ) -> Result<Option<LexState>, Failure> {
        let Some((c, q0)) = self.sole_text_component(b, s) else {
            return self.plain_check_all(b, s, place, machine);
        };
        // A product that now steps as one table does (an object key past
        // the listed names) is walked as that table: no product states made.
        if let Machine::Product(p) = &self.comps[c as usize].dfa {
            if let Some(plain) = p
                .with_sole_table(q0, |t, l| kept_table_is_plain(t, l, machine, place, false))
                .flatten()
            {
                return match plain {
                    true => Ok(Some(self.end_state(b, c)?)),
                    false => Ok(None),
                };
            }
        }
        self.plain_walk(b, c, q0, place, machine, true)
    }

    /// [`Lexer::plain_check`] of component `c` from its state `q0`, walked
    /// with `machine` from `place` (at most 64 pairs of states). With
    /// `by_table`, a product state reached that steps as one table does
    /// (the names left behind past an escape, say) is settled on that
    /// table, not walked on.
    pub(super) fn plain_walk(
        &self,
        b: &mut Builder,
        c: u32,
        q0: u32,
        place: u32,
        machine: &counted::CountedString,
        by_table: bool,
    ) -> Result<Option<LexState>, Failure> {
        let product = match &self.comps[c as usize].dfa {
            Machine::Product(p) if by_table => Some(p.as_ref()),
            _ => None,
        };
        // Bytes alike for both machines (the same class of each, and the
        // quote or not) step alike: one of each is stepped per pair.
        let j = self.joint_for(b, &[c], machine);
        let mut comp = CompText {
            lexer: self,
            b,
            c,
            machine,
            product,
        };
        if !walks_as_text(&mut comp, q0, place, machine, &j)? {
            return Ok(None);
        }
        Ok(Some(self.end_state(b, c)?))
    }

    /// [`Lexer::plain_check`] where several terminals are alive at `s`
    /// (the keys of several objects an `anyOf` allows, none of them a
    /// listed name): each must be a table, or a product that steps as one
    /// table does, that takes exactly the text `machine` takes, never
    /// matches inside it, and matches at its closing quote with nothing
    /// live after ([`table_is_plain`], kept). Then every text leaves all of
    /// them alive, and the closing quote ends all of them: the state after
    /// it is the same after any text. Anything else is walked as usual.
    fn plain_check_all(
        &self,
        b: &mut Builder,
        s: LexState,
        place: u32,
        machine: &counted::CountedString,
    ) -> Result<Option<LexState>, Failure> {
        let (comps, excl) = &b.states[s.index()];
        let plain = excl.is_none()
            && (2..=PLAIN_COMPONENTS).contains(&comps.len())
            && self.info(s).accepts.is_empty()
            && comps.iter().all(|&(c, _)| {
                let comp = &self.comps[c as usize];
                comp.lookahead.is_none() && !self.is_ignore[comp.term.index()]
            });
        if !plain {
            return Ok(None);
        }
        // The cheap answers first: a small table that is not plain text
        // (a listed name's literal) settles it before a large one is cut
        // to what its state reaches, or a lazy DFA is walked.
        let mut comps = comps.to_vec();
        let rank = |c: u32| match &self.comps[c as usize].dfa {
            Machine::Table(t) if t.state_count() <= PLAIN_TABLE_STATES => 0,
            Machine::Table(_) | Machine::Product(_) => 1,
            _ => 2,
        };
        comps.sort_by_key(|&(c, _)| rank(c));
        // Lazy DFAs alone (the values of several string schemas: formats,
        // patterns) are left to the walk: a walk with the text would make
        // their states only to find, most often, that they are not plain.
        if rank(comps[0].0) == 2 {
            return Ok(None);
        }
        for &(c, q) in comps.iter() {
            let each = match &self.comps[c as usize].dfa {
                Machine::Table(t) => kept_table_is_plain(t, q, machine, place, true),
                Machine::Product(p) => p
                    .with_sole_table(q, |t, l| kept_table_is_plain(t, l, machine, place, true))
                    .flatten(),
                // Any other machine beside them (a JSON string's lazy DFA:
                // the key of an object that lists no names) is walked with
                // the text; a budget met there is left for the token walk.
                _ => Some(matches!(
                    self.plain_walk(b, c, q, place, machine, false),
                    Ok(Some(_))
                )),
            };
            if each != Some(true) {
                return Ok(None);
            }
        }
        let accepts = comps
            .iter()
            .map(|&(c, _)| Accept {
                term: self.comps[c as usize].term,
                lookahead: LookaheadId::NONE,
                munch: ExclId::NONE,
            })
            .collect();
        self.intern(b, Vec::new(), accepts, ExclId::NONE).map(Some)
    }

    /// The bytes alike for components `cs` and `machine`: the same class of
    /// each, and the quote or not (kept per components and machine).
    fn joint_for(
        &self,
        b: &mut Builder,
        cs: &[u32],
        machine: &counted::CountedString,
    ) -> std::sync::Arc<Joint> {
        let key = (Box::<[u32]>::from(cs), machine.unit_key());
        if let Some(j) = b.joint.get(&key) {
            return j.clone();
        }
        // Refined one component at a time, each kind numbered densely by a
        // packed word (no key allocated per byte).
        let mut kind = [None; 256];
        let mut ids: FxHashMap<u32, u16> = FxHashMap::default();
        for byte in 0..=255u8 {
            let k = u32::from(machine.byte_class(byte)) << 1 | u32::from(byte == b'"');
            let n = ids.len() as u16;
            kind[byte as usize] = Some(*ids.entry(k).or_insert(n));
        }
        for &c in cs {
            let comp = &self.comps[c as usize];
            ids.clear();
            for byte in 0..=255u8 {
                let (Some(k), Some(class)) = (kind[byte as usize], comp.byte_class(byte)) else {
                    kind[byte as usize] = None;
                    continue;
                };
                let n = ids.len() as u16;
                kind[byte as usize] =
                    Some(*ids.entry(u32::from(k) << 8 | u32::from(class)).or_insert(n));
            }
        }
        let j = std::sync::Arc::new((kind, ids.len()));
        b.joint.insert(key, j.clone());
        j
    }

    /// Where `s` is when it is inside the text of exactly one counted
    /// string and nothing else (no other variant alive, nothing pending):
    /// there a token walk depends only on the place inside the current
    /// character and on how many characters the bounds still allow, so
    /// walks can be shared between counts near the bounds too.
    pub fn counted_at(&self, s: LexState) -> Result<Option<CountedAt>, Failure> {
        if !self.info(s).counting {
            return Ok(None);
        }
        let mut b = self.lock();
        let Some((c, q)) = self.sole_text_component(&b, s) else {
            return Ok(None);
        };
        let Machine::Counted(m) = &self.comps[c as usize].dfa else {
            return Ok(None);
        };
        let Some((count, unit)) = m.position(q) else {
            return Ok(None);
        };
        let machine = m.clone();
        let end = self.end_state(&mut b, c)?;
        Ok(Some(CountedAt {
            machine,
            count,
            unit,
            end,
        }))
    }

    /// The one (component, its state) alive in `s` when nothing else is
    /// there: nothing ends, nothing is pending or excluded, and the
    /// terminal is not ignored text (the walks of [`Lexer::counted_at`] and
    /// [`Lexer::plain_text_at`]).
    pub(super) fn sole_text_component(&self, b: &Builder, s: LexState) -> Option<(u32, u32)> {
        let (comps, excl) = &b.states[s.index()];
        let &[(c, q)] = &comps[..] else {
            return None;
        };
        let comp = &self.comps[c as usize];
        let plain = excl.is_none()
            && comp.lookahead.is_none()
            && !self.is_ignore[comp.term.index()]
            && self.info(s).accepts.is_empty();
        plain.then_some((c, q))
    }
}

/// [`table_is_plain`], kept between grammars by table, state, machine and
/// place: every object key past its listed names asks it of the same
/// string table. A kept answer counts only for a table equal to the one
/// it was found for.
fn kept_table_is_plain(
    t: &TableDfa,
    l: u32,
    machine: &counted::CountedString,
    place: u32,
    cut: bool,
) -> Option<bool> {
    // A large table (a pattern's own, say) is left to the walk: hashing
    // and comparing it would cost more than the walk saves. With `cut`
    // (several terminals alive, none walked on its own), the part of it
    // reachable from `l` is settled where that is small: past the listed
    // names of an object with many, that is a string's text.
    if t.state_count() > PLAIN_TABLE_STATES {
        if !cut {
            return None;
        }
        let (sub, l) = t.reachable_from(l, PLAIN_TABLE_STATES - 1)?;
        return kept_table_is_plain(&sub, l, machine, place, false);
    }
    type Found = (Arc<TableDfa>, bool);
    static KEPT: crate::kept::Kept<(u64, u32, u64, u32), Found> = crate::kept::Kept::new(1 << 12);
    let key = (t.fingerprint(), l, machine.unit_key(), place);
    let (kept, plain) = KEPT.get_or_insert_with(key, || {
        (Arc::new(t.clone()), table_is_plain(t, l, machine, place))
    });
    let same = kept.stride == t.stride
        && kept.start == t.start
        && kept.classes == t.classes
        && kept.trans == t.trans
        && kept.accept == t.accept;
    Some(if same {
        plain
    } else {
        table_is_plain(t, l, machine, place)
    })
}

/// Most states of a table [`kept_table_is_plain`] settles (a JSON string's
/// own table has a few dozen).
const PLAIN_TABLE_STATES: usize = 64;

/// [`Lexer::plain_check`] of a table from state `l`: it takes exactly the
/// text `machine` takes from `place` (stepping only to states that can
/// still match), never matches inside it, and matches at the closing quote
/// with nothing after.
fn table_is_plain(t: &TableDfa, l: u32, machine: &counted::CountedString, place: u32) -> bool {
    let n = t.state_count();
    // The states that can still reach a match: back from the matches.
    let mut preds: Vec<Vec<u32>> = vec![Vec::new(); n];
    for q in 1..n {
        for &r in &t.trans[q * t.stride..(q + 1) * t.stride] {
            if r != 0 {
                preds[r as usize].push(q as u32);
            }
        }
    }
    let mut coreach = t.accept.clone();
    coreach[0] = false;
    let mut todo: Vec<u32> = (1..n as u32).filter(|&q| coreach[q as usize]).collect();
    while let Some(r) = todo.pop() {
        for &q in &preds[r as usize] {
            if !std::mem::replace(&mut coreach[q as usize], true) {
                todo.push(q);
            }
        }
    }
    let joint = joint_bytes(|byte| {
        Some((
            t.classes[byte as usize],
            machine.byte_class(byte),
            byte == b'"',
        ))
    });
    let mut table = TableText { t, coreach };
    walks_as_text(&mut table, l, place, machine, &joint).unwrap_or(false)
}

/// A machine walked with string text by [`walks_as_text`].
trait TextWalk {
    /// The state after `byte`, where a match can still follow.
    fn on(&mut self, q: u32, byte: u8) -> Result<Option<u32>, Failure>;
    fn accepts(&mut self, q: u32) -> Result<bool, Failure>;
    /// Whether some byte leads on from `q`.
    fn lives(&mut self, q: u32) -> Result<bool, Failure>;
    /// Whether the walk from `q` at `place` is known already to take
    /// exactly the text (None: walk on).
    fn settled(&mut self, _q: u32, _place: u32) -> Option<bool> {
        None
    }
}

/// Whether the machine from `q0` takes exactly the text `machine` takes
/// from `place`, never matches inside it, and matches at the closing quote
/// with nothing after (at most 64 pairs of states; `joint`: the bytes that
/// step alike in both).
fn walks_as_text(
    w: &mut impl TextWalk,
    q0: u32,
    place: u32,
    machine: &counted::CountedString,
    joint: &Joint,
) -> Result<bool, Failure> {
    let (joint, kinds) = (&joint.0, joint.1);
    let mut stepped = vec![false; kinds];
    let mut seen: rustc_hash::FxHashSet<(u32, u32)> = Default::default();
    seen.insert((q0, place));
    let mut todo = vec![(q0, place)];
    while let Some((q, u)) = todo.pop() {
        stepped.fill(false);
        for byte in 0..=255u8 {
            if let Some(j) = joint[byte as usize] {
                if std::mem::replace(&mut stepped[j as usize], true) {
                    continue;
                }
            }
            match (machine.scan(u, byte), w.on(q, byte)?) {
                (counted::Scan::Dead, None) => {}
                (counted::Scan::Close, Some(q2)) => {
                    if !w.accepts(q2)? || w.lives(q2)? {
                        return Ok(false);
                    }
                }
                (counted::Scan::Next(u2, _), Some(q2)) => {
                    if w.accepts(q2)? {
                        return Ok(false);
                    }
                    if seen.insert((q2, u2)) {
                        match w.settled(q2, u2) {
                            Some(true) => continue,
                            Some(false) => return Ok(false),
                            None => {}
                        }
                        if seen.len() > 64 {
                            return Ok(false);
                        }
                        todo.push((q2, u2));
                    }
                }
                _ => return Ok(false),
            }
        }
    }
    Ok(true)
}

/// A lexer component as [`walks_as_text`] steps it; a product that comes
/// to step as one table settles there.
struct CompText<'a> {
    lexer: &'a Lexer,
    b: &'a mut Builder,
    c: u32,
    machine: &'a counted::CountedString,
    product: Option<&'a super::lazy_product::LazyProduct>,
}

impl TextWalk for CompText<'_> {
    fn on(&mut self, q: u32, byte: u8) -> Result<Option<u32>, Failure> {
        let comp = &self.lexer.comps[self.c as usize];
        let tc = &mut self.b.terms[self.c as usize];
        Ok(match comp.next(tc, q, byte)? {
            Some(q2) if comp.productive(tc, q2)? => Some(q2),
            _ => None,
        })
    }
    fn accepts(&mut self, q: u32) -> Result<bool, Failure> {
        self.lexer.comps[self.c as usize].accepts(&mut self.b.terms[self.c as usize], q)
    }
    fn lives(&mut self, q: u32) -> Result<bool, Failure> {
        self.lexer.is_live(self.b, self.c, q)
    }
    fn settled(&mut self, q: u32, place: u32) -> Option<bool> {
        self.product?
            .with_sole_table(q, |t, l| {
                kept_table_is_plain(t, l, self.machine, place, false)
            })
            .flatten()
    }
}

/// A table as [`walks_as_text`] steps it: only to states that can still
/// match (`coreach`).
struct TableText<'a> {
    t: &'a TableDfa,
    coreach: Vec<bool>,
}

impl TextWalk for TableText<'_> {
    fn on(&mut self, q: u32, byte: u8) -> Result<Option<u32>, Failure> {
        Ok(match self.t.next(q, byte) {
            0 => None,
            r if self.coreach[r as usize] => Some(r),
            _ => None,
        })
    }
    fn accepts(&mut self, q: u32) -> Result<bool, Failure> {
        Ok(self.t.accepts(q))
    }
    fn lives(&mut self, q: u32) -> Result<bool, Failure> {
        for byte in 0..=255u8 {
            if self.on(q, byte)?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Most terminals alive at once that [`Lexer::plain_text_at`] walks in
/// step (past it, the state is walked as any other).
const PLAIN_COMPONENTS: usize = 16;

/// Numbers the distinct keys `key` gives the bytes (None: a byte of its
/// own): per byte, its key's number, and how many there are.
fn joint_bytes<K: std::hash::Hash + Eq>(
    key: impl Fn(u8) -> Option<K>,
) -> ([Option<u16>; 256], usize) {
    let mut ids: FxHashMap<K, u16> = FxHashMap::default();
    let mut joint = [None; 256];
    for byte in 0..=255u8 {
        if let Some(k) = key(byte) {
            let n = ids.len() as u16;
            joint[byte as usize] = Some(*ids.entry(k).or_insert(n));
        }
    }
    (joint, ids.len())
}
