//! Explicit DFA tables over bytes: a class map, dense transitions and a
//! trimmed set of states (every state kept can still reach a match), with
//! Hopcroft minimization. Built from sparse rows, from a boolean formula
//! over regular languages (`product`), or from sets of JSON strings
//! (`literals`).

use rustc_hash::FxHashMap;

/// An explicit DFA over bytes. State 0 is dead; every other state can reach
/// an accepting state.
#[derive(Debug, Clone)]
pub struct TableDfa {
    pub(super) classes: Box<[u8; 256]>,
    pub(super) stride: usize,
    pub(super) trans: Vec<u32>,
    pub(super) accept: Vec<bool>,
    pub(super) live: Vec<bool>,
    pub(super) start: u32,
    /// The bytes of each class (made on first use).
    pub(super) members: std::sync::OnceLock<Box<[Box<[u8]>]>>,
}

impl TableDfa {
    /// Calls `f` with every byte that does not lead from `q` to the dead
    /// state (a literal's state has one).
    pub fn live_bytes(&self, q: u32, mut f: impl FnMut(u8)) {
        let members = self.members.get_or_init(|| {
            let mut m = vec![Vec::new(); self.stride];
            for b in 0..=255u8 {
                m[self.classes[b as usize] as usize].push(b);
            }
            m.into_iter().map(Vec::into_boxed_slice).collect()
        });
        let row = &self.trans[q as usize * self.stride..(q as usize + 1) * self.stride];
        for (c, &r) in row.iter().enumerate() {
            if r != 0 {
                for &b in members[c].iter() {
                    f(b);
                }
            }
        }
    }

    pub fn start(&self) -> u32 {
        self.start
    }
    #[inline]
    pub fn next(&self, q: u32, b: u8) -> u32 {
        self.trans[q as usize * self.stride + self.classes[b as usize] as usize]
    }
    /// Whether the bytes read so far are in the language.
    pub fn accepts(&self, q: u32) -> bool {
        self.accept[q as usize]
    }
    /// Whether the whole of `text`, from the start, is in the language.
    #[cfg(test)]
    pub fn matches(&self, text: &str) -> bool {
        let mut q = self.start();
        for &b in text.as_bytes() {
            q = self.next(q, b);
            if q == 0 {
                return false;
            }
        }
        self.accepts(q)
    }
    /// Whether some byte leads to a live state.
    pub fn live(&self, q: u32) -> bool {
        self.live[q as usize]
    }
    pub fn state_count(&self) -> usize {
        self.accept.len()
    }

    /// A hash of the whole table: equal tables behave alike.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        (
            &self.classes[..],
            &self.trans,
            &self.accept,
            &self.live,
            self.start,
        )
            .hash(&mut h);
        h.finish()
    }
}

impl TableDfa {
    /// A table from sparse rows (`rows[q]`: byte, next state; a byte not
    /// listed leads to the dead state 0). The caller guarantees the table
    /// is trimmed (every state but 0 reaches an accepting one).
    pub fn from_sparse(rows: &[Vec<(u8, u32)>], accept: Vec<bool>, start: u32) -> TableDfa {
        // Bytes alike in every row share a class: a byte's signature is its
        // (state, next) pairs.
        let all: Vec<(u8, u32, u32)> = rows
            .iter()
            .enumerate()
            .flat_map(|(q, row)| row.iter().map(move |&(b, r)| (b, q as u32, r)))
            .collect();
        TableDfa::from_steps(all, accept, start)
    }

    /// The table of the empty language (only the dead state).
    pub fn empty() -> TableDfa {
        TableDfa::from_steps(Vec::new(), vec![false], 0)
    }

    /// The table of the steps `all` (byte, state, next; at most one per
    /// byte and state, none to the dead state) over `accept.len()` states.
    pub fn from_steps(mut all: Vec<(u8, u32, u32)>, accept: Vec<bool>, start: u32) -> TableDfa {
        // Sorted, each byte's signature is a run of it, in state order.
        all.sort_unstable();
        let mut sig: [&[(u8, u32, u32)]; 256] = [&[]; 256];
        for run in all.chunk_by(|x, y| x.0 == y.0) {
            sig[run[0].0 as usize] = run;
        }
        let mut classes = [0u8; 256];
        let mut ids: FxHashMap<Vec<(u32, u32)>, u8> = FxHashMap::default();
        // Bytes that never step share one class, found without hashing
        // (most bytes, in a table of a few strings).
        let mut stride = 0;
        let mut empty = None;
        let mut key = Vec::new();
        for b in 0..256 {
            if sig[b].is_empty() {
                classes[b] = *empty.get_or_insert_with(|| {
                    stride += 1;
                    (stride - 1) as u8
                });
                continue;
            }
            // The signature without its byte.
            key.clear();
            key.extend(sig[b].iter().map(|x| (x.1, x.2)));
            classes[b] = match ids.get(&key) {
                Some(&c) => c,
                None => {
                    stride += 1;
                    ids.insert(key.clone(), (stride - 1) as u8);
                    (stride - 1) as u8
                }
            };
        }
        let n = accept.len();
        let mut trans = vec![0u32; n * stride];
        let mut live = vec![false; n];
        for &(b, q, r) in &all {
            trans[q as usize * stride + classes[b as usize] as usize] = r;
            live[q as usize] = q != 0;
        }
        TableDfa {
            classes: Box::new(classes),
            stride,
            trans,
            accept,
            live,
            start,
            members: std::sync::OnceLock::new(),
        }
    }
}

impl TableDfa {
    /// The part of the table reachable from `q` as a table of its own
    /// (with the same byte classes; states numbered in the order a search
    /// from `q` by increasing classes finds them, `q` its start, at `.1`),
    /// or None past `max` states (the dead state not counted: the table
    /// has at most `max + 1`).
    pub fn reachable_from(&self, q: u32, max: usize) -> Option<(TableDfa, u32)> {
        let mut id: FxHashMap<u32, u32> = FxHashMap::default();
        let mut order = vec![q];
        id.insert(q, 1);
        let mut trans = vec![0u32; self.stride];
        let mut i = 0;
        while i < order.len() {
            let row = order[i] as usize * self.stride;
            i += 1;
            for c in 0..self.stride {
                let r = self.trans[row + c];
                if r == 0 {
                    trans.push(0);
                    continue;
                }
                let to = match id.get(&r) {
                    Some(&x) => x,
                    None => {
                        if order.len() == max {
                            return None;
                        }
                        order.push(r);
                        id.insert(r, order.len() as u32);
                        order.len() as u32
                    }
                };
                trans.push(to);
            }
        }
        let old = std::iter::once(0).chain(order.iter().copied());
        let (accept, live) = old
            .map(|r| (self.accept[r as usize], self.live[r as usize]))
            .unzip();
        let t = TableDfa {
            classes: self.classes.clone(),
            stride: self.stride,
            trans,
            accept,
            live,
            start: 1,
            members: std::sync::OnceLock::new(),
        };
        Some((t, 1))
    }

    /// The table's rows, sparse: per state, (byte, next) for every byte
    /// that does not lead to the dead state.
    pub fn to_sparse(&self) -> Vec<Vec<(u8, u32)>> {
        (0..self.state_count() as u32)
            .map(|q| {
                (0..=255u8)
                    .filter_map(|b| match self.next(q, b) {
                        0 => None,
                        r => Some((b, r)),
                    })
                    .collect()
            })
            .collect()
    }

    /// The canonical table of one character of string text (`rows`,
    /// `accept` and `start` as for [`TableDfa::from_sparse`], the start
    /// taking no `"`): minimal, its states and byte classes numbered in the
    /// order a search from the start by increasing bytes finds them, so
    /// tables of one language are equal, fingerprints too.
    ///
    /// Between characters a `"` closes the text, and nowhere else: the
    /// start is kept apart from any state inside a character that steps
    /// alike on every other byte (`[^"\\]*\\.`: after `a`, the quote is
    /// dead), by minimizing with the close as an edge of the start's own.
    pub fn canonical_unit(
        mut rows: Vec<Vec<(u8, u32)>>,
        mut accept: Vec<bool>,
        start: u32,
    ) -> TableDfa {
        let close = rows.len() as u32;
        rows[start as usize].push((b'"', close));
        rows.push(Vec::new());
        accept.push(true);
        let t = TableDfa::from_sparse(&rows, accept, start).minimize();
        let mut num = vec![u32::MAX; t.state_count()];
        num[0] = 0;
        let mut order = vec![t.start];
        num[t.start as usize] = 1;
        let mut rows: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
        let mut i = 0;
        while i < order.len() {
            let q = order[i];
            let mut row = Vec::new();
            for b in 0..=255u8 {
                let r = t.next(q, b);
                if r == 0 || (i == 0 && b == b'"') {
                    continue;
                }
                if num[r as usize] == u32::MAX {
                    num[r as usize] = order.len() as u32 + 1;
                    order.push(r);
                }
                row.push((b, num[r as usize]));
            }
            rows.push(row);
            i += 1;
        }
        let accept = std::iter::once(false)
            .chain(order.iter().map(|&q| t.accept[q as usize]))
            .collect();
        TableDfa::from_sparse(&rows, accept, 1)
    }
}

/// Tables up to this many states are minimized; larger ones (a long
/// literal's escapes under a complement, say) gain little for the time.
const MINIMIZE_MAX: usize = 1 << 16;

impl TableDfa {
    /// The same language with states that behave alike merged (all of a
    /// string's text past a pattern's match, say, is one state), so walks
    /// and lexer states meet where the language does.
    ///
    /// Hopcroft's partition refinement, O(n k log n) for n states and k
    /// byte classes: a long literal's chain of states is one refinement per
    /// split, not one pass over the table per state of the chain.
    pub(super) fn minimize(self) -> TableDfa {
        let n = self.accept.len();
        let stride = self.stride;
        if n <= 1 || n > MINIMIZE_MAX {
            return self;
        }
        // Predecessors by class, as one CSR table: pred_start[c * (n + 1) + r]
        // .. pred_start[c * (n + 1) + r + 1] index into preds.
        let mut counts = vec![0u32; stride * (n + 1)];
        for q in 0..n {
            for c in 0..stride {
                let r = self.trans[q * stride + c] as usize;
                counts[c * (n + 1) + r + 1] += 1;
            }
        }
        for c in 0..stride {
            let row = &mut counts[c * (n + 1)..(c + 1) * (n + 1)];
            for r in 1..=n {
                row[r] += row[r - 1];
            }
        }
        let pred_start = counts.clone();
        let mut fill = counts;
        let mut preds = vec![0u32; n * stride];
        for q in 0..n {
            for c in 0..stride {
                let r = self.trans[q * stride + c] as usize;
                let at = c * n + fill[c * (n + 1) + r] as usize;
                preds[at] = q as u32;
                fill[c * (n + 1) + r] += 1;
            }
        }
        // The partition: elems holds the states block by block; block b is
        // elems[first[b]..end[b]], and marked[b] of them (at its front) are
        // marked during a split.
        let mut elems: Vec<u32> = Vec::with_capacity(n);
        let mut first: Vec<usize> = Vec::new();
        let mut end: Vec<usize> = Vec::new();
        // Initial blocks: the dead state alone, accepting, the rest.
        for class in 0..3 {
            let begin = elems.len();
            elems.extend((0..n as u32).filter(|&q| {
                let q = q as usize;
                let k = match (q, self.accept[q]) {
                    (0, _) => 0,
                    (_, true) => 1,
                    _ => 2,
                };
                k == class
            }));
            if elems.len() > begin {
                first.push(begin);
                end.push(elems.len());
            }
        }
        let mut block = vec![0u32; n];
        let mut loc = vec![0usize; n];
        for b in 0..first.len() {
            for i in first[b]..end[b] {
                block[elems[i] as usize] = b as u32;
                loc[elems[i] as usize] = i;
            }
        }
        let mut marked: Vec<usize> = vec![0; first.len()];
        // Splitters (block, class) still to use, and whether each is queued.
        // Every initial block but the largest: the table is complete (the
        // dead state included), so a partition split by all the others is
        // split by that one too. It is most often the dead state, which
        // nearly every state steps to on most classes.
        let largest = (0..first.len())
            .max_by_key(|&b| end[b] - first[b])
            .unwrap_or(0);
        let mut queued: Vec<bool> = (0..first.len())
            .flat_map(|b| std::iter::repeat(b != largest).take(stride))
            .collect();
        let mut work: Vec<(u32, u32)> = (0..first.len() as u32)
            .filter(|&b| b as usize != largest)
            .flat_map(|b| (0..stride as u32).map(move |c| (b, c)))
            .collect();
        let mut touched: Vec<u32> = Vec::new();
        let mut splitter: Vec<u32> = Vec::new();
        while let Some((b, c)) = work.pop() {
            let (b, c) = (b as usize, c as usize);
            queued[b * stride + c] = false;
            splitter.clear();
            splitter.extend_from_slice(&elems[first[b]..end[b]]);
            for &r in &splitter {
                let lo = pred_start[c * (n + 1) + r as usize] as usize;
                let hi = pred_start[c * (n + 1) + r as usize + 1] as usize;
                for &q in &preds[c * n + lo..c * n + hi] {
                    let qb = block[q as usize] as usize;
                    let at = first[qb] + marked[qb];
                    if loc[q as usize] < at {
                        continue; // marked already
                    }
                    if marked[qb] == 0 {
                        touched.push(qb as u32);
                    }
                    // Swap q to the end of the marked front.
                    let other = elems[at];
                    let from = loc[q as usize];
                    elems.swap(at, from);
                    loc[other as usize] = from;
                    loc[q as usize] = at;
                    marked[qb] += 1;
                }
            }
            for &y in &touched {
                let y = y as usize;
                let m = marked[y];
                marked[y] = 0;
                if m == end[y] - first[y] {
                    continue; // wholly inside the preimage: no split
                }
                // The marked front becomes a new block.
                let z = first.len();
                first.push(first[y]);
                end.push(first[y] + m);
                marked.push(0);
                first[y] += m;
                for i in first[z]..end[z] {
                    block[elems[i] as usize] = z as u32;
                }
                queued.extend(std::iter::repeat(false).take(stride));
                let smaller = if end[z] - first[z] <= end[y] - first[y] {
                    z
                } else {
                    y
                };
                for c2 in 0..stride {
                    let pick = if queued[y * stride + c2] { z } else { smaller };
                    if !queued[pick * stride + c2] {
                        queued[pick * stride + c2] = true;
                        work.push((pick as u32, c2 as u32));
                    }
                }
            }
            touched.clear();
        }
        // Number the blocks in order of their first state: the dead state
        // came first, so it is block 0 still.
        let mut renum = vec![u32::MAX; first.len()];
        let mut count = 0u32;
        for &b in &block {
            let b = b as usize;
            if renum[b] == u32::MAX {
                renum[b] = count;
                count += 1;
            }
        }
        let block: Vec<u32> = block.iter().map(|&b| renum[b as usize]).collect();
        let count = count as usize;
        if count == n {
            return self;
        }
        // The dead state came first, so it is block 0 still.
        let mut rep = vec![usize::MAX; count];
        for q in 0..n {
            if rep[block[q] as usize] == usize::MAX {
                rep[block[q] as usize] = q;
            }
        }
        let trans: Vec<u32> = rep
            .iter()
            .flat_map(|&q| {
                self.trans[q * stride..(q + 1) * stride]
                    .iter()
                    .map(|&r| block[r as usize])
                    .collect::<Vec<_>>()
            })
            .collect();
        let accept: Vec<bool> = rep.iter().map(|&q| self.accept[q]).collect();
        let live = rep.iter().map(|&q| self.live[q]).collect();
        TableDfa {
            classes: self.classes,
            stride,
            trans,
            accept,
            live,
            start: block[self.start as usize],
            members: std::sync::OnceLock::new(),
        }
    }
}

/// Per state of a table (state 0 dead, `stride` steps a state), whether an
/// accepting state can be reached from it.
pub(super) fn useful(stride: usize, trans: &[u32], accept: &[bool]) -> Vec<bool> {
    let count = accept.len();
    let mut preds: Vec<Vec<u32>> = vec![Vec::new(); count];
    for q in 1..count {
        for c in 0..stride {
            let r = trans[q * stride + c];
            if r != 0 {
                preds[r as usize].push(q as u32);
            }
        }
    }
    let mut useful = accept.to_vec();
    let mut stack: Vec<u32> = (0..count as u32).filter(|&q| accept[q as usize]).collect();
    while let Some(q) = stack.pop() {
        for &p in &preds[q as usize] {
            if !useful[p as usize] {
                useful[p as usize] = true;
                stack.push(p);
            }
        }
    }
    useful
}

#[cfg(test)]
impl TableDfa {
    /// Whether two tables take the same byte strings: their product,
    /// explored on every byte, never tells them apart.
    pub(super) fn same_language(&self, y: &TableDfa) -> bool {
        let x = self;
        let mut seen = std::collections::HashSet::new();
        let mut todo = vec![(x.start(), y.start())];
        while let Some((p, q)) = todo.pop() {
            if !seen.insert((p, q)) {
                continue;
            }
            if (p != 0 && x.accepts(p)) != (q != 0 && y.accepts(q)) {
                return false;
            }
            for b in 0..=255u8 {
                let p2 = if p == 0 { 0 } else { x.next(p, b) };
                let q2 = if q == 0 { 0 } else { y.next(q, b) };
                if p2 != 0 || q2 != 0 {
                    todo.push((p2, q2));
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::TermExpr;
    use crate::lexer::tests::re;

    #[test]
    fn intersection_and_complement() {
        let e = TermExpr::And(vec![
            re("[a-z]+"),
            TermExpr::Not(Box::new(TermExpr::Alt(vec![re("foo"), re("bar")]))),
        ]);
        let t = TableDfa::build(&e, 1000, 1 << 20).unwrap();
        for (s, ok) in [
            ("foo", false),
            ("bar", false),
            ("fo", true),
            ("food", true),
            ("", false),
            ("x", true),
        ] {
            assert_eq!(t.matches(s), ok, "{s}");
        }
    }

    #[test]
    fn empty_intersection_is_dead_from_the_start() {
        let e = TermExpr::And(vec![re("a+"), re("b+")]);
        let t = TableDfa::build(&e, 1000, 1 << 20).unwrap();
        assert_eq!(t.start(), 0);
    }

    #[test]
    fn trimmed_states_are_productive() {
        // "ab" only: after "a", "b" must follow; "aa" is dead at once.
        let e = TermExpr::And(vec![re("a[a-z]"), re("[a-z]b")]);
        let t = TableDfa::build(&e, 1000, 1 << 20).unwrap();
        let q = t.next(t.start(), b'a');
        assert_ne!(q, 0);
        assert_eq!(t.next(q, b'a'), 0);
        assert!(t.matches("ab"));
    }

    #[test]
    fn tables_are_minimal() {
        // After "a" and after "c" the rest is the same: one state.
        let a = TableDfa::build(&TermExpr::And(vec![re("ab|cb")]), 1000, 1 << 20).unwrap();
        let b = TableDfa::build(&TermExpr::And(vec![re("[ac]b")]), 1000, 1 << 20).unwrap();
        assert_eq!(a.state_count(), b.state_count());
        assert_eq!(a.next(a.start(), b'a'), a.next(a.start(), b'c'));
        for (s, ok) in [("ab", true), ("cb", true), ("bb", false), ("a", false)] {
            assert_eq!(a.matches(s), ok, "{s}");
        }
    }

    #[test]
    fn decimal_multiples() {
        let e = TermExpr::And(vec![
            re("-?(0|[1-9][0-9]*)(\\.[0-9]+)?"),
            TermExpr::DecimalMultiple {
                factor: 15,
                scale: 1,
            }, // 1.5
        ]);
        let t = TableDfa::build(&e, 10_000, 1 << 20).unwrap();
        for (s, ok) in [
            ("0", true),
            ("1.5", true),
            ("3", true),
            ("4.5", true),
            ("4.50", true),
            ("-6.0", true),
            ("1", false),
            ("1.55", false),
            ("2.5", false),
        ] {
            assert_eq!(t.matches(s), ok, "{s}");
        }
    }

    /// Classes of states equivalent in language, by naive refinement (the
    /// reference for `minimize`).
    fn naive_classes(t: &TableDfa) -> usize {
        let n = t.accept.len();
        let mut block: Vec<u32> = (0..n)
            .map(|q| match (q, t.accept[q]) {
                (0, _) => 0,
                (_, true) => 1,
                _ => 2,
            })
            .collect();
        let mut count = 0;
        loop {
            let mut ids: FxHashMap<Vec<u32>, u32> = FxHashMap::default();
            let next: Vec<u32> = (0..n)
                .map(|q| {
                    let mut sig = vec![block[q]];
                    sig.extend(
                        t.trans[q * t.stride..(q + 1) * t.stride]
                            .iter()
                            .map(|&r| block[r as usize]),
                    );
                    let id = ids.len() as u32;
                    *ids.entry(sig).or_insert(id)
                })
                .collect();
            block = next;
            if ids.len() == count {
                return count;
            }
            count = ids.len();
        }
    }

    fn language(t: &TableDfa, alphabet: &[u8], len: usize) -> Vec<bool> {
        let mut out = Vec::new();
        let mut words: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..=len {
            let mut next = Vec::new();
            for w in &words {
                let mut q = t.start;
                for &b in w {
                    q = t.next(q, b);
                }
                out.push(t.accepts(q));
                for &b in alphabet {
                    let mut v = w.clone();
                    v.push(b);
                    next.push(v);
                }
            }
            words = next;
        }
        out
    }

    /// Random trimmed tables: the minimized table accepts the same strings
    /// and has exactly as many states as naive refinement finds classes.
    #[test]
    fn minimize_matches_naive_refinement() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = |k: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % k
        };
        for _ in 0..300 {
            let n = 2 + rand(12) as u32;
            // State q steps to q + 1 on 'a' (so every state reaches the last,
            // accepting one); 'b' and 'c' go anywhere, the dead state too.
            let rows: Vec<Vec<(u8, u32)>> = (0..=n)
                .map(|q| {
                    if q == 0 {
                        return Vec::new();
                    }
                    let mut row = Vec::new();
                    if q < n {
                        row.push((b'a', q + 1));
                    }
                    for b in [b'b', b'c'] {
                        let r = rand(u64::from(n) + 1) as u32;
                        if r != 0 {
                            row.push((b, r));
                        }
                    }
                    row
                })
                .collect();
            let accept: Vec<bool> = (0..=n).map(|q| q == n || (q > 0 && rand(3) == 0)).collect();
            let t = TableDfa::from_sparse(&rows, accept, 1);
            let want = naive_classes(&t);
            let before = language(&t, b"abcd", 6);
            let m = t.minimize();
            assert_eq!(m.accept.len(), want);
            assert_eq!(language(&m, b"abcd", 6), before);
        }
    }

    /// A chain of states (a long literal under a complement) minimizes in
    /// one refinement per split, not one pass per state.
    #[test]
    fn long_chains_minimize_quickly() {
        let word = "k".repeat(20_000);
        let e = TermExpr::Not(Box::new(TermExpr::Alt(vec![
            re(&word),
            re(&format!("{word}x")),
        ])));
        let t = std::time::Instant::now();
        let d = TableDfa::build(&e, 1 << 18, 1 << 26).unwrap();
        assert!(!d.matches(&word));
        assert!(d.matches(&word[1..]));
        assert!(d.matches(&format!("{word}y")));
        // Generous: naive refinement takes tens of seconds here.
        assert!(t.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn state_cap_is_an_error() {
        let e = TermExpr::And(vec![re("[a-z]{0,500}"), re("[a-m]*")]);
        assert!(TableDfa::build(&e, 100, 1 << 24).is_err());
    }

    /// Many conditions make each state dear: the work is capped before the
    /// states are (and quickly).
    #[test]
    fn work_cap_is_an_error() {
        let e = TermExpr::And((0..24).map(|k| re(&format!(".*w{k}w.*"))).collect());
        let t = std::time::Instant::now();
        let err = TableDfa::build(&e, 1 << 14, 1 << 24).unwrap_err();
        assert!(err.error.message.contains("steps"), "{}", err.error.message);
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
    }
}
