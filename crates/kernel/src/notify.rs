//! In-app notifications of workflow steps (a registration submitted, approved or returned; a
//! hosting request decided). A notification goes to an agency's staff — everyone holding a
//! role in that agency — or, with no agency, to the Dinas (its administrators and head). Each
//! person's "seen up to" time tells what is new. Written in the same transaction as the step,
//! so a step that fails notifies no one.

use chrono::NaiveDateTime;
use db::DbConn;
use db::schema::{notification_reads, notifications};
use diesel::prelude::*;

use crate::i18n::Tr;
use crate::ids::AgencyId;
use crate::permissions::{Role, RoleGrant};

/// Who a notification is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The Dinas's administrators and head.
    Dinas,
    /// Everyone holding a role in this agency.
    Agency(AgencyId),
}

/// A stored notification.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    /// Id.
    pub id: String,
    /// The agency told (none: the Dinas).
    pub agency_id: Option<AgencyId>,
    /// Message key.
    pub message: String,
    /// Message arguments, a JSON object of strings.
    pub args: String,
    /// Where to act.
    pub href: String,
    /// When.
    pub created_at: NaiveDateTime,
    /// By whom.
    pub created_by: String,
}

impl NotificationRow {
    /// Whether it came after the reader last looked (`seen`).
    pub fn is_new(&self, seen: Option<NaiveDateTime>) -> bool {
        seen.is_none_or(|s| self.created_at > s)
    }

    /// The message in the reader's language.
    pub fn text(&self, tr: Tr) -> String {
        let args: Vec<(String, String)> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&self.args)
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                .collect();
        let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        crate::i18n::message(tr.lang, &self.message, &args)
    }
}

/// Tells `to` that something happened (`message` with `args`), pointing at `href`.
pub fn notify(
    c: &mut DbConn,
    to: Audience,
    message: &str,
    args: &[(&str, &str)],
    href: &str,
    by: &str,
) -> QueryResult<()> {
    let args: serde_json::Map<String, serde_json::Value> = args
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String((*v).to_owned())))
        .collect();
    let agency = match to {
        Audience::Dinas => None,
        Audience::Agency(a) => Some(a),
    };
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(uuid::Uuid::now_v7().to_string()),
            notifications::agency_id.eq(agency),
            notifications::message.eq(message),
            notifications::args.eq(serde_json::Value::Object(args).to_string()),
            notifications::href.eq(href),
            notifications::created_at.eq(db::now()),
            notifications::created_by.eq(by),
        ))
        .execute(c)?;
    Ok(())
}

/// Everything ever sent to `to`, oldest first.
pub fn sent_to(c: &mut DbConn, to: Audience) -> QueryResult<Vec<NotificationRow>> {
    let q = notifications::table
        .order((notifications::created_at.asc(), notifications::id.asc()))
        .select(NotificationRow::as_select())
        .into_boxed();
    match to {
        Audience::Dinas => q.filter(notifications::agency_id.is_null()).load(c),
        Audience::Agency(a) => q.filter(notifications::agency_id.eq(a)).load(c),
    }
}

/// What a person with `grants` is told about: the Dinas's notifications, and their agencies'.
pub fn audience(grants: &[RoleGrant]) -> (bool, Vec<AgencyId>) {
    let dinas = grants
        .iter()
        .any(|g| matches!(g.role, Role::DinasAdmin | Role::KepalaDinas));
    let mut agencies: Vec<AgencyId> = grants.iter().filter_map(|g| g.agency).collect();
    agencies.sort();
    agencies.dedup();
    (dinas, agencies)
}

/// The newest notifications for a person, with the time they last looked.
pub fn for_person(
    c: &mut DbConn,
    user: &str,
    grants: &[RoleGrant],
    limit: i64,
) -> QueryResult<(Vec<NotificationRow>, Option<NaiveDateTime>)> {
    let (dinas, agencies) = audience(grants);
    let mut q = notifications::table.into_boxed();
    q = match (dinas, agencies.is_empty()) {
        (true, true) => q.filter(notifications::agency_id.is_null()),
        (true, false) => q.filter(
            notifications::agency_id
                .is_null()
                .or(notifications::agency_id.eq_any(agencies)),
        ),
        (false, false) => q.filter(notifications::agency_id.eq_any(agencies)),
        (false, true) => return Ok((vec![], None)),
    };
    let rows = q
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(c)?;
    let seen = notification_reads::table
        .find(user)
        .select(notification_reads::seen_at)
        .first(c)
        .optional()?;
    Ok((rows, seen))
}

/// How many of `rows` are newer than `seen`.
pub fn unread(rows: &[NotificationRow], seen: Option<NaiveDateTime>) -> usize {
    rows.iter().filter(|r| r.is_new(seen)).count()
}

/// Marks everything up to now as seen by `user`.
pub fn mark_seen(c: &mut DbConn, user: &str) -> QueryResult<()> {
    let now = db::now();
    let updated = diesel::update(notification_reads::table.find(user))
        .set(notification_reads::seen_at.eq(now))
        .execute(c)?;
    if updated == 0 {
        diesel::insert_into(notification_reads::table)
            .values((
                notification_reads::user_id.eq(user),
                notification_reads::seen_at.eq(now),
            ))
            .execute(c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dinas_and_each_agency_hear_their_own() {
        let a = AgencyId::parse("0193a4b2-7c1d-7e00-8000-000000000001").unwrap();
        let op = [RoleGrant {
            role: Role::AgencyOperator,
            agency: Some(a),
        }];
        assert_eq!(audience(&op), (false, vec![a]));
        let admin = [RoleGrant {
            role: Role::DinasAdmin,
            agency: None,
        }];
        assert_eq!(audience(&admin), (true, vec![]));
        let auditor = [RoleGrant {
            role: Role::Auditor,
            agency: None,
        }];
        assert_eq!(
            audience(&auditor),
            (false, vec![]),
            "reading everything is not being told"
        );
    }

    #[test]
    fn unread_counts_what_came_after_the_last_look() {
        let at = |h| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        let row = |h: u32| NotificationRow {
            id: h.to_string(),
            agency_id: None,
            message: "m".into(),
            args: "{}".into(),
            href: "/".into(),
            created_at: at(h),
            created_by: "x".into(),
        };
        let rows = [row(9), row(11), row(13)];
        assert_eq!(unread(&rows, None), 3);
        assert_eq!(unread(&rows, Some(at(11))), 1);
    }
}
