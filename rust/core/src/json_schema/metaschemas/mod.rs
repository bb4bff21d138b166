//! The official meta-schemas of drafts 4, 6, 7, 2019-09 and 2020-12 (with
//! their vocabulary schemas), bundled so that a `$ref` to a draft's
//! meta-schema resolves offline. Each is parsed the first time a schema
//! refers to it. The files are the documents published at json-schema.org,
//! written compactly; see `README.md` beside them.

use std::sync::OnceLock;

use serde_json::Value;

/// (URI without fragment, text) of each bundled document.
const BUNDLED: &[(&str, &str)] = &[
    (
        "http://json-schema.org/draft-04/schema",
        include_str!("draft4.json"),
    ),
    (
        "http://json-schema.org/draft-06/schema",
        include_str!("draft6.json"),
    ),
    (
        "http://json-schema.org/draft-07/schema",
        include_str!("draft7.json"),
    ),
    (
        "https://json-schema.org/draft/2019-09/schema",
        include_str!("draft201909/schema.json"),
    ),
    (
        "https://json-schema.org/draft/2019-09/meta/core",
        include_str!("draft201909/core.json"),
    ),
    (
        "https://json-schema.org/draft/2019-09/meta/applicator",
        include_str!("draft201909/applicator.json"),
    ),
    (
        "https://json-schema.org/draft/2019-09/meta/validation",
        include_str!("draft201909/validation.json"),
    ),
    (
        "https://json-schema.org/draft/2019-09/meta/meta-data",
        include_str!("draft201909/meta-data.json"),
    ),
    (
        "https://json-schema.org/draft/2019-09/meta/format",
        include_str!("draft201909/format.json"),
    ),
    (
        "https://json-schema.org/draft/2019-09/meta/content",
        include_str!("draft201909/content.json"),
    ),
    (
        "https://json-schema.org/draft/2020-12/schema",
        include_str!("draft202012/schema.json"),
    ),
    (
        "https://json-schema.org/draft/2020-12/meta/core",
        include_str!("draft202012/core.json"),
    ),
    (
        "https://json-schema.org/draft/2020-12/meta/applicator",
        include_str!("draft202012/applicator.json"),
    ),
    (
        "https://json-schema.org/draft/2020-12/meta/unevaluated",
        include_str!("draft202012/unevaluated.json"),
    ),
    (
        "https://json-schema.org/draft/2020-12/meta/validation",
        include_str!("draft202012/validation.json"),
    ),
    (
        "https://json-schema.org/draft/2020-12/meta/meta-data",
        include_str!("draft202012/meta-data.json"),
    ),
    (
        "https://json-schema.org/draft/2020-12/meta/format-annotation",
        include_str!("draft202012/format-annotation.json"),
    ),
    (
        "https://json-schema.org/draft/2020-12/meta/format-assertion",
        include_str!("draft202012/format-assertion.json"),
    ),
    (
        "https://json-schema.org/draft/2020-12/meta/content",
        include_str!("draft202012/content.json"),
    ),
];

static PARSED: [OnceLock<Value>; BUNDLED.len()] = [const { OnceLock::new() }; BUNDLED.len()];

/// The bundled document at `uri` (no fragment; `http` and `https` alike,
/// as schemas in the wild spell the draft URIs both ways).
pub fn bundled(uri: &str) -> Option<&'static Value> {
    let rest = |u: &'static str| u.split_once("://").map_or(u, |x| x.1);
    let want = uri.split_once("://").map_or(uri, |x| x.1);
    let i = BUNDLED.iter().position(|(u, _)| rest(u) == want)?;
    Some(PARSED[i].get_or_init(|| {
        // The files are checked by the tests below; a broken one would be
        // a build defect, so it reads as a schema that accepts anything.
        serde_json::from_str(BUNDLED[i].1).unwrap_or(Value::Bool(true))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_document_parses_and_names_its_uri() {
        for (uri, text) in BUNDLED {
            let v: Value = serde_json::from_str(text).unwrap();
            let id = v
                .get("$id")
                .or_else(|| v.get("id"))
                .and_then(Value::as_str)
                .unwrap();
            assert_eq!(id.trim_end_matches('#'), *uri);
            assert!(bundled(uri).is_some());
        }
        assert!(bundled("http://json-schema.org/draft/2020-12/schema").is_some());
        assert!(bundled("https://json-schema.org/draft/2020-12/nothing").is_none());
    }
}
