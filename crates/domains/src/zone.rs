//! The zone as a whole: its settings (name servers, SOA), the serial every change raises, and
//! the standard zone file (RFC 1035) it is exported as. Plain functions over plain values.

use chrono::NaiveDate;

use crate::model::{RecordType, quoted};
use crate::store::{RecordRow, ZoneRow};

/// A new zone's settings: two name servers inside the zone, the usual SOA timers, and a
/// serial in the customary date form (`YYYYMMDDnn`).
pub fn defaults(apex: &str, today: NaiveDate) -> ZoneRow {
    ZoneRow {
        name_servers: format!("ns1.{apex}.,ns2.{apex}."),
        hostmaster: format!("hostmaster.{apex}."),
        serial: date_serial(today),
        refresh: 3600,
        retry: 900,
        expire: 1_209_600,
        minimum: 300,
        dnssec: false,
    }
}

fn date_serial(day: NaiveDate) -> i64 {
    day.format("%Y%m%d").to_string().parse::<i64>().unwrap_or(0) * 100
}

/// The serial after a change on `today`: the date form when that is higher, else one more (a
/// secondary transfers the zone only when the serial grows).
pub fn next_serial(current: i64, today: NaiveDate) -> i64 {
    (current + 1).max(date_serial(today))
}

/// The zone's name servers, one host name each.
pub fn name_servers(zone: &ZoneRow) -> Vec<&str> {
    zone.name_servers
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect()
}

/// Host names inside the zone that the zone points at (its name servers, mail exchangers,
/// aliases and services) but gives no address: secondaries and resolvers cannot reach them,
/// and BIND refuses such a zone.
pub fn unreachable_hosts(apex: &str, zone: &ZoneRow, records: &[RecordRow]) -> Vec<String> {
    let suffix = format!(".{apex}.");
    let addressed = |host: &str| {
        let relative = host.strip_suffix(&suffix).unwrap_or("@");
        records
            .iter()
            .any(|r| r.name == relative && matches!(r.rtype, RecordType::A | RecordType::Aaaa))
    };
    let mut targets: Vec<String> = name_servers(zone).into_iter().map(str::to_owned).collect();
    for r in records {
        let target = match r.rtype {
            RecordType::Mx => r.value.split_whitespace().nth(1),
            RecordType::Srv => r.value.split_whitespace().nth(3),
            _ => None,
        };
        if let Some(t) = target {
            targets.push(t.to_owned());
        }
    }
    let mut missing: Vec<String> = targets
        .into_iter()
        .filter(|t| t.ends_with(&suffix) && !addressed(t))
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

/// The zone file: `$ORIGIN`, the SOA and the apex's name servers, then every record, as BIND,
/// NSD and Knot read it.
pub fn zone_file(apex: &str, zone: &ZoneRow, records: &[RecordRow], note: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!("; {note}\n$ORIGIN {apex}.\n$TTL 3600\n"));
    let servers = name_servers(zone);
    out.push_str(&format!(
        "@\t{}\tIN\tSOA\t{} {} (\n\t\t{} ; serial\n\t\t{} ; refresh\n\t\t{} ; retry\n\t\t{} ; expire\n\t\t{} ) ; minimum\n",
        zone.minimum,
        servers.first().copied().unwrap_or("."),
        zone.hostmaster,
        zone.serial,
        zone.refresh,
        zone.retry,
        zone.expire,
        zone.minimum,
    ));
    for ns in &servers {
        out.push_str(&format!("@\t3600\tIN\tNS\t{ns}\n"));
    }
    for r in records {
        let value = match r.rtype {
            RecordType::Txt => quoted(&r.value),
            _ => r.value.clone(),
        };
        out.push_str(&format!(
            "{}\t{}\tIN\t{}\t{}\n",
            r.name,
            r.ttl,
            r.rtype.as_str(),
            value
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn the_serial_only_grows_in_date_form() {
        assert_eq!(next_serial(2026120500, day(2026, 12, 5)), 2026120501);
        assert_eq!(next_serial(2026120501, day(2026, 12, 6)), 2026120600);
        // A serial already ahead of the date (many changes, or a clock set back) still grows.
        assert_eq!(next_serial(2026129999, day(2026, 12, 5)), 2026130000);
    }

    #[test]
    fn hosts_the_zone_points_at_need_an_address() {
        let zone = defaults("sukamajukab.go.id", day(2026, 12, 5));
        let rec = crate::dns::snapshot::tests::row;
        let records = vec![
            rec("ns1", RecordType::A, "203.0.113.1"),
            rec("@", RecordType::Mx, "10 mail.sukamajukab.go.id."),
            rec("@", RecordType::Mx, "20 mx.example.net."),
        ];
        assert_eq!(
            unreachable_hosts("sukamajukab.go.id", &zone, &records),
            ["mail.sukamajukab.go.id.", "ns2.sukamajukab.go.id."]
        );
        let file = zone_file("sukamajukab.go.id", &zone, &records, "test");
        assert!(file.contains("$ORIGIN sukamajukab.go.id.\n"));
        assert!(file.contains("@\t3600\tIN\tNS\tns2.sukamajukab.go.id.\n"));
        assert!(file.contains("@\t3600\tIN\tMX\t20 mx.example.net.\n"));
    }
}
