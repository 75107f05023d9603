//! The shared compliance engine. A *rule* is an id, a plain-language statement (a catalogue
//! key, so both languages), the article it comes from in each regulation pack that has it, and
//! a pure check over facts that the owning context supplies. Contexts contribute a
//! [`RuleSource`] (their rules and the loader that gathers facts and runs the checks); the
//! engine keeps only the rules of the region's pack, cites the region's own regulation in every
//! finding, and scores agencies.

use std::collections::BTreeMap;

use db::DbConn;
use diesel::QueryResult;

use crate::ids::AgencyId;

crate::text_enum! {
    /// The four regulations whose rule packs ship with Simpul.
    pub enum Pack {
        /// Peraturan Bupati Kutai Timur No. 6 Tahun 2018.
        KT = "KT",
        /// Peraturan Bupati Enrekang No. 51.
        EN = "EN",
        /// Peraturan Bupati Mahakam Ulu No. 32 Tahun 2018.
        MU = "MU",
        /// Peraturan Walikota Bontang (2017).
        BT = "BT",
    }
}

/// One rule of the packs.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id (`REG-APP-DOCS`), used in findings and the API.
    pub id: &'static str,
    /// Catalogue key of the plain-language statement.
    pub statement: &'static str,
    /// The article in each pack that has this obligation; packs not listed do not apply it.
    pub articles: &'static [(Pack, &'static str)],
}

impl Rule {
    /// The article in `pack`, if the rule applies there.
    pub fn article(&self, pack: Pack) -> Option<&'static str> {
        self.articles
            .iter()
            .find(|(p, _)| *p == pack)
            .map(|(_, a)| *a)
    }
}

/// A record that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Finding {
    /// The rule broken.
    pub rule: &'static str,
    /// The agency that must act (none: the Dinas's own region-wide duty).
    pub agency_id: Option<AgencyId>,
    /// What kind of record (`application`, `master_plan`…).
    pub record_type: &'static str,
    /// Its id.
    pub record_id: String,
    /// Its name, for people.
    pub label: String,
    /// Where to see it.
    pub href: String,
}

/// What a source's checks found: the findings (when asked for), and per agency how many
/// (rule, record) checks ran — the score's denominator — and how many failed.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Records that break rules (empty when only scores were asked for).
    pub findings: Vec<Finding>,
    /// Checks run per agency id.
    pub checked: BTreeMap<AgencyId, u32>,
    /// Checks failed per agency id.
    pub failed: BTreeMap<AgencyId, u32>,
    /// Whether findings are kept, or only counted.
    pub detail: bool,
}

fn bump(map: &mut BTreeMap<AgencyId, u32>, agency: AgencyId) {
    *map.entry(agency).or_default() += 1;
}

impl Evaluation {
    /// An empty evaluation that keeps findings if `active` asks for them.
    pub fn new(active: &Active) -> Self {
        Self {
            detail: active.detail,
            ..Self::default()
        }
    }

    /// Records one check of one record for `agency`; when `broken`, the finding `what` makes
    /// is kept (it is only made when findings are wanted: a region may have a million checks).
    pub fn check(
        &mut self,
        agency: Option<AgencyId>,
        broken: bool,
        what: impl FnOnce() -> Finding,
    ) {
        if let Some(a) = agency {
            bump(&mut self.checked, a);
            if broken {
                bump(&mut self.failed, a);
            }
        }
        if broken && self.detail {
            self.findings.push(what());
        }
    }

    /// Records `n` checks for `agency` whose failures are reported with [`Evaluation::fail`]
    /// (for a source that counts its checks in the database rather than one by one).
    pub fn count(&mut self, agency: AgencyId, n: u32) {
        *self.checked.entry(agency).or_default() += n;
    }

    /// Records a failed check already counted with [`Evaluation::count`].
    pub fn fail(&mut self, agency: AgencyId, what: impl FnOnce() -> Finding) {
        bump(&mut self.failed, agency);
        if self.detail {
            self.findings.push(what());
        }
    }

    /// Adds another source's evaluation.
    pub fn merge(&mut self, other: Evaluation) {
        self.findings.extend(other.findings);
        for (a, n) in other.checked {
            *self.checked.entry(a).or_default() += n;
        }
        for (a, n) in other.failed {
            *self.failed.entry(a).or_default() += n;
        }
    }
}

/// Which records to evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Within {
    /// The whole region.
    Region,
    /// One agency's records.
    Agency(AgencyId),
}

/// A context's contribution: its rules and the function that loads facts and checks them
/// (only the rules in `active` are to be checked).
#[derive(Debug, Clone, Copy)]
pub struct RuleSource {
    /// The rules.
    pub rules: &'static [Rule],
    /// Loads facts and runs the checks of the active rules.
    pub evaluate: fn(&mut DbConn, &Within, &Active) -> QueryResult<Evaluation>,
}

/// The rules that apply in the region (its pack's), and whether findings are wanted or only
/// the counts behind the scores.
#[derive(Debug, Clone, Copy)]
pub struct Active {
    /// The region's pack.
    pub pack: Pack,
    /// Keep each finding (false: count only).
    pub detail: bool,
}

impl Active {
    /// Whether the rule applies in this region.
    pub fn has(&self, rule: &Rule) -> bool {
        rule.article(self.pack).is_some()
    }
}

/// Every source's findings within `within`, for the rules of `pack`.
pub fn evaluate(
    conn: &mut DbConn,
    sources: &[RuleSource],
    active: Active,
    within: &Within,
) -> QueryResult<Evaluation> {
    let mut all = Evaluation::new(&active);
    for s in sources {
        let started = std::time::Instant::now();
        let e = (s.evaluate)(conn, within, &active)?;
        tracing::debug!(
            rules = s.rules.len(),
            findings = e.findings.len(),
            ms = started.elapsed().as_millis(),
            "compliance source evaluated"
        );
        all.merge(e);
    }
    Ok(all)
}

/// The rule with this id among the sources.
pub fn rule<'a>(sources: &'a [RuleSource], id: &str) -> Option<&'a Rule> {
    sources.iter().flat_map(|s| s.rules).find(|r| r.id == id)
}

/// How the region's own regulation is cited: `Pasal 10 ayat (3) Peraturan Bupati Sukamaju
/// Nomor 6 Tahun 2018`.
pub fn citation(article: &str, regulation_title: &str) -> String {
    format!("{article} {regulation_title}")
}

/// An agency's score: the share of its checks that pass, 0–100 (100 with nothing to check).
pub fn score(checked: u32, failed: u32) -> u32 {
    if checked == 0 {
        return 100;
    }
    let passed = checked.saturating_sub(failed);
    (passed * 100 + checked / 2) / checked
}

/// Scores per agency id from an evaluation, worst first.
pub fn scores(e: &Evaluation) -> Vec<(AgencyId, u32, u32, u32)> {
    let failed = &e.failed;
    let mut out: Vec<(AgencyId, u32, u32, u32)> = e
        .checked
        .iter()
        .map(|(a, n)| {
            let bad = failed.get(a).copied().unwrap_or(0);
            (*a, score(*n, bad), *n, bad)
        })
        .collect();
    out.sort_by(|x, y| x.1.cmp(&y.1).then_with(|| x.0.cmp(&y.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Rule = Rule {
        id: "X",
        statement: "rule-x",
        articles: &[
            (Pack::KT, "Pasal 6 ayat (3)"),
            (Pack::BT, "Pasal 18 ayat (2)"),
        ],
    };

    #[test]
    fn rules_apply_only_in_packs_that_have_them() {
        assert_eq!(R.article(Pack::KT), Some("Pasal 6 ayat (3)"));
        assert_eq!(R.article(Pack::EN), None);
        let active = |pack| Active { pack, detail: true };
        assert!(active(Pack::BT).has(&R));
        assert!(!active(Pack::MU).has(&R));
        assert_eq!(Pack::parse_typed(" kt "), Some(Pack::KT));
        assert_eq!(Pack::parse("XX"), None);
    }

    #[test]
    fn citation_names_the_regions_regulation() {
        assert_eq!(
            citation(
                "Pasal 10 ayat (3)",
                "Peraturan Bupati Kutai Timur No. 6 Tahun 2018"
            ),
            "Pasal 10 ayat (3) Peraturan Bupati Kutai Timur No. 6 Tahun 2018"
        );
    }

    #[test]
    fn scores_are_the_share_of_passing_checks_worst_first() {
        assert_eq!(score(0, 0), 100);
        assert_eq!(score(4, 1), 75);
        assert_eq!(score(3, 3), 0);
        let (a, b) = (AgencyId::new(), AgencyId::new());
        let f = |a: AgencyId| Finding {
            rule: "X",
            agency_id: Some(a),
            record_type: "application",
            record_id: "1".into(),
            label: "l".into(),
            href: "/".into(),
        };
        for detail in [true, false] {
            let active = Active {
                pack: Pack::KT,
                detail,
            };
            let mut e = Evaluation::new(&active);
            e.check(Some(a), false, || f(a));
            e.check(Some(a), true, || f(a));
            e.check(Some(b), false, || f(b));
            let mut other = Evaluation::new(&active);
            other.check(Some(b), false, || f(b));
            e.merge(other);
            assert_eq!(scores(&e), vec![(a, 50, 2, 1), (b, 100, 2, 0)]);
            assert_eq!(
                e.findings.len(),
                usize::from(detail),
                "findings only when asked for"
            );
        }
    }
}
