//! The kernel's own API endpoints.

pub mod audit_events;
pub mod notifications;

/// Serialises a stored UTC time as RFC 3339 with its offset (`2026-12-02T06:14:41.374449Z`):
/// times are kept without a zone in the database, but a client must not have to guess it.
pub fn utc<S: serde::Serializer>(t: &chrono::NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(
        &t.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
    )
}

/// [`utc`] for an optional time.
pub fn utc_opt<S: serde::Serializer>(
    t: &Option<chrono::NaiveDateTime>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => utc(t, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_carry_their_zone() {
        #[derive(serde::Serialize)]
        struct T {
            #[serde(serialize_with = "super::utc")]
            at: chrono::NaiveDateTime,
            #[serde(serialize_with = "super::utc_opt")]
            none: Option<chrono::NaiveDateTime>,
        }
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_micro_opt(6, 14, 41, 374_449)
            .unwrap();
        let json = serde_json::to_string(&T { at, none: None }).unwrap();
        assert_eq!(json, r#"{"at":"2026-12-02T06:14:41.374449Z","none":null}"#);
    }
}
