//! Compliance findings as people read them: the rule's statement in their language and the
//! region's own citation, evaluated over every context's rules with the region's pack.

use std::collections::HashMap;

use kernel::compliance::{self, Evaluation, Pack, Within};
use kernel::i18n::Tr;
use kernel::{AppResult, AppState};

/// A finding ready to show or send.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FindingView {
    /// Rule id.
    pub rule: String,
    /// What the rule says, in the reader's language.
    pub statement: String,
    /// The article of the region's regulation (`Pasal 10 ayat (3) Peraturan Bupati …`).
    pub citation: String,
    /// The agency that must act.
    pub agency_id: Option<String>,
    /// Its code.
    pub agency_code: Option<String>,
    /// Kind of record.
    pub record_type: String,
    /// Record id.
    pub record_id: String,
    /// Record name.
    pub label: String,
    /// Where to see it.
    pub href: String,
}

/// An agency's standing.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ScoreView {
    /// Agency id.
    pub agency_id: String,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Share of passing checks, 0–100.
    pub score: u32,
    /// Checks run.
    pub checked: u32,
    /// Findings open.
    pub findings: u32,
}

/// The evaluation within `within`, its findings for people, and the agencies' scores.
pub async fn evaluate(
    state: &AppState,
    within: Within,
    tr: Tr,
) -> AppResult<(Vec<FindingView>, Vec<ScoreView>)> {
    let sources = state.rules.clone();
    let (e, region, agencies): (Evaluation, _, _) = state
        .read(move |c| {
            let region = org::store::region_get(c)?;
            let pack = region
                .as_ref()
                .and_then(|r| Pack::parse(&r.regulation_pack))
                .unwrap_or(Pack::KT);
            let e = compliance::evaluate(c, &sources, pack, &within)?;
            let agencies = org::store::agency_all(c)?;
            Ok((e, region, agencies))
        })
        .await?;
    let pack = region
        .as_ref()
        .and_then(|r| Pack::parse(&r.regulation_pack))
        .unwrap_or(Pack::KT);
    let title = region.map(|r| r.regulation_title).unwrap_or_default();
    let by_id: HashMap<&str, _> = agencies.iter().map(|a| (a.id.as_str(), a)).collect();
    let findings = e
        .findings
        .iter()
        .map(|f| {
            let rule = compliance::rule(&state.rules, f.rule);
            FindingView {
                rule: f.rule.to_owned(),
                statement: rule.map(|r| tr.t(r.statement)).unwrap_or_default(),
                citation: rule
                    .and_then(|r| r.article(pack))
                    .map(|a| compliance::citation(a, &title))
                    .unwrap_or_default(),
                agency_code: f
                    .agency_id
                    .as_deref()
                    .and_then(|a| by_id.get(a))
                    .map(|a| a.code.clone()),
                agency_id: f.agency_id.clone(),
                record_type: f.record_type.to_owned(),
                record_id: f.record_id.clone(),
                label: f.label.clone(),
                href: f.href.clone(),
            }
        })
        .collect();
    let scores = compliance::scores(&e)
        .into_iter()
        .filter_map(|(id, score, checked, bad)| {
            let a = by_id.get(id.as_str())?;
            Some(ScoreView {
                agency_id: id,
                code: a.code.clone(),
                name: a.name.clone(),
                score,
                checked,
                findings: bad,
            })
        })
        .collect();
    Ok((findings, scores))
}
