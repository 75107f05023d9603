//! The registry's compliance rules: each a plain check over one application's facts (or the
//! master plan's), with the article of each regulation pack that has the obligation. The
//! loader at the bottom gathers the facts and runs the checks the region's pack applies.

use std::collections::HashSet;

use chrono::NaiveDate;
use db::DbConn;
use diesel::QueryResult;
use kernel::compliance::{Active, Evaluation, Finding, Pack, Rule, RuleSource, Within};

use crate::model::{
    self, AppKind, ApplicationId, DocumentKind, Lifecycle, Placement, PlanStanding, Status,
};
use crate::store::{self, ApplicationRow, PlanRow};
use kernel::ids::AgencyId;

/// In use without being registered with the Dinas (KT 6.1).
pub const REGISTERED: Rule = Rule {
    id: "REG-APP-REGISTERED",
    statement: "rule-reg-app-registered",
    articles: &[(Pack::KT, "Pasal 6 ayat (1)")],
};
/// A special application without its nine technical documents (KT 16.3, MU 13.3, BT 18.3).
pub const DOCUMENTS: Rule = Rule {
    id: "REG-APP-DOCUMENTS",
    statement: "rule-reg-app-documents",
    articles: &[
        (Pack::KT, "Pasal 16 ayat (3)"),
        (Pack::MU, "Pasal 13 ayat (3)"),
        (Pack::BT, "Pasal 18 ayat (3)"),
    ],
};
/// Not open source (KT 6.3, KT 14.4, BT 18.2).
pub const OPEN_SOURCE: Rule = Rule {
    id: "REG-APP-OPEN-SOURCE",
    statement: "rule-reg-app-open-source",
    articles: &[
        (Pack::KT, "Pasal 6 ayat (3)"),
        (Pack::BT, "Pasal 18 ayat (2)"),
    ],
};
/// Paid from public funds but the region does not own its code and licence (KT 6.2, MU 13.4,
/// BT 18.7).
pub const OWNERSHIP: Rule = Rule {
    id: "REG-APP-OWNERSHIP",
    statement: "rule-reg-app-ownership",
    articles: &[
        (Pack::KT, "Pasal 6 ayat (2)"),
        (Pack::MU, "Pasal 13 ayat (4)"),
        (Pack::BT, "Pasal 18 ayat (7)"),
    ],
};
/// Hosted outside the Dinas's data center (KT 9.3, MU 6.3, BT 10.3).
pub const HOSTING: Rule = Rule {
    id: "REG-APP-HOSTING",
    statement: "rule-reg-app-hosting",
    articles: &[
        (Pack::KT, "Pasal 9 ayat (3)"),
        (Pack::MU, "Pasal 6 ayat (3)"),
        (Pack::BT, "Pasal 10 ayat (3)"),
    ],
};
/// Its website lies outside the region's domain (KT 10.3, MU 10.3, EN 9.3, BT 29.2).
pub const DOMAIN: Rule = Rule {
    id: "REG-APP-DOMAIN",
    statement: "rule-reg-app-domain",
    articles: &[
        (Pack::KT, "Pasal 10 ayat (3)"),
        (Pack::MU, "Pasal 10 ayat (3)"),
        (Pack::EN, "Pasal 9 ayat (3)"),
        (Pack::BT, "Pasal 29 ayat (2)"),
    ],
};
/// A web application in production that does not sign in through the region's single sign-on
/// (KT 9.5, MU 6.5).
pub const SSO: Rule = Rule {
    id: "REG-APP-SSO",
    statement: "rule-reg-app-sso",
    articles: &[
        (Pack::KT, "Pasal 9 ayat (5)"),
        (Pack::MU, "Pasal 6 ayat (5)"),
    ],
};
/// Not linked to an item of the master plan (KT 5, EN 7.3, BT 17.1).
pub const MASTER_PLAN_ITEM: Rule = Rule {
    id: "REG-APP-MASTER-PLAN",
    statement: "rule-reg-app-master-plan",
    articles: &[
        (Pack::KT, "Pasal 5"),
        (Pack::EN, "Pasal 7 ayat (3)"),
        (Pack::BT, "Pasal 17 ayat (1)"),
    ],
};
/// Not web-based (BT 16).
pub const WEB_BASED: Rule = Rule {
    id: "REG-APP-WEB",
    statement: "rule-reg-app-web",
    articles: &[(Pack::BT, "Pasal 16")],
};
/// A special application in development or production without the facilities its users
/// must have: correction, cancel, confirmation, and the choice of offers or ads (KT 16.5).
pub const USER_FEATURES: Rule = Rule {
    id: "REG-APP-USER-FEATURES",
    statement: "rule-reg-app-user-features",
    articles: &[(Pack::KT, "Pasal 16 ayat (5)")],
};
/// No master plan in force: none adopted, or its five years are over (KT 4.3).
pub const PLAN_CURRENT: Rule = Rule {
    id: "REG-PLAN-CURRENT",
    statement: "rule-reg-plan-current",
    articles: &[(Pack::KT, "Pasal 4 ayat (3)")],
};
/// The master plan has not been reviewed for more than two years (KT 4.3).
pub const PLAN_REVIEW: Rule = Rule {
    id: "REG-PLAN-REVIEW",
    statement: "rule-reg-plan-review",
    articles: &[(Pack::KT, "Pasal 4 ayat (3)")],
};

/// Every rule of the registry.
pub const RULES: [Rule; 12] = [
    REGISTERED,
    DOCUMENTS,
    OPEN_SOURCE,
    OWNERSHIP,
    HOSTING,
    DOMAIN,
    SSO,
    MASTER_PLAN_ITEM,
    WEB_BASED,
    USER_FEATURES,
    PLAN_CURRENT,
    PLAN_REVIEW,
];

/// The registry's contribution to the rule packs.
pub const SOURCE: RuleSource = RuleSource {
    rules: &RULES,
    evaluate,
};

/// What the application checks look at.
#[derive(Debug, Clone)]
pub struct AppFacts<'a> {
    /// The record.
    pub app: &'a ApplicationRow,
    /// Document kinds handed over.
    pub documents: &'a HashSet<DocumentKind>,
    /// The region's domain.
    pub region_domain: &'a str,
}

impl AppFacts<'_> {
    fn registered(&self) -> bool {
        self.app.status == Status::Approved
    }

    fn in_production(&self) -> bool {
        self.app.lifecycle == Lifecycle::Production
    }
}

/// The nine documents an application still owes (none for general applications).
pub fn missing_documents(kind: AppKind, handed: &HashSet<DocumentKind>) -> Vec<DocumentKind> {
    if kind != AppKind::Khusus {
        return vec![];
    }
    DocumentKind::ALL
        .iter()
        .copied()
        .filter(|k| !handed.contains(k))
        .collect()
}

/// Whether the rule applies to this application at all (its check counts toward the score).
pub fn applies(rule: &Rule, f: &AppFacts<'_>) -> bool {
    if f.app.lifecycle == Lifecycle::Retired {
        return false;
    }
    match rule.id {
        "REG-APP-REGISTERED" => f.in_production(),
        "REG-APP-DOCUMENTS" => f.registered() && f.app.kind == AppKind::Khusus && f.in_production(),
        "REG-APP-HOSTING" | "REG-APP-SSO" => f.registered() && f.in_production(),
        "REG-APP-DOMAIN" => f.registered() && f.app.production_url.is_some(),
        "REG-APP-OWNERSHIP" => f.registered() && f.app.funding_source.is_public(),
        "REG-APP-OPEN-SOURCE" | "REG-APP-MASTER-PLAN" | "REG-APP-WEB" => f.registered(),
        "REG-APP-USER-FEATURES" => {
            f.registered()
                && f.app.kind == AppKind::Khusus
                && matches!(
                    f.app.lifecycle,
                    Lifecycle::Development | Lifecycle::Production
                )
        }
        _ => false,
    }
}

/// Whether an application to which the rule applies breaks it.
pub fn breaks(rule: &Rule, f: &AppFacts<'_>) -> bool {
    let a = f.app;
    match rule.id {
        "REG-APP-REGISTERED" => !f.registered(),
        "REG-APP-DOCUMENTS" => !missing_documents(a.kind, f.documents).is_empty(),
        "REG-APP-OPEN-SOURCE" => !a.open_source,
        "REG-APP-OWNERSHIP" => !(a.code_owned_by_region && a.licence_owned_by_region),
        "REG-APP-HOSTING" => a.hosting == Placement::Outside,
        "REG-APP-DOMAIN" => a
            .production_url
            .as_deref()
            .is_some_and(|u| !model::in_region_domain(u, f.region_domain)),
        "REG-APP-SSO" => a.web_based && a.sso_client_id.is_none(),
        "REG-APP-MASTER-PLAN" => a.master_plan_item_id.is_none(),
        "REG-APP-WEB" => !a.web_based,
        "REG-APP-USER-FEATURES" => !a.has_user_features(),
        _ => false,
    }
}

/// The master-plan rule broken on `today`, if any.
pub fn plan_breaks(plan: Option<&PlanRow>, today: NaiveDate) -> Option<&'static Rule> {
    let Some(p) = plan else {
        return Some(&PLAN_CURRENT);
    };
    let reviewed = p.last_reviewed_on.unwrap_or(p.adopted_on);
    match model::plan_standing(p.period_end, reviewed, today) {
        PlanStanding::Current => None,
        PlanStanding::Expired => Some(&PLAN_CURRENT),
        PlanStanding::ReviewOverdue => Some(&PLAN_REVIEW),
    }
}

fn evaluate(c: &mut DbConn, within: &Within, active: &Active) -> QueryResult<Evaluation> {
    let agency = match within {
        Within::Region => None,
        Within::Agency(a) => Some(*a),
    };
    let domain = org::directory::region(c)?
        .map(|r| r.domain)
        .unwrap_or_default();
    let apps = store::apps_for_rules(c, agency)?;
    let docs = match agency {
        Some(_) => {
            let ids: Vec<ApplicationId> = apps.iter().map(|a| a.id).collect();
            store::doc_kinds(c, &ids)?
        }
        // Region-wide: one pass over every document, not one query per 500 applications.
        None => store::doc_kinds_all(c)?,
    };
    let none = HashSet::new();
    let mut e = Evaluation::new(active);
    for app in &apps {
        let facts = AppFacts {
            app,
            documents: docs.get(&app.id).unwrap_or(&none),
            region_domain: &domain,
        };
        for rule in RULES.iter().filter(|r| active.has(r) && applies(r, &facts)) {
            e.check(Some(app.agency_id), breaks(rule, &facts), || Finding {
                rule: rule.id,
                agency_id: Some(app.agency_id),
                record_type: "application",
                record_id: app.id.to_string(),
                label: app.name.clone(),
                href: format!("/registry/applications/{}", app.id),
            });
        }
    }
    // The master plan is the Dinas's own duty.
    let dinas: Option<AgencyId> = org::directory::dinas(c)?.map(|d| d.id);
    let dinas_in_scope = agency.is_none() || agency == dinas;
    if dinas_in_scope && (active.has(&PLAN_CURRENT) || active.has(&PLAN_REVIEW)) {
        let plan = store::plan_latest(c)?;
        let broken = plan_breaks(plan.as_ref(), db::now().date()).filter(|r| active.has(r));
        e.check(dinas, broken.is_some(), || Finding {
            rule: broken.map_or("", |r| r.id),
            agency_id: dinas,
            record_type: "master_plan",
            record_id: plan.as_ref().map(|p| p.id.to_string()).unwrap_or_default(),
            label: plan
                .as_ref()
                .map(|p| p.title.clone())
                .unwrap_or_else(|| "Rencana Induk".into()),
            href: "/registry/master-plan".into(),
        });
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PlanId;

    fn app() -> ApplicationRow {
        let now = chrono::NaiveDateTime::default();
        ApplicationRow {
            id: ApplicationId::new(),
            agency_id: AgencyId::new(),
            name: "SIMPEG".into(),
            kind: AppKind::Khusus,
            purpose: "p".into(),
            users: "u".into(),
            funding_source: model::Funding::Apbd,
            funding_amount: None,
            open_source: true,
            licence: Some("GPL-3.0".into()),
            source_repo: None,
            code_owned_by_region: true,
            licence_owned_by_region: true,
            web_based: true,
            production_url: Some("https://simpeg.sukamajukab.go.id".into()),
            sso_client_id: Some(sso::ClientId::sent("c")),
            interfaces: String::new(),
            security_level: sso::SecurityLevel::Tinggi,
            hosting: Placement::DinasDc,
            lifecycle: Lifecycle::Production,
            master_plan_item_id: Some(model::PlanItemId::new()),
            status: Status::Approved,
            review_note: None,
            created_at: now,
            created_by: "x".into(),
            updated_at: now,
            updated_by: "x".into(),
            feature_correction: true,
            feature_cancel: true,
            feature_confirmation: true,
            feature_offer_choice: true,
        }
    }

    fn broken(a: &ApplicationRow, docs: &HashSet<DocumentKind>) -> Vec<&'static str> {
        let f = AppFacts {
            app: a,
            documents: docs,
            region_domain: "sukamajukab.go.id",
        };
        RULES
            .iter()
            .filter(|r| applies(r, &f) && breaks(r, &f))
            .map(|r| r.id)
            .collect()
    }

    fn all_docs() -> HashSet<DocumentKind> {
        DocumentKind::ALL.iter().copied().collect()
    }

    #[test]
    fn a_model_application_breaks_nothing() {
        assert!(broken(&app(), &all_docs()).is_empty());
    }

    #[test]
    fn each_rule_catches_its_own_breach() {
        type Change = Box<dyn Fn(&mut ApplicationRow)>;
        let cases: Vec<(&str, Change)> = vec![
            (
                "REG-APP-REGISTERED",
                Box::new(|a| a.status = Status::Submitted),
            ),
            ("REG-APP-OPEN-SOURCE", Box::new(|a| a.open_source = false)),
            (
                "REG-APP-OWNERSHIP",
                Box::new(|a| a.licence_owned_by_region = false),
            ),
            (
                "REG-APP-HOSTING",
                Box::new(|a| a.hosting = Placement::Outside),
            ),
            (
                "REG-APP-DOMAIN",
                Box::new(|a| a.production_url = Some("https://simpeg.vendor.com".into())),
            ),
            ("REG-APP-SSO", Box::new(|a| a.sso_client_id = None)),
            (
                "REG-APP-MASTER-PLAN",
                Box::new(|a| a.master_plan_item_id = None),
            ),
            (
                "REG-APP-WEB",
                Box::new(|a| {
                    a.web_based = false;
                    a.sso_client_id = Some(sso::ClientId::sent("c"))
                }),
            ),
            (
                "REG-APP-USER-FEATURES",
                Box::new(|a| a.feature_offer_choice = false),
            ),
            (
                "REG-APP-USER-FEATURES",
                Box::new(|a| a.feature_cancel = false),
            ),
        ];
        for (rule, change) in cases {
            let mut a = app();
            change(&mut a);
            assert_eq!(broken(&a, &all_docs()), vec![rule], "{rule}");
        }
        let mut partial = all_docs();
        partial.remove(&DocumentKind::AdminManual);
        assert_eq!(broken(&app(), &partial), vec!["REG-APP-DOCUMENTS"]);
        assert_eq!(
            missing_documents(AppKind::Khusus, &partial),
            vec![DocumentKind::AdminManual]
        );
        let mut general = app();
        general.kind = AppKind::Umum;
        general.feature_correction = false;
        assert!(
            broken(&general, &HashSet::new()).is_empty(),
            "general apps owe no documents, and the Dinas's own are not bound by KT 16.5"
        );
        let mut planned = app();
        planned.lifecycle = Lifecycle::Planned;
        planned.feature_confirmation = false;
        assert!(
            !broken(&planned, &all_docs()).contains(&"REG-APP-USER-FEATURES"),
            "a planned application has no users yet"
        );
        let mut building = planned.clone();
        building.lifecycle = Lifecycle::Development;
        assert_eq!(
            broken(&building, &all_docs()),
            vec!["REG-APP-USER-FEATURES"],
            "the facilities are built in development"
        );
    }

    #[test]
    fn grants_and_retired_applications_are_spared() {
        let mut grant = app();
        grant.funding_source = model::Funding::Hibah;
        grant.code_owned_by_region = false;
        assert!(broken(&grant, &all_docs()).is_empty());
        let mut retired = app();
        retired.lifecycle = Lifecycle::Retired;
        retired.open_source = false;
        assert!(broken(&retired, &all_docs()).is_empty());
    }

    #[test]
    fn the_master_plan_must_be_in_force_and_reviewed() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let today = d(2026, 11, 24);
        assert_eq!(
            plan_breaks(None, today).map(|r| r.id),
            Some("REG-PLAN-CURRENT")
        );
        let now = chrono::NaiveDateTime::default();
        let mut p = PlanRow {
            id: PlanId::new(),
            title: "RITIK".into(),
            period_start: 2022,
            period_end: 2026,
            adopted_on: d(2022, 3, 1),
            last_reviewed_on: Some(d(2025, 2, 1)),
            created_at: now,
            created_by: "x".into(),
            updated_at: now,
            updated_by: "x".into(),
        };
        assert!(plan_breaks(Some(&p), today).is_none());
        p.last_reviewed_on = None;
        assert_eq!(
            plan_breaks(Some(&p), today).map(|r| r.id),
            Some("REG-PLAN-REVIEW")
        );
        p.period_end = 2025;
        assert_eq!(
            plan_breaks(Some(&p), today).map(|r| r.id),
            Some("REG-PLAN-CURRENT")
        );
    }

    #[test]
    fn every_rule_is_cited_somewhere_and_ids_are_unique() {
        let ids: HashSet<&str> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), RULES.len());
        assert!(RULES.iter().all(|r| !r.articles.is_empty()));
    }
}
