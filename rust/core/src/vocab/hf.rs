//! Hugging Face `tokenizer.json` files -> [`Vocabulary`].
//!
//! A token's bytes are what the tokenizer's own decoder makes of the token's
//! piece alone: the GPT-2 byte-to-unicode map for byte-level BPE, `▁` -> space
//! and `<0xNN>` -> one byte for SentencePiece, the piece's UTF-8 otherwise.
//! Decoders that only act on whole sequences (`Strip`, `Fuse`) are ignored:
//! they do not change which bytes a token stands for.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::spec::{TokenId, TokenSpec, TokenizerKind, VocabError};
use super::vocabulary::Vocabulary;

/// Options for loading a Hugging Face tokenizer.
#[derive(Debug, Clone, Default)]
pub struct HfOptions {
    /// The EOS token ids; when set, nothing else is consulted.
    pub eos_token_ids: Option<Vec<TokenId>>,
    /// Names of EOS tokens (e.g. from `tokenizer_config.json`), used when
    /// `eos_token_ids` is not set.
    pub eos_tokens: Vec<String>,
    /// EOS ids added to the ones resolved above (e.g. from a model's
    /// `generation_config.json`).
    pub extra_eos_token_ids: Vec<TokenId>,
    /// Logits width of the model; `None` means the tokenizer's id range.
    pub vocab_size: Option<usize>,
}

/// EOS names tried, in order, when nothing says which token ends a sequence.
const EOS_GUESSES: &[&str] = &[
    "<|end_of_text|>",
    "<|endoftext|>",
    "</s>",
    "<eos>",
    "<|im_end|>",
    "<|eot_id|>",
    "<end_of_turn>",
    "<|end|>",
];

/// One step of a tokenizer's decoder, as far as a single piece is concerned.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    ByteLevel,
    ByteFallback,
    Replace(String, String),
}

fn decoder_steps(dec: &Value, out: &mut Vec<Step>) -> Result<(), VocabError> {
    if dec.is_null() {
        return Ok(());
    }
    let ty = dec.get("type").and_then(Value::as_str).unwrap_or("");
    match ty {
        "Sequence" => {
            let items = dec
                .get("decoders")
                .and_then(Value::as_array)
                .ok_or_else(|| VocabError::format("decoder", "Sequence without `decoders`"))?;
            for d in items {
                decoder_steps(d, out)?;
            }
        }
        "ByteLevel" => out.push(Step::ByteLevel),
        "ByteFallback" => out.push(Step::ByteFallback),
        // Whole-sequence effects: joining pieces, stripping the first space.
        "Fuse" | "Strip" => {}
        "Replace" => {
            let pat = dec
                .get("pattern")
                .and_then(|p| p.get("String"))
                .and_then(Value::as_str);
            let content = dec.get("content").and_then(Value::as_str);
            match (pat, content) {
                (Some(p), Some(c)) => out.push(Step::Replace(p.to_owned(), c.to_owned())),
                _ => {
                    return Err(VocabError::NotSupported(
                        "a Replace decoder with a regex pattern".into(),
                    ))
                }
            }
        }
        "Metaspace" => {
            let rep = dec
                .get("replacement")
                .and_then(Value::as_str)
                .unwrap_or("\u{2581}");
            out.push(Step::Replace(rep.to_owned(), " ".to_owned()));
        }
        "BPEDecoder" => {
            let suffix = dec.get("suffix").and_then(Value::as_str).unwrap_or("</w>");
            out.push(Step::Replace(suffix.to_owned(), " ".to_owned()));
        }
        other => {
            return Err(VocabError::NotSupported(format!(
                "tokenizer decoder `{other}` (token bytes are only defined for byte-level, \
                 SentencePiece and raw decoders)"
            )))
        }
    }
    Ok(())
}

/// GPT-2's byte-to-unicode map, inverted: `char as u32` -> byte.
fn byte_level_table() -> [i16; 324] {
    let mut table = [-1i16; 324];
    let mut extra = 0u32;
    for b in 0u32..256 {
        let printable =
            (33..=126).contains(&b) || (161..=172).contains(&b) || (174..=255).contains(&b);
        let c = if printable {
            b
        } else {
            extra += 1;
            255 + extra
        };
        table[c as usize] = b as i16;
    }
    table
}

fn parse_byte_piece(s: &str) -> Option<u8> {
    let hex = s.strip_prefix("<0x")?.strip_suffix('>')?;
    if hex.len() != 2 {
        return None;
    }
    u8::from_str_radix(hex, 16).ok()
}

struct PieceDecoder {
    steps: Vec<Step>,
    table: [i16; 324],
}

impl PieceDecoder {
    fn bytes(&self, piece: &str) -> Vec<u8> {
        let mut s = std::borrow::Cow::Borrowed(piece);
        for step in &self.steps {
            match step {
                Step::ByteFallback => {
                    if let Some(b) = parse_byte_piece(&s) {
                        return vec![b];
                    }
                }
                Step::Replace(p, c) => {
                    if s.contains(p.as_str()) {
                        s = std::borrow::Cow::Owned(s.replace(p.as_str(), c));
                    }
                }
                Step::ByteLevel => {
                    // As the tokenizers library does: a piece with a character
                    // outside the map (an added token) stands for its UTF-8.
                    let mapped: Option<Vec<u8>> = s
                        .chars()
                        .map(|c| {
                            let i = c as usize;
                            (i < self.table.len() && self.table[i] >= 0)
                                .then(|| self.table[i] as u8)
                        })
                        .collect();
                    return mapped.unwrap_or_else(|| s.as_bytes().to_vec());
                }
            }
        }
        s.into_owned().into_bytes()
    }

    fn kind(&self) -> TokenizerKind {
        if self.steps.contains(&Step::ByteLevel) {
            TokenizerKind::ByteLevel
        } else if self.steps.iter().any(|s| {
            matches!(s, Step::ByteFallback) || matches!(s, Step::Replace(p, _) if p == "\u{2581}")
        }) {
            TokenizerKind::SentencePiece
        } else {
            TokenizerKind::Raw
        }
    }
}

fn set_piece(pieces: &mut Vec<Option<(String, bool)>>, id: usize, piece: String, special: bool) {
    if pieces.len() <= id {
        pieces.resize(id + 1, None);
    }
    pieces[id] = Some((piece, special));
}

const MAX_IDS: usize = 1 << 26;

fn checked_id(v: &Value, context: &str) -> Result<usize, VocabError> {
    let id = v.as_u64().ok_or_else(|| {
        VocabError::format(
            context,
            format!("token id {v} is not a non-negative integer"),
        )
    })?;
    if id as usize >= MAX_IDS {
        return Err(VocabError::TooLarge(format!("token id {id} in {context}")));
    }
    Ok(id as usize)
}

impl Vocabulary {
    /// Builds a vocabulary from the text of a Hugging Face `tokenizer.json`.
    pub fn from_tokenizer_json(json: &str, opts: &HfOptions) -> Result<Vocabulary, VocabError> {
        let root: Value = serde_json::from_str(json)
            .map_err(|e| VocabError::format("tokenizer.json", e.to_string()))?;
        let model = root
            .get("model")
            .ok_or_else(|| VocabError::format("tokenizer.json", "no `model`"))?;
        let model_type = model.get("type").and_then(Value::as_str).unwrap_or("BPE");
        let mut pieces: Vec<Option<(String, bool)>> = Vec::new();
        match (model_type, model.get("vocab")) {
            ("BPE" | "WordLevel", Some(Value::Object(map))) => {
                pieces.reserve(map.len());
                for (piece, id) in map {
                    let id = checked_id(id, "model.vocab")?;
                    set_piece(&mut pieces, id, piece.clone(), false);
                }
            }
            ("Unigram", Some(Value::Array(items))) => {
                for (id, item) in items.iter().enumerate() {
                    let piece = item.get(0).and_then(Value::as_str).ok_or_else(|| {
                        VocabError::format(
                            "model.vocab",
                            format!("entry {id} is not [piece, score]"),
                        )
                    })?;
                    set_piece(&mut pieces, id, piece.to_owned(), false);
                }
            }
            ("WordPiece", _) => {
                return Err(VocabError::NotSupported(
                    "WordPiece tokenizers (their pieces have no fixed bytes)".into(),
                ))
            }
            (other, _) => {
                return Err(VocabError::NotSupported(format!(
                    "tokenizer model `{other}`"
                )))
            }
        }
        if let Some(added) = root.get("added_tokens").and_then(Value::as_array) {
            for a in added {
                let id = checked_id(a.get("id").unwrap_or(&Value::Null), "added_tokens")?;
                let content = a.get("content").and_then(Value::as_str).ok_or_else(|| {
                    VocabError::format("added_tokens", format!("token {id} has no content"))
                })?;
                let special = a.get("special").and_then(Value::as_bool).unwrap_or(false);
                set_piece(&mut pieces, id, content.to_owned(), special);
            }
        }

        let mut steps = Vec::new();
        decoder_steps(root.get("decoder").unwrap_or(&Value::Null), &mut steps)?;
        let dec = PieceDecoder {
            steps,
            table: byte_level_table(),
        };

        let mut eos = resolve_eos(&pieces, opts)?;
        for &id in &opts.extra_eos_token_ids {
            if !eos.contains(&id) {
                eos.push(id);
            }
        }
        let tokens: Vec<TokenSpec> = pieces
            .into_iter()
            .map(|p| match p {
                None => TokenSpec::Missing,
                Some((s, true)) => TokenSpec::Special(s),
                Some((s, false)) => TokenSpec::Normal(dec.bytes(&s)),
            })
            .collect();
        Vocabulary::new(tokens, &eos, opts.vocab_size, dec.kind())
    }

    /// Loads a Hugging Face tokenizer from a folder or a `tokenizer.json` path.
    ///
    /// Beside the file, `tokenizer_config.json` / `special_tokens_map.json`
    /// name the EOS token, `generation_config.json` may add EOS ids, and a
    /// model's `config.json` gives the logits width (`vocab_size`). Explicit
    /// options win over all of them.
    pub fn from_hf_path(path: &Path, opts: &HfOptions) -> Result<Vocabulary, VocabError> {
        let (file, dir): (PathBuf, PathBuf) = if path.is_dir() {
            (path.join("tokenizer.json"), path.to_path_buf())
        } else {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (path.to_path_buf(), dir)
        };
        let json = std::fs::read_to_string(&file).map_err(|source| VocabError::Io {
            path: file.display().to_string(),
            source,
        })?;
        let mut opts = opts.clone();
        if opts.eos_token_ids.is_none() && opts.eos_tokens.is_empty() {
            for name in ["tokenizer_config.json", "special_tokens_map.json"] {
                if let Some(cfg) = read_json_opt(&dir.join(name))? {
                    if let Some(eos) = cfg.get("eos_token").and_then(token_name) {
                        opts.eos_tokens.push(eos);
                        break;
                    }
                }
            }
        }
        if opts.eos_token_ids.is_none() {
            if let Some(gen) = read_json_opt(&dir.join("generation_config.json"))? {
                collect_ids(gen.get("eos_token_id"), &mut opts.extra_eos_token_ids);
            }
        }
        if opts.vocab_size.is_none() {
            if let Some(cfg) = read_json_opt(&dir.join("config.json"))? {
                let v = cfg
                    .get("vocab_size")
                    .or_else(|| cfg.get("text_config").and_then(|t| t.get("vocab_size")));
                opts.vocab_size = v.and_then(Value::as_u64).map(|v| v as usize);
            }
        }
        Vocabulary::from_tokenizer_json(&json, &opts)
    }
}

fn read_json_opt(path: &Path) -> Result<Option<Value>, VocabError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| VocabError::format(path.display().to_string(), e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(VocabError::Io {
            path: path.display().to_string(),
            source,
        }),
    }
}

/// A token named in a config: a string, or `{"content": ...}`.
fn token_name(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("content").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

fn collect_ids(v: Option<&Value>, out: &mut Vec<TokenId>) {
    match v {
        Some(Value::Number(n)) => out.extend(n.as_u64().map(|x| x as TokenId)),
        Some(Value::Array(items)) => {
            out.extend(items.iter().filter_map(Value::as_u64).map(|x| x as TokenId))
        }
        _ => {}
    }
}

fn resolve_eos(
    pieces: &[Option<(String, bool)>],
    opts: &HfOptions,
) -> Result<Vec<TokenId>, VocabError> {
    if let Some(ids) = &opts.eos_token_ids {
        if ids.is_empty() {
            return Err(VocabError::Invalid("eos_token_ids is empty".into()));
        }
        return Ok(ids.clone());
    }
    let find = |name: &str| -> Option<TokenId> {
        // A special token of that name first, then any piece spelled that way.
        let pos = |want_special: bool| {
            pieces
                .iter()
                .position(|p| matches!(p, Some((s, sp)) if s == name && (*sp || !want_special)))
        };
        pos(true).or_else(|| pos(false)).map(|i| i as TokenId)
    };
    if !opts.eos_tokens.is_empty() {
        return opts
            .eos_tokens
            .iter()
            .map(|n| {
                find(n).ok_or_else(|| {
                    VocabError::Invalid(format!("the EOS token `{n}` is not in the vocabulary"))
                })
            })
            .collect();
    }
    for guess in EOS_GUESSES {
        if let Some(id) = find(guess) {
            return Ok(vec![id]);
        }
    }
    Err(VocabError::NoEos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::TokenKind;

    #[test]
    fn byte_level_table_is_gpt2s() {
        let t = byte_level_table();
        assert_eq!(t['Ġ' as usize], b' ' as i16);
        assert_eq!(t['Ċ' as usize], b'\n' as i16);
        assert_eq!(t['!' as usize], b'!' as i16);
        assert_eq!(t['Ā' as usize], 0);
        assert_eq!(t[0x121], 0x7f); // 127 follows the 33 unprintable bytes 0..=32
        assert_eq!(t['ł' as usize], 0xa0);
        assert_eq!(t['Ń' as usize], 0xad);
        assert_eq!(t.iter().filter(|&&b| b >= 0).count(), 256);
    }

    #[test]
    fn byte_fallback_piece() {
        assert_eq!(parse_byte_piece("<0x0A>"), Some(10));
        assert_eq!(parse_byte_piece("<0xff>"), Some(255));
        assert_eq!(parse_byte_piece("<0x0A"), None);
        assert_eq!(parse_byte_piece("<0x123>"), None);
    }

    const SP_JSON: &str = r#"{
        "model": {"type": "BPE", "byte_fallback": true,
                  "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "<0x0A>": 3, "▁a": 4, "b▁c": 5}},
        "added_tokens": [
            {"id": 0, "content": "<unk>", "special": true},
            {"id": 1, "content": "<s>", "special": true},
            {"id": 2, "content": "</s>", "special": true},
            {"id": 8, "content": "<tool>", "special": false}
        ],
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
    }"#;

    #[test]
    fn sentencepiece_json() {
        let v = Vocabulary::from_tokenizer_json(SP_JSON, &HfOptions::default()).unwrap();
        assert_eq!(v.tokenizer_kind(), TokenizerKind::SentencePiece);
        assert_eq!(v.eos_token_ids(), &[2]);
        assert_eq!(v.token_bytes(3), Some(&b"\n"[..]));
        assert_eq!(v.token_bytes(4), Some(&b" a"[..]));
        assert_eq!(v.token_bytes(5), Some(&b"b c"[..]));
        assert_eq!(v.token_bytes(8), Some(&b"<tool>"[..]));
        assert_eq!(v.kind(6), TokenKind::Missing);
        assert_eq!(v.kind(1), TokenKind::Special);
        assert_eq!(v.n_ids(), 9);
    }

    #[test]
    fn eos_options() {
        let by_name = HfOptions {
            eos_tokens: vec!["<s>".into()],
            ..Default::default()
        };
        let v = Vocabulary::from_tokenizer_json(SP_JSON, &by_name).unwrap();
        assert_eq!(v.eos_token_ids(), &[1]);
        let missing = HfOptions {
            eos_tokens: vec!["<nope>".into()],
            ..Default::default()
        };
        assert!(Vocabulary::from_tokenizer_json(SP_JSON, &missing).is_err());
        let padded = HfOptions {
            vocab_size: Some(64),
            ..Default::default()
        };
        let v = Vocabulary::from_tokenizer_json(SP_JSON, &padded).unwrap();
        assert_eq!(v.vocab_size(), 64);
        assert_eq!(v.mask_words(), 2);
    }

    #[test]
    fn byte_level_json_and_errors() {
        let json = r#"{"model": {"type": "BPE", "vocab": {"Ġhi": 0, "Ċ": 1, "ðŁ": 2, "<|endoftext|>": 3}},
            "added_tokens": [{"id": 3, "content": "<|endoftext|>", "special": true},
                             {"id": 4, "content": "a b", "special": false}],
            "decoder": {"type": "ByteLevel"}}"#;
        let v = Vocabulary::from_tokenizer_json(json, &HfOptions::default()).unwrap();
        assert_eq!(v.tokenizer_kind(), TokenizerKind::ByteLevel);
        assert_eq!(v.token_bytes(0), Some(&b" hi"[..]));
        assert_eq!(v.token_bytes(1), Some(&b"\n"[..]));
        assert_eq!(v.token_bytes(2), Some(&b"\xf0\x9f"[..]));
        assert_eq!(v.token_bytes(4), Some(&b"a b"[..]));
        assert_eq!(v.eos_token_ids(), &[3]);

        let bad = r#"{"model": {"type": "WordPiece", "vocab": {}}}"#;
        let err = Vocabulary::from_tokenizer_json(bad, &HfOptions::default()).unwrap_err();
        assert!(
            err.to_string().starts_with("not supported: WordPiece"),
            "{err}"
        );
        let err = Vocabulary::from_tokenizer_json("{", &HfOptions::default()).unwrap_err();
        assert!(matches!(err, VocabError::Format { .. }));
        let no_eos = r#"{"model": {"type": "BPE", "vocab": {"a": 0}}}"#;
        let err = Vocabulary::from_tokenizer_json(no_eos, &HfOptions::default()).unwrap_err();
        assert!(matches!(err, VocabError::NoEos));
    }
}
