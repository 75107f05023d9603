//! DNS records as typed and as checked, and the zone-wide rules over them. The rules are plain
//! functions, tested without a database: names (LDH labels, IDNA, lengths, inside the zone),
//! TTL bounds, each type's value, CNAME exclusivity, no CNAME at the apex, duplicates.

use std::net::{Ipv4Addr, Ipv6Addr};

use kernel::FieldError;
use kernel::ids::AgencyId;
use kernel::validate::Checker;
use serde::Deserialize;

kernel::id_type!(
    /// A DNS record.
    RecordId
);

kernel::text_enum! {
    /// The record types the zone holds.
    pub enum RecordType {
        /// An IPv4 address.
        A = "A",
        /// An IPv6 address.
        Aaaa = "AAAA",
        /// Another name for a host.
        Cname = "CNAME",
        /// A mail exchanger.
        Mx = "MX",
        /// Text (SPF, DMARC, verification tokens).
        Txt = "TXT",
        /// Which certificate authorities may issue for the name.
        Caa = "CAA",
        /// A service's host and port.
        Srv = "SRV",
        /// A delegation of a subdomain to other name servers.
        Ns = "NS",
    }
}

/// The shortest TTL accepted, in seconds: a minute.
pub const TTL_MIN: i32 = 60;
/// The longest: a week.
pub const TTL_MAX: i32 = 604_800;
/// The TTL of a record that names none.
pub const TTL_DEFAULT: i32 = 3600;

/// A record as typed in the form or sent to the API: text, so that every mistake can be named.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordDraft {
    /// The agency the name belongs to.
    #[serde(default)]
    pub agency_id: String,
    /// The name inside the zone: `dinkes`, `_dmarc`, `@` for the zone's apex; a full name
    /// ending in the zone's domain is taken too.
    #[serde(default)]
    pub name: String,
    /// `A`, `AAAA`, `CNAME`, `MX`, `TXT`, `CAA`, `SRV` or `NS`.
    #[serde(default)]
    pub rtype: String,
    /// As in a zone file: `203.0.113.10`, `10 mail.sukamajukab.go.id`, `0 issue "letsencrypt.org"`.
    #[serde(default)]
    pub value: String,
    /// Seconds (60 to 604800); empty for 3600.
    #[serde(default)]
    pub ttl: String,
    /// The decision or request it rests on (`Keputusan Kepala Dinas Nomor 12 Tahun 2026`).
    #[serde(default)]
    pub basis: String,
}

/// A record, checked: its name relative to the zone (`@` for the apex), in lower-case ASCII,
/// and its value as a zone file writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The agency the name belongs to.
    pub agency_id: AgencyId,
    /// Relative to the zone, `@` for the apex.
    pub name: String,
    /// Its type.
    pub rtype: RecordType,
    /// As a zone file writes it (TXT without its quotes).
    pub value: String,
    /// Seconds.
    pub ttl: i32,
    /// The decision or request it rests on.
    pub basis: String,
}

/// A label a host name may have: letters, digits and hyphens, not at either end, 1–63 long.
pub(crate) fn ldh(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// A label of an owner name: a host label, `_service` labels of SRV, TXT and the like, and a
/// leading `*` for a wildcard.
fn owner_label(label: &str, first: bool) -> bool {
    (first && label == "*") || ldh(label) || label.strip_prefix('_').is_some_and(ldh)
}

/// A name in lower-case ASCII, international names as punycode (IDNA 2008, UTS 46).
fn ascii(name: &str) -> Option<String> {
    if name.is_ascii() {
        return Some(name.to_ascii_lowercase());
    }
    idna::domain_to_ascii(name).ok()
}

/// Last labels of names that lie under a public domain, not inside the zone.
const PUBLIC_ENDINGS: [&str; 10] = [
    "id", "com", "net", "org", "info", "biz", "co", "gov", "edu", "app",
];

/// The owner name relative to the zone `apex`: `@` for the apex itself. A full name (ending in
/// a dot, or in a public domain's ending such as `.go.id` or `.com`) must lie inside the zone.
/// The message key says what is wrong.
pub fn relative_name(name: &str, apex: &str) -> Result<String, &'static str> {
    let trimmed = name.trim();
    let absolute = trimmed.ends_with('.') && trimmed != ".";
    let name = trimmed.trim_end_matches('.');
    if name.is_empty() || name == "@" {
        return Ok("@".into());
    }
    let name = ascii(name).ok_or("error-dns-name")?;
    if name == apex {
        return Ok("@".into());
    }
    let relative = match name.strip_suffix(&format!(".{apex}")) {
        Some(inside) => inside.to_owned(),
        None if absolute => return Err("error-dns-outside"),
        None if name.contains('.')
            && name
                .rsplit('.')
                .next()
                .is_some_and(|last| PUBLIC_ENDINGS.contains(&last)) =>
        {
            return Err("error-dns-outside");
        }
        None => name,
    };
    let labels: Vec<&str> = relative.split('.').collect();
    if !labels
        .iter()
        .enumerate()
        .all(|(i, l)| owner_label(l, i == 0))
    {
        return Err("error-dns-name");
    }
    if relative.len() + 1 + apex.len() > 253 {
        return Err("error-dns-name-long");
    }
    Ok(relative)
}

/// A host name a record points at (CNAME, MX, NS, SRV targets), absolute with its final dot.
/// A name without a dot is taken inside the zone.
fn host(text: &str, apex: &str) -> Option<String> {
    let text = text.trim();
    let absolute = text.ends_with('.');
    let name = ascii(text.trim_end_matches('.'))?;
    if name.is_empty() || name.len() > 253 || !name.split('.').all(ldh) {
        return None;
    }
    Some(if absolute || name.contains('.') {
        format!("{name}.")
    } else {
        format!("{name}.{apex}.")
    })
}

fn number(text: &str, max: u32) -> Option<u32> {
    text.parse::<u32>().ok().filter(|n| *n <= max)
}

/// TXT strings of at most 255 octets each (RFC 1035 3.3.14), cut where a character ends.
pub fn txt_strings(text: &str) -> Vec<String> {
    let mut parts = vec![];
    let mut part = String::new();
    for ch in text.chars() {
        if part.len() + ch.len_utf8() > 255 {
            parts.push(std::mem::take(&mut part));
        }
        part.push(ch);
    }
    parts.push(part);
    parts
}

/// Text as a zone file quotes it: backslashes and quotes escaped, cut into strings of at
/// most 255 bytes (a TXT string's limit) on character boundaries.
pub fn quoted(text: &str) -> String {
    txt_strings(text)
        .iter()
        .map(|p| format!("\"{}\"", p.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A record's value checked for its type and written as a zone file writes it; the message
/// key says what is wrong.
pub fn canonical_value(rtype: RecordType, value: &str, apex: &str) -> Result<String, &'static str> {
    let v = value.trim();
    let parts: Vec<&str> = v.split_whitespace().collect();
    match rtype {
        RecordType::A => v
            .parse::<Ipv4Addr>()
            .map(|a| a.to_string())
            .map_err(|_| "error-dns-ipv4"),
        RecordType::Aaaa => v
            .parse::<Ipv6Addr>()
            .map(|a| a.to_string())
            .map_err(|_| "error-dns-ipv6"),
        RecordType::Cname | RecordType::Ns => host(v, apex).ok_or("error-dns-host"),
        RecordType::Mx => match parts.as_slice() {
            [pref, target] => match (number(pref, 65_535), host(target, apex)) {
                (Some(p), Some(h)) => Ok(format!("{p} {h}")),
                _ => Err("error-dns-mx"),
            },
            _ => Err("error-dns-mx"),
        },
        RecordType::Srv => match parts.as_slice() {
            [priority, weight, port, target] => {
                let target = if *target == "." {
                    Some(".".to_owned())
                } else {
                    host(target, apex)
                };
                match (
                    number(priority, 65_535),
                    number(weight, 65_535),
                    number(port, 65_535),
                    target,
                ) {
                    (Some(p), Some(w), Some(o), Some(t)) => Ok(format!("{p} {w} {o} {t}")),
                    _ => Err("error-dns-srv"),
                }
            }
            _ => Err("error-dns-srv"),
        },
        RecordType::Txt => {
            // Kept as typed, without the quotes a zone file adds (a value typed with them has
            // them taken off).
            let text = v
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .unwrap_or(v);
            if text.is_empty() {
                Err("error-required")
            } else if text.len() > 2000 {
                Err("error-dns-txt-long")
            } else {
                Ok(text.to_owned())
            }
        }
        RecordType::Caa => match parts.as_slice() {
            [flags, tag, rest @ ..] if !rest.is_empty() => {
                let value = rest.join(" ");
                let value = value.trim_matches('"');
                let tag = tag.to_ascii_lowercase();
                match (number(flags, 255), tag.as_str()) {
                    (Some(f), "issue" | "issuewild" | "iodef")
                        if !value.contains('"') && !value.is_empty() =>
                    {
                        Ok(format!("{f} {tag} \"{value}\""))
                    }
                    _ => Err("error-dns-caa"),
                }
            }
            _ => Err("error-dns-caa"),
        },
    }
}

/// Checks every field against the zone `apex` and returns every problem at once, in the
/// form's order.
pub fn validate(d: &RecordDraft, apex: &str) -> Result<Record, Vec<FieldError>> {
    let mut c = Checker::default();
    let agency_id = if d.agency_id.trim().is_empty() {
        c.push(FieldError::new("agency_id", "error-choose"));
        None
    } else {
        let id = AgencyId::parse(d.agency_id.trim());
        if id.is_none() {
            c.push(FieldError::new("agency_id", "error-agency-unknown"));
        }
        id
    };
    let name = match relative_name(&d.name, apex) {
        Ok(n) => Some(n),
        Err(key) => {
            c.push(FieldError::new("name", key).arg("zone", apex));
            None
        }
    };
    let rtype = c.choice::<RecordType>("rtype", &d.rtype.trim().to_ascii_uppercase());
    let value = match rtype {
        Some(_) if d.value.trim().is_empty() => {
            c.push(FieldError::new("value", "error-required"));
            None
        }
        Some(t) => match canonical_value(t, &d.value, apex) {
            Ok(v) => Some(v),
            Err(key) => {
                c.push(FieldError::new("value", key));
                None
            }
        },
        None => None,
    };
    let ttl = match d.ttl.trim() {
        "" => Some(TTL_DEFAULT),
        t => match t.parse::<i32>() {
            Ok(n) if (TTL_MIN..=TTL_MAX).contains(&n) => Some(n),
            _ => {
                c.push(
                    FieldError::new("ttl", "error-number")
                        .arg("min", TTL_MIN)
                        .arg("max", TTL_MAX),
                );
                None
            }
        },
    };
    let basis = c.text("basis", &d.basis, 300);
    if let (Some("@"), Some(RecordType::Cname | RecordType::Ns)) = (name.as_deref(), rtype) {
        c.push(FieldError::new("rtype", "error-dns-apex"));
    }
    match (c.errors.is_empty(), agency_id, name, rtype, value, ttl) {
        (true, Some(agency_id), Some(name), Some(rtype), Some(value), Some(ttl)) => Ok(Record {
            agency_id,
            name,
            rtype,
            value,
            ttl,
            basis,
        }),
        _ => Err(c.errors),
    }
}

/// A record already in the zone, as the zone-wide rules see it.
#[derive(Debug, Clone)]
pub struct Existing {
    /// Its id.
    pub id: RecordId,
    /// Relative to the zone.
    pub name: String,
    /// Its type.
    pub rtype: RecordType,
    /// As stored.
    pub value: String,
}

/// The zone-wide rules for `new` among the records already at its name (`same_name`, without
/// the record being corrected): a CNAME stands alone at its name, and no record is there
/// twice. Each error names the record in the way.
pub fn conflicts(new: &Record, same_name: &[Existing]) -> Vec<FieldError> {
    let mut errors = vec![];
    let shown = |e: &Existing| format!("{} {} {}", e.name, e.rtype.as_str(), e.value);
    if let Some(e) = same_name
        .iter()
        .find(|e| e.rtype == new.rtype && e.value == new.value)
    {
        errors.push(FieldError::new("value", "error-dns-duplicate").arg("record", shown(e)));
    } else if new.rtype == RecordType::Cname {
        if let Some(e) = same_name.first() {
            errors.push(FieldError::new("name", "error-dns-cname-alone").arg("record", shown(e)));
        }
    } else if let Some(e) = same_name.iter().find(|e| e.rtype == RecordType::Cname) {
        errors.push(FieldError::new("name", "error-dns-cname-taken").arg("record", shown(e)));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    const APEX: &str = "sukamajukab.go.id";

    fn draft(name: &str, rtype: &str, value: &str) -> RecordDraft {
        RecordDraft {
            agency_id: AgencyId::new().to_string(),
            name: name.into(),
            rtype: rtype.into(),
            value: value.into(),
            ttl: String::new(),
            basis: "Keputusan Kepala Dinas Nomor 12 Tahun 2026".into(),
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<(String, &'static str)> {
        e.into_iter().map(|e| (e.field, e.key)).collect()
    }

    #[test]
    fn names_are_made_relative_to_the_zone_in_ascii() {
        assert_eq!(relative_name("@", APEX), Ok("@".into()));
        assert_eq!(relative_name("sukamajukab.go.id.", APEX), Ok("@".into()));
        assert_eq!(relative_name("DinKes", APEX), Ok("dinkes".into()));
        assert_eq!(
            relative_name("ppid.dinkes.sukamajukab.go.id", APEX),
            Ok("ppid.dinkes".into())
        );
        assert_eq!(relative_name("_dmarc", APEX), Ok("_dmarc".into()));
        assert_eq!(relative_name("_sip._tcp", APEX), Ok("_sip._tcp".into()));
        assert_eq!(relative_name("*.dev", APEX), Ok("*.dev".into()));
        assert_eq!(
            relative_name("pariwisata-sukamaju", APEX),
            Ok("pariwisata-sukamaju".into())
        );
        assert_eq!(relative_name("bücher", APEX), Ok("xn--bcher-kva".into()));
        assert_eq!(relative_name("-dinkes", APEX), Err("error-dns-name"));
        assert_eq!(relative_name("dinkes_", APEX), Err("error-dns-name"));
        assert_eq!(relative_name("a..b", APEX), Err("error-dns-name"));
        assert_eq!(relative_name("x.*", APEX), Err("error-dns-name"));
        assert_eq!(relative_name(&"a".repeat(64), APEX), Err("error-dns-name"));
        let long = vec!["a".repeat(60); 4].join(".");
        assert_eq!(relative_name(&long, APEX), Err("error-dns-name-long"));
        assert_eq!(
            relative_name("dinkes.tetanggakab.go.id", APEX),
            Err("error-dns-outside")
        );
    }

    #[test]
    fn each_type_takes_its_own_value_and_writes_it_as_a_zone_file_does() {
        let ok = |t, v: &str| canonical_value(t, v, APEX);
        assert_eq!(
            ok(RecordType::A, " 203.0.113.10 "),
            Ok("203.0.113.10".into())
        );
        assert_eq!(ok(RecordType::A, "203.0.113.256"), Err("error-dns-ipv4"));
        assert_eq!(
            ok(RecordType::Aaaa, "2001:DB8:0:0::1"),
            Ok("2001:db8::1".into())
        );
        assert_eq!(ok(RecordType::Aaaa, "203.0.113.1"), Err("error-dns-ipv6"));
        assert_eq!(
            ok(RecordType::Cname, "web"),
            Ok("web.sukamajukab.go.id.".into())
        );
        assert_eq!(
            ok(RecordType::Cname, "Portal.Example.com."),
            Ok("portal.example.com.".into())
        );
        assert_eq!(
            ok(RecordType::Cname, "203.0.113.1 x"),
            Err("error-dns-host")
        );
        assert_eq!(
            ok(RecordType::Mx, "10 mail.sukamajukab.go.id"),
            Ok("10 mail.sukamajukab.go.id.".into())
        );
        assert_eq!(
            ok(RecordType::Mx, "mail.sukamajukab.go.id"),
            Err("error-dns-mx")
        );
        assert_eq!(ok(RecordType::Mx, "70000 mail"), Err("error-dns-mx"));
        assert_eq!(
            ok(RecordType::Srv, "10 5 5060 sip"),
            Ok("10 5 5060 sip.sukamajukab.go.id.".into())
        );
        assert_eq!(ok(RecordType::Srv, "10 5 sip"), Err("error-dns-srv"));
        assert_eq!(
            ok(RecordType::Txt, "\"v=spf1 mx -all\""),
            Ok("v=spf1 mx -all".into())
        );
        assert_eq!(
            ok(RecordType::Caa, "0 issue letsencrypt.org"),
            Ok("0 issue \"letsencrypt.org\"".into())
        );
        assert_eq!(
            ok(RecordType::Caa, "0 issues letsencrypt.org"),
            Err("error-dns-caa")
        );
        assert_eq!(ok(RecordType::Ns, "ns1.dinkes"), Ok("ns1.dinkes.".into()));
    }

    #[test]
    fn text_longer_than_a_string_is_split_and_quotes_are_escaped() {
        let long = "a".repeat(300);
        let q = quoted(&long);
        assert_eq!(q.matches('"').count(), 4, "two strings: {q}");
        assert_eq!(quoted(r#"say "hi" \o/"#), r#""say \"hi\" \\o/""#);
    }

    #[test]
    fn every_bad_field_is_named_at_once_and_the_apex_takes_no_cname() {
        let mut d = draft("-x", "MX", "mail");
        d.ttl = "5".into();
        d.agency_id = String::new();
        d.basis = " ".into();
        let e = fields(validate(&d, APEX).unwrap_err());
        let named: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(named, ["agency_id", "name", "value", "ttl", "basis"]);
        let e = fields(validate(&draft("@", "CNAME", "web"), APEX).unwrap_err());
        assert_eq!(e, [("rtype".to_owned(), "error-dns-apex")]);
        let ok = validate(&draft("Dinkes", "a", "203.0.113.10"), APEX).unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.rtype, ok.ttl),
            ("dinkes", RecordType::A, TTL_DEFAULT)
        );
    }

    #[test]
    fn a_cname_stands_alone_and_nothing_is_recorded_twice() {
        let rec = |t, v: &str| Existing {
            id: RecordId::new(),
            name: "dinkes".into(),
            rtype: t,
            value: v.into(),
        };
        let new = |t, v: &str| validate(&draft("dinkes", t, v), APEX).unwrap();
        let a = [rec(RecordType::A, "203.0.113.10")];
        assert_eq!(
            fields(conflicts(&new("A", "203.0.113.10"), &a)),
            [("value".to_owned(), "error-dns-duplicate")]
        );
        assert!(
            conflicts(&new("A", "203.0.113.11"), &a).is_empty(),
            "two addresses for one name"
        );
        assert_eq!(
            fields(conflicts(&new("CNAME", "web"), &a)),
            [("name".to_owned(), "error-dns-cname-alone")]
        );
        let c = [rec(RecordType::Cname, "web.sukamajukab.go.id.")];
        assert_eq!(
            fields(conflicts(&new("TXT", "x"), &c)),
            [("name".to_owned(), "error-dns-cname-taken")]
        );
        let e = conflicts(&new("TXT", "x"), &c);
        assert!(
            e[0].args
                .iter()
                .any(|(_, v)| v.contains("dinkes CNAME web.sukamajukab.go.id.")),
            "{e:?}"
        );
    }
}
