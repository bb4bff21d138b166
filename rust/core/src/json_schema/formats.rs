//! `format` as regular languages of decoded strings (regex-syntax dialect,
//! matched in full). Each is sound: every string it accepts is valid for
//! the format's RFC; a few valid but rare spellings are left out and named
//! here (leap seconds, IPv6 zone ids, URIs with IP-literal hosts, a
//! hostname of 253 characters followed by the root's `.`).

const DEC_OCTET: &str = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const H16: &str = r"[0-9A-Fa-f]{1,4}";
const PCT: &str = r"%[0-9A-Fa-f]{2}";
const UNRESERVED_SUB: &str = r"A-Za-z0-9\-._~!$&'()*+,;=";

fn ipv4() -> String {
    format!(r"{DEC_OCTET}(?:\.{DEC_OCTET}){{3}}")
}

fn ipv6() -> String {
    let ls32 = format!(r"(?:{H16}:{H16}|{})", ipv4());
    let h = format!("{H16}:");
    let alts = [
        format!("(?:{h}){{6}}{ls32}"),
        format!("::(?:{h}){{5}}{ls32}"),
        format!("(?:{H16})?::(?:{h}){{4}}{ls32}"),
        format!("(?:(?:{h}){{0,1}}{H16})?::(?:{h}){{3}}{ls32}"),
        format!("(?:(?:{h}){{0,2}}{H16})?::(?:{h}){{2}}{ls32}"),
        format!("(?:(?:{h}){{0,3}}{H16})?::{h}{ls32}"),
        format!("(?:(?:{h}){{0,4}}{H16})?::{ls32}"),
        format!("(?:(?:{h}){{0,5}}{H16})?::{H16}"),
        format!("(?:(?:{h}){{0,6}}{H16})?::"),
    ];
    format!("(?:{})", alts.join("|"))
}

fn date() -> String {
    let y = "[0-9]{4}";
    let d31 = "(?:0[1-9]|[12][0-9]|3[01])";
    let d30 = "(?:0[1-9]|[12][0-9]|30)";
    let d28 = "(?:0[1-9]|1[0-9]|2[0-8])";
    let leap = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)";
    format!("(?:{y}-(?:(?:0[13578]|1[02])-{d31}|(?:0[469]|11)-{d30}|02-{d28})|{leap}-02-29)")
}

fn time() -> String {
    // Seconds 00-59: a leap second (60) is valid only at 23:59:60 UTC, which
    // depends on the offset; it is left out.
    r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])".to_owned()
}

fn duration() -> String {
    let t = "T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S)";
    let d = "(?:[0-9]+D|[0-9]+M(?:[0-9]+D)?|[0-9]+Y(?:[0-9]+M(?:[0-9]+D)?)?)";
    format!("P(?:{d}(?:{t})?|{t}|[0-9]+W)")
}

fn hostname() -> String {
    let label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    format!(r"{label}(?:\.{label})*")
}

fn email() -> String {
    let atext = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
    let dot_atom = format!(r"{atext}(?:\.{atext})*");
    // RFC 5321 quoted string: printable ASCII but `"` and `\`, or a pair.
    let quoted = r#""(?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\[\x20-\x7E])*""#;
    let domain = format!(r"(?:{}|\[{}\]|\[IPv6:{}\])", hostname(), ipv4(), ipv6());
    format!("(?:{dot_atom}|{quoted})@{domain}")
}

/// RFC 3986 URI parts; `extra` adds characters to `pchar` (IRIs:
/// non-ASCII).
fn uri_parts(extra: &str) -> (String, String, String) {
    let pchar = format!(r"(?:[{UNRESERVED_SUB}:@{extra}]|{PCT})");
    let pchar_nc = format!(r"(?:[{UNRESERVED_SUB}@{extra}]|{PCT})");
    let segment = format!("{pchar}*");
    let userinfo = format!(r"(?:[{UNRESERVED_SUB}:{extra}]|{PCT})*");
    let reg_name = format!(r"(?:[{UNRESERVED_SUB}{extra}]|{PCT})*");
    let ip_future = format!(r"[vV][0-9A-Fa-f]+\.[{UNRESERVED_SUB}:]+");
    let host = format!(r"(?:\[(?:{}|{ip_future})\]|{reg_name})", ipv6());
    let authority = format!(r"(?:{userinfo}@)?{host}(?::[0-9]*)?");
    let abempty = format!("(?:/{segment})*");
    let absolute = format!("/(?:{pchar}+(?:/{segment})*)?");
    let rootless = format!("{pchar}+(?:/{segment})*");
    let noscheme = format!("{pchar_nc}+(?:/{segment})*");
    let tail = format!(r"(?:\?(?:{pchar}|[/?])*)?(?:#(?:{pchar}|[/?])*)?");
    let hier = format!("(?://{authority}{abempty}|{absolute}|{rootless}|)");
    let relative = format!("(?://{authority}{abempty}|{absolute}|{noscheme}|)");
    let absolute_uri = format!(r"[A-Za-z][A-Za-z0-9+.\-]*:{hier}{tail}");
    (absolute_uri, format!("{relative}{tail}"), tail)
}

fn uri() -> String {
    uri_parts("").0
}

fn uri_reference() -> String {
    let (abs, rel, _) = uri_parts("");
    format!("(?:{abs}|{rel})")
}

const UCS: &str = r"\x{A0}-\x{D7FF}\x{F900}-\x{FDCF}\x{FDF0}-\x{FFEF}\x{10000}-\x{EFFFD}";

fn iri() -> String {
    uri_parts(UCS).0
}

fn iri_reference() -> String {
    let (abs, rel, _) = uri_parts(UCS);
    format!("(?:{abs}|{rel})")
}

fn uri_template() -> String {
    let varchar = format!("(?:[A-Za-z0-9_]|{PCT})");
    let varname = format!(r"{varchar}(?:\.?{varchar})*");
    let varspec = format!(r"{varname}(?::[1-9][0-9]{{0,3}}|\*)?");
    // The operators RFC 6570 reserves for extensions (`=,!@|`) are left
    // out: processors may refuse them.
    let expr = format!(r"\{{[+#./;?&]?{varspec}(?:,{varspec})*\}}");
    let literal = r#"[^\x00-\x20"'%<>\\^`{|}]"#;
    format!("(?:{literal}|{PCT}|{expr})*")
}

/// The language of `format`, or `None` if corral does not know it.
pub fn format_regex(name: &str) -> Option<String> {
    Some(match name {
        "date" => date(),
        "time" => time(),
        "date-time" => format!("{}[Tt]{}", date(), time()),
        "duration" => duration(),
        "email" => email(),
        // A fully qualified name may end in the root's empty label.
        "hostname" => format!(r"{}\.?", hostname()),
        "ipv4" => ipv4(),
        "ipv6" => ipv6(),
        "uuid" => {
            "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}".to_owned()
        }
        "uri" => uri(),
        "uri-reference" => uri_reference(),
        "iri" => iri(),
        "iri-reference" => iri_reference(),
        "uri-template" => uri_template(),
        "json-pointer" => "(?:/(?:[^~/]|~[01])*)*".to_owned(),
        "relative-json-pointer" => "(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~[01])*)*)".to_owned(),
        _ => return None,
    })
}

/// The most characters a hostname may have.
pub const HOSTNAME_MAX: u32 = 253;

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta::Regex;

    fn full(name: &str) -> Regex {
        Regex::new(&format!("^(?:{})$", format_regex(name).unwrap())).unwrap()
    }

    #[test]
    fn formats_accept_and_reject() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "date",
                &["2024-02-29", "2023-12-31", "2000-02-29"],
                &[
                    "2023-02-29",
                    "1900-02-29",
                    "2023-04-31",
                    "2023-13-01",
                    "23-01-01",
                ],
            ),
            (
                "time",
                &["12:34:56Z", "23:59:59.123+05:30", "00:00:00z"],
                &["24:00:00Z", "12:34:56", "12:60:00Z"],
            ),
            (
                "date-time",
                &["2024-01-01T00:00:00Z", "2024-01-01t00:00:00+01:00"],
                &["2024-01-01 00:00:00Z"],
            ),
            (
                "duration",
                &["P1D", "PT1H30M", "P1Y2M3DT4H5M6S", "P4W"],
                &["P", "PT", "P1H", "1D"],
            ),
            (
                "email",
                &[
                    "a.b@example.com",
                    "x+y@host",
                    "\"joe bloggs\"@example.com",
                    "a@[127.0.0.1]",
                    "a@[IPv6:::1]",
                ],
                &["a@", "@b", "a..b@c"],
            ),
            (
                "ipv4",
                &["192.168.0.1", "0.0.0.0", "255.255.255.255"],
                &["256.1.1.1", "01.1.1.1", "1.1.1"],
            ),
            (
                "ipv6",
                &[
                    "::1",
                    "2001:db8::8a2e:370:7334",
                    "::ffff:192.0.2.1",
                    "1:2:3:4:5:6:7:8",
                    "::",
                ],
                &["1:2:3:4:5:6:7:8:9", ":::", "12345::"],
            ),
            (
                "uuid",
                &["123e4567-e89b-12d3-a456-426614174000"],
                &["123e4567e89b12d3a456426614174000"],
            ),
            (
                "uri",
                &[
                    "http://example.com/a?b=c#d",
                    "urn:isbn:123",
                    "mailto:a@b.c",
                    "ldap://[2001:db8::7]/c=GB?objectClass?one",
                    "http://x.com:8080/",
                ],
                &[
                    "//example.com",
                    "http://a b",
                    "1http://x",
                    "http://2001:0db8:85a3:0000:0000:8a2e:0370:7334",
                    "a#b#c",
                ],
            ),
            (
                "uri-reference",
                &["/a/b", "a/b?c", "#frag", "http://x.y/z", ""],
                &["a b", "1a:b"],
            ),
            ("json-pointer", &["", "/a/b", "/a~1b/~0"], &["a", "/~2"]),
            (
                "hostname",
                &["example.com", "example.com.", "a-b.c", "x"],
                &[".", "a..b", "-a.com", "a.com..", "a_b.com"],
            ),
        ];
        for (name, good, bad) in cases {
            let re = full(name);
            for g in *good {
                assert!(re.is_match(g), "{name}: {g}");
            }
            for b in *bad {
                assert!(!re.is_match(b), "{name}: {b}");
            }
        }
    }
}
