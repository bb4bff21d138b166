//! What masks ask of the keys the tracker has read: the rests of the keys
//! a key in progress may still become, and whether a token may repeat a
//! key at all.

use super::{decode, Frame, JsonTracker};

impl JsonTracker {
    /// The raw spellings (without escapes) of what the keys of the
    /// innermost object that start with the key in progress still need.
    pub(crate) fn key_rests(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let Some((raw, esc)) = self.key_at_risk() else {
            return out;
        };
        let raw = if esc {
            &raw[..raw.len().saturating_sub(1)]
        } else {
            raw
        };
        let mut dec = Vec::new();
        decode(raw, &mut dec);
        if let Some(keys) = self.top_keys() {
            for k in &keys.list {
                if let Some(rest) = k.strip_prefix(dec.as_slice()) {
                    if rest
                        .iter()
                        .all(|&b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
                    {
                        // Printable ASCII is written as it is.
                        out.push(rest.to_vec());
                        continue;
                    }
                    let text =
                        serde_json::to_string(&String::from_utf8_lossy(rest)).unwrap_or_default();
                    let inner = text.as_bytes();
                    out.push(inner[1..inner.len().saturating_sub(1).max(1)].to_vec());
                }
            }
        }
        out
    }

    /// Whether `bytes` (outside a key in progress) may repeat a key at all:
    /// the text between two of its quotes is a key some open object has,
    /// or two such texts are equal, or it holds an escape. False rules out
    /// [`Probed::RepeatedKey`] without reading the token as JSON.
    pub(crate) fn may_repeat_key(&self, bytes: &[u8]) -> bool {
        if bytes.contains(&b'\\') {
            return true;
        }
        let mut quotes = bytes
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b'"')
            .map(|(i, _)| i);
        let Some(mut from) = quotes.next() else {
            return false;
        };
        let mut seen: [&[u8]; 4] = [&[]; 4];
        let mut n = 0;
        for to in quotes {
            let text = &bytes[from + 1..to];
            if seen[..n].contains(&text) {
                return true;
            }
            if n < seen.len() {
                seen[n] = text;
                n += 1;
            } else {
                return true;
            }
            if self
                .stack
                .iter()
                .any(|f| matches!(f, Frame::Object(k) if k.contains(text)))
            {
                return true;
            }
            from = to;
        }
        false
    }
}
