//! What drafts are drawn from: the adjacency matrix of Token Recycling (for
//! every token, the top-k next tokens the model last predicted after it) and
//! a tri-gram table of accepted outputs (ADED-style). Both persist across
//! requests and are saved and loaded as little-endian binary.

use rustc_hash::FxHashMap;

use crate::error::Failure;
use crate::vocab::TokenId;

/// An empty slot of the adjacency matrix.
const EMPTY: TokenId = TokenId::MAX;

/// Most candidates per token (the matrix's width).
pub const MAX_K: usize = 64;

/// `[vocab, k]`: row `t` holds the model's top-k after `t`, best first, as
/// last seen at a verified position (each update replaces the row).
#[derive(Clone, Debug)]
pub struct Adjacency {
    k: usize,
    vocab: usize,
    rows: Vec<TokenId>,
}

impl Adjacency {
    /// An empty matrix. Fails past `max_bytes` (4 bytes a slot).
    pub fn new(vocab: usize, k: usize, max_bytes: usize) -> Result<Adjacency, Failure> {
        if k == 0 || k > MAX_K {
            return Err(Failure::argument(format!(
                "the adjacency width k must be 1 to {MAX_K}, not {k}"
            )));
        }
        let slots = vocab.saturating_mul(k);
        if slots.saturating_mul(4) > max_bytes {
            return Err(Failure::limit(
                "max_draft_bytes",
                format!(
                    "an adjacency matrix of {vocab} x {k} tokens needs {} bytes, more than {max_bytes}",
                    slots.saturating_mul(4)
                ),
            ));
        }
        Ok(Adjacency {
            k,
            vocab,
            rows: vec![EMPTY; slots],
        })
    }

    pub fn k(&self) -> usize {
        self.k
    }

    pub fn vocab(&self) -> usize {
        self.vocab
    }

    /// Replaces `token`'s row with `top` (best first; at most k kept).
    /// Ids past the vocabulary are ignored.
    pub fn update(&mut self, token: TokenId, top: &[TokenId]) {
        let t = token as usize;
        if t >= self.vocab {
            return;
        }
        let row = &mut self.rows[t * self.k..(t + 1) * self.k];
        let mut n = 0;
        for &c in top {
            if n == row.len() {
                break;
            }
            if (c as usize) < self.vocab {
                row[n] = c;
                n += 1;
            }
        }
        row[n..].fill(EMPTY);
    }

    /// `token`'s candidates, best first.
    pub fn row(&self, token: TokenId) -> &[TokenId] {
        let t = token as usize;
        if t >= self.vocab {
            return &[];
        }
        let row = &self.rows[t * self.k..(t + 1) * self.k];
        let n = row.iter().position(|&c| c == EMPTY).unwrap_or(row.len());
        &row[..n]
    }

    fn write(&self, out: &mut Vec<u8>) {
        put(out, self.vocab as u64);
        put(out, self.k as u64);
        for &t in &self.rows {
            out.extend_from_slice(&t.to_le_bytes());
        }
    }

    fn read(r: &mut Reader<'_>, max_bytes: usize) -> Result<Adjacency, Failure> {
        let vocab = r.count()?;
        let k = r.count()?;
        let mut a = Adjacency::new(vocab, k, max_bytes)?;
        for slot in a.rows.iter_mut() {
            *slot = r.u32()?;
            if *slot != EMPTY && *slot as usize >= vocab {
                return Err(Failure::syntax(
                    "a drafter file holds a token past its vocabulary",
                ));
            }
        }
        Ok(a)
    }
}

/// Successors seen after a context of one or two tokens, with counts.
#[derive(Clone, Debug, Default)]
pub struct NGram {
    /// (previous, last) -> successors, most frequent first.
    tri: FxHashMap<(TokenId, TokenId), Vec<(TokenId, u32)>>,
    /// last -> successors, the fallback where the tri-gram context is new.
    bi: FxHashMap<TokenId, Vec<(TokenId, u32)>>,
    /// Successors kept per context.
    width: usize,
    /// Contexts kept in all (both maps); past it, updates stop adding.
    max_contexts: usize,
}

fn bump(list: &mut Vec<(TokenId, u32)>, t: TokenId, width: usize) {
    match list.iter().position(|x| x.0 == t) {
        Some(i) => {
            list[i].1 = list[i].1.saturating_add(1);
            // Keep the order by count (a stable bubble up).
            let mut j = i;
            while j > 0 && list[j - 1].1 < list[j].1 {
                list.swap(j - 1, j);
                j -= 1;
            }
        }
        None if list.len() < width => list.push((t, 1)),
        // Full: the newcomer replaces the rarest (ties: the oldest).
        None => {
            if let Some(last) = list.last_mut() {
                *last = (t, 1);
            }
        }
    }
}

impl NGram {
    pub fn new(width: usize, max_contexts: usize) -> NGram {
        NGram {
            tri: FxHashMap::default(),
            bi: FxHashMap::default(),
            width: width.clamp(1, MAX_K),
            max_contexts,
        }
    }

    /// Contexts held.
    pub fn len(&self) -> usize {
        self.tri.len() + self.bi.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Counts every bi-gram and tri-gram of `tokens`.
    pub fn update(&mut self, tokens: &[TokenId]) {
        for i in 1..tokens.len() {
            let (last, next) = (tokens[i - 1], tokens[i]);
            let room = self.len() < self.max_contexts;
            if room || self.bi.contains_key(&last) {
                bump(self.bi.entry(last).or_default(), next, self.width);
            }
            if i >= 2 {
                let key = (tokens[i - 2], last);
                if self.len() < self.max_contexts || self.tri.contains_key(&key) {
                    bump(self.tri.entry(key).or_default(), next, self.width);
                }
            }
        }
    }

    /// The successors of `(prev, last)`, most frequent first: the
    /// tri-gram's, then the bi-gram's not already listed.
    pub fn next(&self, prev: Option<TokenId>, last: TokenId, out: &mut Vec<TokenId>) {
        if let Some(p) = prev {
            if let Some(l) = self.tri.get(&(p, last)) {
                out.extend(l.iter().map(|x| x.0));
            }
        }
        if let Some(l) = self.bi.get(&last) {
            for &(t, _) in l {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        put(out, self.width as u64);
        put(out, self.max_contexts as u64);
        let mut tri: Vec<_> = self.tri.iter().collect();
        tri.sort_unstable_by_key(|x| *x.0);
        put(out, tri.len() as u64);
        for (&(a, b), l) in tri {
            out.extend_from_slice(&a.to_le_bytes());
            out.extend_from_slice(&b.to_le_bytes());
            write_list(out, l);
        }
        let mut bi: Vec<_> = self.bi.iter().collect();
        bi.sort_unstable_by_key(|x| *x.0);
        put(out, bi.len() as u64);
        for (&a, l) in bi {
            out.extend_from_slice(&a.to_le_bytes());
            write_list(out, l);
        }
    }

    fn read(r: &mut Reader<'_>) -> Result<NGram, Failure> {
        let width = r.count()?.clamp(1, MAX_K);
        let max_contexts = r.count()?;
        let mut g = NGram::new(width, max_contexts);
        let n = r.count()?;
        for _ in 0..n {
            let key = (r.u32()?, r.u32()?);
            g.tri.insert(key, read_list(r, width)?);
        }
        let n = r.count()?;
        for _ in 0..n {
            let key = r.u32()?;
            g.bi.insert(key, read_list(r, width)?);
        }
        Ok(g)
    }
}

fn write_list(out: &mut Vec<u8>, l: &[(TokenId, u32)]) {
    out.push(l.len() as u8);
    for &(t, c) in l {
        out.extend_from_slice(&t.to_le_bytes());
        out.extend_from_slice(&c.to_le_bytes());
    }
}

fn read_list(r: &mut Reader<'_>, width: usize) -> Result<Vec<(TokenId, u32)>, Failure> {
    let n = r.byte()? as usize;
    if n > width {
        return Err(Failure::syntax(
            "a drafter file lists more successors than its width",
        ));
    }
    (0..n).map(|_| Ok((r.u32()?, r.u32()?))).collect()
}

pub(super) fn put(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Reads a drafter file, every read bounds-checked.
pub(super) struct Reader<'a> {
    pub data: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Failure> {
        if self.data.len() < n {
            return Err(Failure::syntax("a drafter file ends early"));
        }
        let (a, b) = self.data.split_at(n);
        self.data = b;
        Ok(a)
    }

    pub fn byte(&mut self) -> Result<u8, Failure> {
        Ok(self.take(1)?[0])
    }

    pub fn u32(&mut self) -> Result<u32, Failure> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u64(&mut self) -> Result<u64, Failure> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// A count that must fit what is left of the file (so a corrupt
    /// count cannot ask for a huge allocation).
    pub fn count(&mut self) -> Result<usize, Failure> {
        let v = self.u64()?;
        usize::try_from(v)
            .ok()
            .filter(|&n| n <= self.data.len().max(1 << 20))
            .ok_or_else(|| Failure::syntax("a drafter file holds an impossible count"))
    }
}

/// Both tables (either may be absent), written one after the other.
pub(super) fn write_tables(out: &mut Vec<u8>, adj: Option<&Adjacency>, ngram: Option<&NGram>) {
    out.push(u8::from(adj.is_some()));
    if let Some(a) = adj {
        a.write(out);
    }
    out.push(u8::from(ngram.is_some()));
    if let Some(g) = ngram {
        g.write(out);
    }
}

pub(super) fn read_tables(
    r: &mut Reader<'_>,
    max_bytes: usize,
) -> Result<(Option<Adjacency>, Option<NGram>), Failure> {
    let adj = match r.byte()? {
        0 => None,
        1 => Some(Adjacency::read(r, max_bytes)?),
        _ => return Err(Failure::syntax("a drafter file is malformed")),
    };
    let ngram = match r.byte()? {
        0 => None,
        1 => Some(NGram::read(r)?),
        _ => return Err(Failure::syntax("a drafter file is malformed")),
    };
    Ok((adj, ngram))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacency_rows_replace_and_round_trip() {
        let mut a = Adjacency::new(10, 3, 1 << 20).unwrap();
        assert!(a.row(4).is_empty());
        a.update(4, &[7, 99, 1, 2, 3]);
        assert_eq!(a.row(4), &[7, 1, 2]);
        a.update(4, &[5]);
        assert_eq!(a.row(4), &[5]);
        a.update(42, &[1]);
        assert!(a.row(42).is_empty());
        let mut out = Vec::new();
        a.write(&mut out);
        let b = Adjacency::read(&mut Reader { data: &out }, 1 << 20).unwrap();
        assert_eq!(b.row(4), &[5]);
        assert_eq!((b.vocab(), b.k()), (10, 3));
        assert!(Adjacency::read(
            &mut Reader {
                data: &out[..out.len() - 1]
            },
            1 << 20
        )
        .is_err());
        assert!(Adjacency::new(1 << 30, 8, 1 << 20).is_err());
        assert!(Adjacency::new(10, 0, 1 << 20).is_err());
    }

    #[test]
    fn ngram_counts_trigrams_then_bigrams() {
        let mut g = NGram::new(4, 1000);
        g.update(&[1, 2, 3, 1, 2, 3, 1, 2, 4, 9, 2, 5]);
        let mut out = Vec::new();
        g.next(Some(1), 2, &mut out);
        assert_eq!(out, vec![3, 4, 5]);
        out.clear();
        g.next(Some(9), 2, &mut out);
        assert_eq!(out, vec![5, 3, 4]);
        out.clear();
        g.next(None, 8, &mut out);
        assert!(out.is_empty());
        let mut bytes = Vec::new();
        g.write(&mut bytes);
        let h = NGram::read(&mut Reader { data: &bytes }).unwrap();
        let mut again = Vec::new();
        h.next(Some(1), 2, &mut again);
        assert_eq!(again, vec![3, 4, 5]);
        // A bounded table stops adding contexts.
        let mut small = NGram::new(2, 3);
        small.update(&(0..100).collect::<Vec<_>>());
        assert!(small.len() <= 4);
    }
}
