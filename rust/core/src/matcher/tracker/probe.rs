//! The probe: what reading a token's bytes next would repeat (a key, an
//! item), without reading them; masks ask it of the few tokens that could.

use super::{canonical, decode, Frame, JsonTracker, Probe, Probed};

impl JsonTracker {
    /// What reading `bytes` next would repeat: a key (refused), or an item
    /// of an array (refused where the parse closes it with an item-closing
    /// terminal). The state does not change.
    pub(crate) fn probe(&self, bytes: &[u8], p: &mut Probe) -> Probed {
        let mut s = self.s;
        if s.off {
            return Probed::Fine;
        }
        let mut found = Probed::Fine;
        p.raw.clear();
        if s.in_string && s.is_key {
            p.raw.extend_from_slice(&self.raw[s.key_start as usize..]);
        }
        p.opened.clear();
        p.added.clear();
        p.added_items.clear();
        p.starts.clear();
        p.closed = false;
        p.key_risk = false;
        // Open containers below the ones the bytes opened.
        let mut base = self.stack.len();
        let top_is_obj = |p: &Probe, base: usize| match p.opened.last() {
            Some(o) => o.0,
            None => base > 0 && matches!(self.stack[base - 1], Frame::Object(_)),
        };
        for (i, &b) in bytes.iter().enumerate() {
            if s.in_string {
                if s.esc {
                    s.esc = false;
                } else if b == b'\\' {
                    s.esc = true;
                } else if b == b'"' {
                    s.in_string = false;
                    if s.is_key {
                        s.is_key = false;
                        decode(&p.raw, &mut p.dec);
                        match p.opened.last_mut() {
                            Some(o) => {
                                if o.1.contains(&p.dec) {
                                    return Probed::RepeatedKey;
                                }
                                o.1.push(p.dec.clone());
                            }
                            None => {
                                let had = match self.stack.get(base.wrapping_sub(1)) {
                                    Some(Frame::Object(k)) => k.contains(&p.dec),
                                    _ => false,
                                };
                                if had || p.added.iter().any(|(d, k)| *d == base && *k == p.dec) {
                                    return Probed::RepeatedKey;
                                }
                                p.added.push((base, p.dec.clone()));
                            }
                        }
                    } else if self.items && self.item_done(bytes, i, base, p) {
                        found = Probed::RepeatedItem;
                    }
                    continue;
                }
                if s.is_key {
                    p.raw.push(b);
                }
                continue;
            }
            match b {
                b'"' => {
                    s.in_string = true;
                    s.is_key = s.key_pos && top_is_obj(p, base);
                    s.key_pos = false;
                    p.raw.clear();
                }
                b'{' | b'[' => {
                    p.opened.push((b == b'{', Vec::new(), i + 1));
                    s.key_pos = b == b'{';
                }
                b'}' | b']' | b',' => {
                    let in_array = !top_is_obj(p, base) && (!p.opened.is_empty() || base > 0);
                    if self.items
                        && b != b'}'
                        && in_array
                        && self.item_repeats(bytes, i, base, b == b',', p)
                    {
                        found = Probed::RepeatedItem;
                    }
                    if b == b',' {
                        s.key_pos = top_is_obj(p, base);
                        continue;
                    }
                    p.closed = true;
                    if p.opened.pop().is_none() {
                        if base == 0 {
                            return found;
                        }
                        base -= 1;
                        p.added.retain(|(d, _)| *d <= base);
                        p.added_items.retain(|(d, _)| *d <= base);
                        p.starts.retain(|(d, _)| *d <= base);
                    }
                    s.key_pos = false;
                    if self.items && self.item_done(bytes, i, base, p) {
                        found = Probed::RepeatedItem;
                    }
                }
                b':' => s.key_pos = false,
                _ => {}
            }
        }
        if s.in_string && s.is_key {
            let risky = |keys: &mut dyn Iterator<Item = &[u8]>, raw: &[u8]| {
                let mut any = false;
                let mut hit = false;
                for k in keys {
                    any = true;
                    hit |= k.starts_with(raw);
                }
                // An empty key in progress may still become any key: a
                // full object takes no more keys by its rules.
                any && !raw.is_empty() && (hit || raw.contains(&b'\\') || s.esc)
            };
            p.key_risk = match p.opened.last() {
                Some(o) => risky(&mut o.1.iter().map(Vec::as_slice), &p.raw),
                None => {
                    let mut keys: Vec<&[u8]> = p
                        .added
                        .iter()
                        .filter(|(d, _)| *d == base)
                        .map(|(_, k)| k.as_slice())
                        .collect();
                    if let Some(Frame::Object(k)) = self.stack.get(base.wrapping_sub(1)) {
                        keys.extend(k.list.iter().map(|x| &**x));
                    }
                    risky(&mut keys.into_iter(), &p.raw)
                }
            };
        }
        found
    }

    /// Whether `bytes[i]` (a value string's closing quote, a container's
    /// closing bracket) completes the item in progress of the innermost
    /// array (`base` persistent frames below the probe's) as a value equal
    /// to an earlier item of that array (see
    /// [`JsonTracker::item_done_repeats`]).
    fn item_done(&self, bytes: &[u8], i: usize, base: usize, p: &mut Probe) -> bool {
        p.item.clear();
        match p.opened.last() {
            Some(o) => {
                if o.0 || o.1.is_empty() {
                    return false;
                }
                p.item.extend_from_slice(&bytes[o.2.min(i + 1)..=i]);
            }
            None => {
                let Some(Frame::Array(a)) = self.stack.get(base.wrapping_sub(1)) else {
                    return false;
                };
                if a.seen.list.is_empty() && !p.added_items.iter().any(|(d, _)| *d == base) {
                    return false;
                }
                if let Some(&(_, from)) = p.starts.iter().rev().find(|(d, _)| *d == base) {
                    p.item.extend_from_slice(&bytes[from.min(i + 1)..=i]);
                } else {
                    p.item
                        .extend_from_slice(&self.text[(a.start as usize).min(self.text.len())..]);
                    p.item.extend_from_slice(&bytes[..=i]);
                }
            }
        }
        if !canonical(&p.item, &mut p.dec) {
            return false;
        }
        match p.opened.last() {
            Some(o) => o.1.contains(&p.dec),
            None => {
                matches!(self.stack.get(base.wrapping_sub(1)), Some(Frame::Array(a)) if a.seen.contains(&p.dec))
                    || p.added_items.iter().any(|(d, k)| *d == base && *k == p.dec)
            }
        }
    }

    /// Whether the item that `bytes[i]` (a `,` or `]` of the innermost
    /// array, `base` persistent frames below the probe's) closes repeats an
    /// earlier one; a `,` records it.
    fn item_repeats(
        &self,
        bytes: &[u8],
        i: usize,
        base: usize,
        comma: bool,
        p: &mut Probe,
    ) -> bool {
        p.item.clear();
        if let Some(o) = p.opened.last() {
            p.item.extend_from_slice(&bytes[o.2..i]);
        } else if let Some(&(_, from)) = p.starts.iter().rev().find(|(d, _)| *d == base) {
            p.item.extend_from_slice(&bytes[from..i]);
        } else if let Some(Frame::Array(a)) = self.stack.get(base.wrapping_sub(1)) {
            p.item.extend_from_slice(&self.text[a.start as usize..]);
            p.item.extend_from_slice(&bytes[..i]);
        }
        // Reading moves the item's start at a `,` even where the item
        // before it is not JSON (then nothing is recorded): so does this.
        let ok = canonical(&p.item, &mut p.dec);
        match p.opened.last_mut() {
            Some(o) => {
                let dup = ok && o.1.contains(&p.dec);
                if comma {
                    if ok {
                        o.1.push(p.dec.clone());
                    }
                    o.2 = i + 1;
                }
                dup
            }
            None => {
                let dup = ok
                    && (matches!(self.stack.get(base.wrapping_sub(1)), Some(Frame::Array(a)) if a.seen.contains(&p.dec))
                        || p.added_items.iter().any(|(d, k)| *d == base && *k == p.dec));
                if comma {
                    if ok {
                        p.added_items.push((base, p.dec.clone()));
                    }
                    p.starts.push((base, i + 1));
                }
                dup
            }
        }
    }
}
