//! The shared compliance engine. A *rule* is an id, a plain-language statement (a catalogue
//! key, so both languages), the article it comes from in each regulation pack that has it, and
//! a pure check over facts that the owning context supplies. Contexts contribute a
//! [`RuleSource`] (their rules and the loader that gathers facts and runs the checks); the
//! engine keeps only the rules of the region's pack, cites the region's own regulation in every
//! finding, and scores agencies.

use std::collections::BTreeMap;

use db::DbConn;
use diesel::QueryResult;

/// The four regulations whose rule packs ship with Simpul.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
pub enum Pack {
    /// Peraturan Bupati Kutai Timur No. 6 Tahun 2018.
    KT,
    /// Peraturan Bupati Enrekang No. 51.
    EN,
    /// Peraturan Bupati Mahakam Ulu No. 32 Tahun 2018.
    MU,
    /// Peraturan Walikota Bontang (2017).
    BT,
}

impl Pack {
    /// Parses `KT`, `EN`, `MU` or `BT` (any case).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_uppercase().as_str() {
            "KT" => Some(Self::KT),
            "EN" => Some(Self::EN),
            "MU" => Some(Self::MU),
            "BT" => Some(Self::BT),
            _ => None,
        }
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
    pub agency_id: Option<String>,
    /// What kind of record (`application`, `master_plan`…).
    pub record_type: &'static str,
    /// Its id.
    pub record_id: String,
    /// Its name, for people.
    pub label: String,
    /// Where to see it.
    pub href: String,
}

/// What a source's checks found: the findings, and how many (rule, record) checks ran per
/// agency (the denominator of the score).
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Records that break rules.
    pub findings: Vec<Finding>,
    /// Checks run per agency id.
    pub checked: BTreeMap<String, u32>,
}

impl Evaluation {
    /// Records one check of one record for `agency`, failing with `finding` when it is `Some`.
    pub fn check(&mut self, agency: Option<&str>, finding: Option<Finding>) {
        if let Some(a) = agency {
            *self.checked.entry(a.to_owned()).or_default() += 1;
        }
        if let Some(f) = finding {
            self.findings.push(f);
        }
    }

    /// Adds another source's evaluation.
    pub fn merge(&mut self, other: Evaluation) {
        self.findings.extend(other.findings);
        for (a, n) in other.checked {
            *self.checked.entry(a).or_default() += n;
        }
    }
}

/// Which records to evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Within {
    /// The whole region.
    Region,
    /// One agency's records.
    Agency(String),
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

/// The rules that apply in the region (its pack's).
#[derive(Debug, Clone)]
pub struct Active {
    /// The region's pack.
    pub pack: Pack,
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
    pack: Pack,
    within: &Within,
) -> QueryResult<Evaluation> {
    let active = Active { pack };
    let mut all = Evaluation::default();
    for s in sources {
        all.merge((s.evaluate)(conn, within, &active)?);
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
pub fn scores(e: &Evaluation) -> Vec<(String, u32, u32, u32)> {
    let mut failed: BTreeMap<&str, u32> = BTreeMap::new();
    for f in &e.findings {
        if let Some(a) = f.agency_id.as_deref() {
            *failed.entry(a).or_default() += 1;
        }
    }
    let mut out: Vec<(String, u32, u32, u32)> = e
        .checked
        .iter()
        .map(|(a, n)| {
            let bad = failed.get(a.as_str()).copied().unwrap_or(0);
            (a.clone(), score(*n, bad), *n, bad)
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
        assert!(Active { pack: Pack::BT }.has(&R));
        assert!(!Active { pack: Pack::MU }.has(&R));
        assert_eq!(Pack::parse(" kt "), Some(Pack::KT));
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
        let f = |a: &str| Finding {
            rule: "X",
            agency_id: Some(a.into()),
            record_type: "application",
            record_id: "1".into(),
            label: "l".into(),
            href: "/".into(),
        };
        let mut e = Evaluation::default();
        e.check(Some("a"), None);
        e.check(Some("a"), Some(f("a")));
        e.check(Some("b"), None);
        let mut other = Evaluation::default();
        other.check(Some("b"), None);
        e.merge(other);
        assert_eq!(
            scores(&e),
            vec![("a".into(), 50, 2, 1), ("b".into(), 100, 2, 0)]
        );
    }
}
