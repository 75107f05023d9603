//! Requests for a name: a subdomain of the region's domain (KT 10.3, MU 10.3, EN 9.3, BT 29.2),
//! granted by decision of the body the regulation names (MU 10.4, EN 9.4, BT 29.3), or a
//! separate domain, which needs permission (KT 10.4) or an application through the Sekretaris
//! Daerah to the ministry (MU 10.5, EN 9.5). A regency answers within 48 hours (PermenKominfo
//! 5/2015). The rules are plain functions, tested without a database.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use kernel::FieldError;
use kernel::ids::AgencyId;
use kernel::validate::Checker;
use serde::Deserialize;

kernel::id_type!(
    /// A request for a name.
    RequestId
);

kernel::text_enum! {
    /// What is asked for.
    pub enum RequestKind {
        /// A subdomain of the region's domain.
        Subdomain = "subdomain",
        /// A domain of its own, outside the region's (an exception).
        SeparateDomain = "separate_domain",
    }
}

kernel::text_enum! {
    /// Where a request stands.
    pub enum RequestStatus {
        /// Waiting for the decision.
        Submitted = "submitted",
        /// Granted by decision.
        Granted = "granted",
        /// Refused, with the reason.
        Refused = "refused",
        /// Withdrawn by the agency before the decision; the name is free again.
        Withdrawn = "withdrawn",
    }
}

/// The service level: a request is answered within this many hours.
pub const SERVICE_HOURS: i64 = 48;

/// A request as typed: text, so that every mistake can be named.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestDraft {
    /// The agency asking.
    #[serde(default)]
    pub agency_id: String,
    /// `subdomain` or `separate_domain`.
    #[serde(default)]
    pub kind: String,
    /// The subdomain's label (`pariwisata`), or the separate domain (`visitsukamaju.id`).
    #[serde(default)]
    pub name: String,
    /// What the name is for: the application or website it serves.
    #[serde(default)]
    pub purpose: String,
    /// Where the name should point, once granted: an IPv4 or IPv6 address, or a host name.
    #[serde(default)]
    pub target: String,
}

/// A request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The agency asking.
    pub agency_id: AgencyId,
    /// What is asked for.
    pub kind: RequestKind,
    /// The subdomain relative to the zone, or the separate domain, in lower-case ASCII.
    pub name: String,
    /// What it is for.
    pub purpose: String,
    /// Where it points once granted (empty when not said).
    pub target: String,
}

/// Checks a request against the zone `apex`; every problem at once, in the form's order.
pub fn validate(d: &RequestDraft, apex: &str) -> Result<Request, Vec<FieldError>> {
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
    let kind = c.choice::<RequestKind>("kind", d.kind.trim());
    let name = match (kind, d.name.trim()) {
        (_, "") => {
            c.push(FieldError::new("name", "error-required"));
            None
        }
        (Some(RequestKind::Subdomain), n) => match crate::model::relative_name(n, apex) {
            // One label under the region's domain: deeper names belong to the agency's own.
            Ok(rel) if rel != "@" && !rel.contains('.') && !rel.starts_with(['_', '*']) => {
                Some(rel)
            }
            Ok(_) => {
                c.push(FieldError::new("name", "error-dns-request-label").arg("zone", apex));
                None
            }
            Err(key) => {
                c.push(FieldError::new("name", key).arg("zone", apex));
                None
            }
        },
        (Some(RequestKind::SeparateDomain), n) => {
            let n = n.trim_end_matches('.').to_ascii_lowercase();
            let inside = n == apex || n.ends_with(&format!(".{apex}"));
            let ok = n.contains('.') && n.split('.').all(crate::model::ldh);
            if inside {
                c.push(FieldError::new("name", "error-dns-request-inside").arg("zone", apex));
                None
            } else if !ok {
                c.push(FieldError::new("name", "error-dns-host"));
                None
            } else {
                Some(n)
            }
        }
        (None, _) => None,
    };
    let purpose = c.text("purpose", &d.purpose, 1000);
    let target = d.target.trim();
    let target = if target.is_empty() {
        String::new()
    } else {
        match record_for(target, apex) {
            Some((_, value)) => value,
            None => {
                c.push(FieldError::new("target", "error-dns-target"));
                String::new()
            }
        }
    };
    match (c.errors.is_empty(), agency_id, kind, name) {
        (true, Some(agency_id), Some(kind), Some(name)) => Ok(Request {
            agency_id,
            kind,
            name,
            purpose,
            target,
        }),
        _ => Err(c.errors),
    }
}

/// The record a granted subdomain gets for `target`: an address (A or AAAA) or another host
/// (CNAME), in the form the zone stores.
pub fn record_for(target: &str, apex: &str) -> Option<(crate::model::RecordType, String)> {
    use crate::model::{RecordType, canonical_value};
    let target = target.trim();
    [RecordType::A, RecordType::Aaaa]
        .into_iter()
        .find_map(|t| canonical_value(t, target, apex).ok().map(|v| (t, v)))
        .or_else(|| {
            canonical_value(RecordType::Cname, target, apex)
                .ok()
                .map(|v| (RecordType::Cname, v))
        })
}

/// A decision as typed by the Dinas.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionDraft {
    /// `grant` or `refuse`.
    #[serde(default)]
    pub decision: String,
    /// The decision letter's number.
    #[serde(default)]
    pub decision_number: String,
    /// Its date, `YYYY-MM-DD`.
    #[serde(default)]
    pub decision_date: String,
    /// Why it is refused (required to refuse), or a note.
    #[serde(default)]
    pub reason: String,
}

/// A decision, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Granted or refused.
    pub granted: bool,
    /// The letter's number.
    pub number: String,
    /// Its date.
    pub date: NaiveDate,
    /// The reason (empty when granted without a note).
    pub reason: String,
}

/// Checks a decision taken on `today`: a number, a date not in the future nor before the
/// request, and a reason for a refusal.
pub fn validate_decision(
    d: &DecisionDraft,
    submitted: NaiveDate,
    today: NaiveDate,
) -> Result<Decision, Vec<FieldError>> {
    let mut c = Checker::default();
    let granted = match d.decision.trim() {
        "grant" => Some(true),
        "refuse" => Some(false),
        "" => {
            c.push(FieldError::new("decision", "error-choose"));
            None
        }
        _ => {
            c.push(FieldError::new("decision", "error-choice").arg("choices", "grant, refuse"));
            None
        }
    };
    let number = c.text("decision_number", &d.decision_number, 200);
    let date = match NaiveDate::parse_from_str(d.decision_date.trim(), "%Y-%m-%d") {
        Ok(date) if date <= today && date >= submitted => Some(date),
        Ok(_) => {
            c.push(FieldError::new("decision_date", "error-dns-decision-date"));
            None
        }
        Err(_) if d.decision_date.trim().is_empty() => {
            c.push(FieldError::new("decision_date", "error-required"));
            None
        }
        Err(_) => {
            c.push(FieldError::new("decision_date", "error-dns-date"));
            None
        }
    };
    let reason = d.reason.trim().to_owned();
    if granted == Some(false) && reason.is_empty() {
        c.push(FieldError::new("reason", "error-dns-reason-needed"));
    }
    if reason.chars().count() > 1000 {
        c.push(FieldError::new("reason", "error-field-too-long").arg("max", 1000));
    }
    match (c.errors.is_empty(), granted, date) {
        (true, Some(granted), Some(date)) => Ok(Decision {
            granted,
            number,
            date,
            reason,
        }),
        _ => Err(c.errors),
    }
}

/// Where a request stands against the 48-hour service level at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Undecided, this long left.
    Left(TimeDelta),
    /// Undecided and late by this much.
    Late(TimeDelta),
    /// Decided within the service level.
    OnTime,
    /// Decided, this much after it.
    DecidedLate(TimeDelta),
}

/// The request's clock: submitted at `submitted`, decided at `decided` (if it was).
pub fn clock(
    submitted: NaiveDateTime,
    decided: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Clock {
    let due = submitted + TimeDelta::hours(SERVICE_HOURS);
    match decided {
        Some(at) if at <= due => Clock::OnTime,
        Some(at) => Clock::DecidedLate(at - due),
        None if now <= due => Clock::Left(due - now),
        None => Clock::Late(now - due),
    }
}

/// A duration as people say it: "2 hari 3 jam", "5 jam", "40 menit".
pub fn spoken(d: TimeDelta, tr: kernel::i18n::Tr) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours) {
        (0, 0) => tr.t1("domains-minutes", "count", &mins),
        (0, h) => tr.t1("domains-hours", "count", &h),
        (d, 0) => tr.t1("domains-days", "count", &d),
        (d, h) => format!(
            "{} {}",
            tr.t1("domains-days", "count", &d),
            tr.t1("domains-hours", "count", &h)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APEX: &str = "sukamajukab.go.id";

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, day)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .unwrap_or_default()
    }

    fn draft(kind: &str, name: &str, target: &str) -> RequestDraft {
        RequestDraft {
            agency_id: AgencyId::new().to_string(),
            kind: kind.into(),
            name: name.into(),
            purpose: "Portal pariwisata".into(),
            target: target.into(),
        }
    }

    #[test]
    fn a_subdomain_is_one_label_under_the_region_s_domain() {
        let ok = validate(
            &draft("subdomain", "Pariwisata.sukamajukab.go.id", "203.0.113.60"),
            APEX,
        )
        .unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.target.as_str()),
            ("pariwisata", "203.0.113.60")
        );
        let fields = |d| {
            validate(&d, APEX)
                .unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.key))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(draft("subdomain", "a.b", "")),
            [("name".to_owned(), "error-dns-request-label")]
        );
        assert_eq!(
            fields(draft("subdomain", "@", "")),
            [("name".to_owned(), "error-dns-request-label")]
        );
        assert_eq!(
            fields(draft("subdomain", "x", "not a host!")),
            [("target".to_owned(), "error-dns-target")]
        );
        assert_eq!(
            fields(draft("separate_domain", "dinkes.sukamajukab.go.id", "")),
            [("name".to_owned(), "error-dns-request-inside")]
        );
        let sep = validate(&draft("separate_domain", "VisitSukamaju.id", ""), APEX).unwrap();
        assert_eq!(sep.name, "visitsukamaju.id");
    }

    #[test]
    fn a_target_becomes_an_address_or_an_alias() {
        use crate::model::RecordType;
        assert_eq!(
            record_for("203.0.113.9", APEX),
            Some((RecordType::A, "203.0.113.9".into()))
        );
        assert_eq!(
            record_for("2001:db8::9", APEX),
            Some((RecordType::Aaaa, "2001:db8::9".into()))
        );
        assert_eq!(
            record_for("web", APEX),
            Some((RecordType::Cname, "web.sukamajukab.go.id.".into()))
        );
    }

    #[test]
    fn a_refusal_needs_its_reason_and_a_decision_its_number_and_a_real_date() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default();
        let d = DecisionDraft {
            decision: "refuse".into(),
            decision_number: " ".into(),
            decision_date: "2026-12-09".into(),
            reason: String::new(),
        };
        let e: Vec<String> = validate_decision(&d, day(1), day(5))
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(e, ["decision_number", "decision_date", "reason"]);
        let d = DecisionDraft {
            decision: "grant".into(),
            decision_number: "045/7/2026".into(),
            decision_date: "2026-12-04".into(),
            reason: String::new(),
        };
        assert!(validate_decision(&d, day(1), day(5)).unwrap().granted);
    }

    #[test]
    fn the_clock_runs_forty_eight_hours() {
        assert_eq!(
            clock(at(1, 8), None, at(2, 8)),
            Clock::Left(TimeDelta::hours(24))
        );
        assert_eq!(
            clock(at(1, 8), None, at(3, 10)),
            Clock::Late(TimeDelta::hours(2))
        );
        assert_eq!(clock(at(1, 8), Some(at(3, 8)), at(9, 0)), Clock::OnTime);
        assert_eq!(
            clock(at(1, 8), Some(at(4, 8)), at(9, 0)),
            Clock::DecidedLate(TimeDelta::hours(24))
        );
        kernel::i18n::init(&[crate::MESSAGES]);
        let tr = kernel::i18n::Tr::default();
        assert_eq!(spoken(TimeDelta::minutes(26 * 60 + 5), tr), "1 hari 2 jam");
        assert_eq!(spoken(TimeDelta::minutes(40), tr), "40 menit");
    }
}
