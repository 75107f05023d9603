//! Reading an existing zone file (RFC 1035 section 5, as BIND writes it) so that a Dinas starts
//! from the zone it runs today: `$ORIGIN` and `$TTL`, parentheses across lines, quoted strings,
//! comments, names relative to the origin, and an owner, TTL or class left out (taken from the
//! line before). Every line that cannot be taken is reported with its number and why.

use crate::model::RecordType;

/// One record read from the file, before the zone's own checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The line it starts on.
    pub line: usize,
    /// The owner as written, made absolute (`dinkes.sukamajukab.go.id.`).
    pub name: String,
    /// Its type.
    pub rtype: RecordType,
    /// Its data as written (quoted strings joined for TXT).
    pub value: String,
    /// Seconds.
    pub ttl: i32,
}

/// What the file says about the zone itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Soa {
    /// The apex's name servers.
    pub name_servers: Vec<String>,
    /// The SOA's contact (RNAME), serial and timers, when the file has a SOA.
    pub fields: Option<(String, i64, [i32; 4])>,
}

/// Why a line was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// A type the zone does not hold (`PTR`, `DNSKEY`, …).
    Type(String),
    /// A name outside the zone.
    Outside(String),
    /// Text the reader cannot make sense of.
    Unreadable(String),
}

/// Splits the file into logical lines (parentheses joined), each with its first line number,
/// its words (quoted strings kept as one word, quotes included), and whether it began with
/// blank space (no owner written).
fn logical_lines(text: &str) -> Vec<(usize, bool, Vec<String>)> {
    let mut out = vec![];
    let mut words: Vec<String> = vec![];
    let mut start = 0;
    let mut indented = false;
    let mut depth = 0usize;
    for (i, raw) in text.lines().enumerate() {
        if depth == 0 {
            start = i + 1;
            indented = raw.starts_with([' ', '\t']);
            words.clear();
        }
        let mut word = String::new();
        let mut quoted = false;
        let mut chars = raw.chars().peekable();
        while let Some(ch) = chars.next() {
            match ch {
                '\\' => {
                    word.push(ch);
                    if let Some(next) = chars.next() {
                        word.push(next);
                    }
                }
                '"' => {
                    word.push(ch);
                    quoted = !quoted;
                }
                ';' if !quoted => break,
                '(' if !quoted => depth += 1,
                ')' if !quoted => depth = depth.saturating_sub(1),
                c if c.is_whitespace() && !quoted => {
                    if !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                }
                c => word.push(c),
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
        if depth == 0 && !words.is_empty() {
            out.push((start, indented, std::mem::take(&mut words)));
        }
    }
    out
}

fn absolute(name: &str, origin: &str) -> String {
    match name {
        "@" => origin.to_owned(),
        n if n.ends_with('.') => n.to_ascii_lowercase(),
        n => format!("{}.{origin}", n.to_ascii_lowercase()),
    }
}

/// A TTL as BIND writes it: seconds, or `1h30m`, `2d`, `1w`.
fn ttl(text: &str) -> Option<i32> {
    if let Ok(n) = text.parse::<i32>() {
        return Some(n);
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    for ch in text.to_ascii_lowercase().chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let unit = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total += digits.parse::<i64>().ok()? * unit;
        digits.clear();
    }
    if !digits.is_empty() {
        return None;
    }
    i32::try_from(total).ok()
}

/// Quoted strings joined into the text they carry (`"a" "b"` → `ab`), escapes undone.
fn unquoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let inner = w
                .strip_prefix('"')
                .and_then(|w| w.strip_suffix('"'))
                .unwrap_or(w);
            inner.replace("\\\"", "\"").replace("\\\\", "\\")
        })
        .collect()
}

/// Reads `text` as the zone `apex`: the records, what it says about the zone, and every line
/// not taken.
pub fn read(text: &str, apex: &str) -> (Vec<Read>, Soa, Vec<(usize, Skipped)>) {
    let zone = format!("{apex}.");
    let mut origin = zone.clone();
    let mut default_ttl = 3600;
    let mut last_owner = zone.clone();
    let (mut records, mut soa, mut skipped) = (vec![], Soa::default(), vec![]);
    for (line, indented, words) in logical_lines(text) {
        let first = words.first().map(String::as_str).unwrap_or_default();
        match first.to_ascii_uppercase().as_str() {
            "$ORIGIN" => {
                match words.get(1) {
                    Some(o) => origin = absolute(o, &origin),
                    None => skipped.push((line, Skipped::Unreadable(words.join(" ")))),
                }
                continue;
            }
            "$TTL" => {
                match words.get(1).and_then(|t| ttl(t)) {
                    Some(t) => default_ttl = t,
                    None => skipped.push((line, Skipped::Unreadable(words.join(" ")))),
                }
                continue;
            }
            d if d.starts_with('$') => {
                skipped.push((line, Skipped::Unreadable(words.join(" "))));
                continue;
            }
            _ => {}
        }
        let mut rest: &[String] = &words;
        let owner = if indented {
            last_owner.clone()
        } else {
            let (o, r) = rest
                .split_first()
                .map(|(o, r)| (o.clone(), r))
                .unwrap_or_default();
            rest = r;
            absolute(&o, &origin)
        };
        last_owner = owner.clone();
        // TTL and class, in either order, both optional.
        let mut record_ttl = default_ttl;
        for _ in 0..2 {
            match rest.first() {
                Some(w) if w.eq_ignore_ascii_case("IN") => rest = rest.get(1..).unwrap_or_default(),
                Some(w) if w.bytes().next().is_some_and(|b| b.is_ascii_digit()) => match ttl(w) {
                    Some(t) => {
                        record_ttl = t;
                        rest = rest.get(1..).unwrap_or_default();
                    }
                    None => break,
                },
                _ => break,
            }
        }
        let Some((kind, data)) = rest.split_first() else {
            skipped.push((line, Skipped::Unreadable(words.join(" "))));
            continue;
        };
        let kind = kind.to_ascii_uppercase();
        if owner != zone && !owner.ends_with(&format!(".{zone}")) {
            skipped.push((
                line,
                Skipped::Outside(owner.trim_end_matches('.').to_owned()),
            ));
            continue;
        }
        match kind.as_str() {
            "SOA" => match data {
                [_mname, rname, serial, refresh, retry, expire, minimum] => {
                    let timers = [refresh, retry, expire, minimum].map(|t| ttl(t));
                    match (serial.parse::<i64>(), timers) {
                        (Ok(s), [Some(a), Some(b), Some(c), Some(d)]) => {
                            soa.fields = Some((absolute(rname, &origin), s, [a, b, c, d]));
                        }
                        _ => skipped.push((line, Skipped::Unreadable(words.join(" ")))),
                    }
                }
                _ => skipped.push((line, Skipped::Unreadable(words.join(" ")))),
            },
            "NS" if owner == zone => match data {
                [ns] => soa.name_servers.push(absolute(ns, &origin)),
                _ => skipped.push((line, Skipped::Unreadable(words.join(" ")))),
            },
            _ => match RecordType::parse(&kind) {
                Some(rtype) => {
                    let value = match rtype {
                        RecordType::Txt => unquoted(data),
                        RecordType::Cname | RecordType::Ns => data
                            .first()
                            .map(|h| absolute(h, &origin))
                            .unwrap_or_default(),
                        RecordType::Mx => match data {
                            [pref, host] => format!("{pref} {}", absolute(host, &origin)),
                            _ => data.join(" "),
                        },
                        RecordType::Srv => match data {
                            [p, w, port, host] if host != "." => {
                                format!("{p} {w} {port} {}", absolute(host, &origin))
                            }
                            _ => data.join(" "),
                        },
                        _ => data.join(" "),
                    };
                    records.push(Read {
                        line,
                        name: owner,
                        rtype,
                        value,
                        ttl: record_ttl,
                    });
                }
                None => skipped.push((line, Skipped::Type(kind))),
            },
        }
    }
    (records, soa, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONE: &str = r#"; the Dinas's zone, as BIND keeps it
$ORIGIN sukamajukab.go.id.
$TTL 1h
@   IN SOA ns1 hostmaster (
        2026010101 ; serial
        3600 900 2w 300 )
    IN NS  ns1
    IN NS  ns2.sukamajukab.go.id.
    IN MX  10 mail
    IN TXT "v=spf1 mx " "-all"
ns1 IN A 203.0.113.2
ns2 300 IN A 198.51.100.2
mail    A 203.0.113.25
www IN CNAME @
dinkes IN A 203.0.113.31
$ORIGIN dinkes.sukamajukab.go.id.
ppid IN A 203.0.113.34
_sip._tcp.sukamajukab.go.id. IN SRV 10 5 5060 sip.sukamajukab.go.id.
1.113.0.203.in-addr.arpa. IN PTR ns1.sukamajukab.go.id.
@ IN HINFO "PC" "Linux"
broken IN
"#;

    #[test]
    fn a_bind_zone_is_read_with_its_shorthand() {
        let (records, soa, skipped) = read(ZONE, "sukamajukab.go.id");
        let names: Vec<(&str, RecordType, &str, i32)> = records
            .iter()
            .map(|r| (r.name.as_str(), r.rtype, r.value.as_str(), r.ttl))
            .collect();
        assert_eq!(
            names,
            [
                (
                    "sukamajukab.go.id.",
                    RecordType::Mx,
                    "10 mail.sukamajukab.go.id.",
                    3600
                ),
                (
                    "sukamajukab.go.id.",
                    RecordType::Txt,
                    "v=spf1 mx -all",
                    3600
                ),
                ("ns1.sukamajukab.go.id.", RecordType::A, "203.0.113.2", 3600),
                ("ns2.sukamajukab.go.id.", RecordType::A, "198.51.100.2", 300),
                (
                    "mail.sukamajukab.go.id.",
                    RecordType::A,
                    "203.0.113.25",
                    3600
                ),
                (
                    "www.sukamajukab.go.id.",
                    RecordType::Cname,
                    "sukamajukab.go.id.",
                    3600
                ),
                (
                    "dinkes.sukamajukab.go.id.",
                    RecordType::A,
                    "203.0.113.31",
                    3600
                ),
                (
                    "ppid.dinkes.sukamajukab.go.id.",
                    RecordType::A,
                    "203.0.113.34",
                    3600
                ),
                (
                    "_sip._tcp.sukamajukab.go.id.",
                    RecordType::Srv,
                    "10 5 5060 sip.sukamajukab.go.id.",
                    3600
                ),
            ]
        );
        assert_eq!(
            soa.name_servers,
            ["ns1.sukamajukab.go.id.", "ns2.sukamajukab.go.id."]
        );
        assert_eq!(
            soa.fields,
            Some((
                "hostmaster.sukamajukab.go.id.".into(),
                2026010101,
                [3600, 900, 1_209_600, 300]
            ))
        );
        let lines: Vec<usize> = skipped.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [19, 20, 21]);
        assert_eq!(
            skipped[0].1,
            Skipped::Outside("1.113.0.203.in-addr.arpa".into())
        );
        assert_eq!(skipped[1].1, Skipped::Type("HINFO".into()));
    }

    #[test]
    fn ttls_take_units() {
        assert_eq!(ttl("3600"), Some(3600));
        assert_eq!(ttl("1h30m"), Some(5400));
        assert_eq!(ttl("2w"), Some(1_209_600));
        assert_eq!(ttl("1x"), None);
        assert_eq!(ttl("5m3"), None);
    }
}
