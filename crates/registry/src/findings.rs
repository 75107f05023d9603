//! Compliance findings as people read them: the rule's statement in their language and the
//! region's own citation, evaluated over every context's rules with the region's pack.

use std::collections::HashMap;

use kernel::compliance::{self, Active, Evaluation, Pack, Within};
use kernel::i18n::Tr;
use kernel::ids::AgencyId;
use kernel::listing::ListQuery;
use kernel::permissions::{Access, Scope, Visible};
use kernel::{AppError, AppResult, AppState, Ctx};
use org::directory::AgencyRef;

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
    pub agency_id: Option<AgencyId>,
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
    pub agency_id: AgencyId,
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

/// What an evaluation needs to be shown: the region's pack and regulation, and the agencies.
struct Run {
    e: Evaluation,
    pack: Pack,
    title: String,
    agencies: HashMap<AgencyId, AgencyRef>,
}

async fn run(state: &AppState, within: Within, detail: bool) -> AppResult<Run> {
    let (pack, title) = state
        .read(|c| {
            let region = org::directory::region(c)?;
            let pack = region.as_ref().map_or(Pack::KT, |r| r.pack);
            Ok((pack, region.map(|r| r.regulation_title).unwrap_or_default()))
        })
        .await?;
    let active = Active { pack, detail };
    // Each context's rules run on their own connection, side by side.
    let tasks: Vec<_> = state
        .modules
        .rules()
        .iter()
        .map(|source| {
            let (source, within, state) = (*source, within.clone(), state.clone());
            tokio::spawn(async move {
                state
                    .read(move |c| Ok(compliance::evaluate(c, &[source], active, &within)?))
                    .await
            })
        })
        .collect();
    let mut e = Evaluation::new(&active);
    for t in tasks {
        e.merge(
            t.await
                .map_err(|err| AppError::Internal(err.to_string()))??,
        );
    }
    let ids: Vec<AgencyId> = e.checked.keys().copied().collect();
    let agencies = state
        .read(move |c| match &within {
            Within::Region => Ok(org::directory::all_agencies(c)?
                .into_iter()
                .map(|a| (a.id, a))
                .collect()),
            // Only the agencies the evaluation touched, not every agency in the country.
            Within::Agency(_) => Ok(org::directory::agencies(c, &ids)?),
        })
        .await?;
    Ok(Run {
        e,
        pack,
        title,
        agencies,
    })
}

fn score_views(r: &Run) -> Vec<ScoreView> {
    compliance::scores(&r.e)
        .into_iter()
        .filter_map(|(id, score, checked, bad)| {
            let a = r.agencies.get(&id)?;
            Some(ScoreView {
                agency_id: id,
                code: a.code.clone(),
                name: a.name.clone(),
                score,
                checked,
                findings: bad,
            })
        })
        .collect()
}

/// The agencies' scores within `within`, worst first (no findings are prepared for reading).
pub async fn scores(state: &AppState, within: Within) -> AppResult<Vec<ScoreView>> {
    Ok(score_views(&run(state, within, false).await?))
}

/// The evaluation within `within`, its findings for people, and the agencies' scores.
pub async fn evaluate(
    state: &AppState,
    within: Within,
    tr: Tr,
) -> AppResult<(Vec<FindingView>, Vec<ScoreView>)> {
    let r = run(state, within, true).await?;
    // Each rule's statement and citation are written once, not once per finding.
    let mut said: HashMap<&str, (String, String)> = HashMap::new();
    let findings =
        r.e.findings
            .iter()
            .map(|f| {
                let (statement, citation) = said
                    .entry(f.rule)
                    .or_insert_with(|| {
                        let rule = compliance::rule(state.modules.rules(), f.rule);
                        (
                            rule.map(|r| tr.t(r.statement)).unwrap_or_default(),
                            rule.and_then(|x| x.article(r.pack))
                                .map(|a| compliance::citation(a, &r.title))
                                .unwrap_or_default(),
                        )
                    })
                    .clone();
                FindingView {
                    rule: f.rule.to_owned(),
                    statement,
                    citation,
                    agency_code: f
                        .agency_id
                        .and_then(|a| r.agencies.get(&a))
                        .map(|a| a.code.clone()),
                    agency_id: f.agency_id,
                    record_type: f.record_type.to_owned(),
                    record_id: f.record_id.clone(),
                    label: f.label.clone(),
                    href: f.href.clone(),
                }
            })
            .collect();
    let scores = score_views(&r);
    Ok((findings, scores))
}

/// The findings a list's `rule` and `record_id` filters keep.
pub fn matching(found: Vec<FindingView>, q: &ListQuery) -> Vec<FindingView> {
    let (rule, record) = (q.get("rule"), q.get("record_id"));
    found
        .into_iter()
        .filter(|f| rule.is_none_or(|r| f.rule.eq_ignore_ascii_case(r)))
        .filter(|f| record.is_none_or(|r| f.record_id == r))
        .collect()
}

/// What `ctx` may see: the findings and scores of one agency when `narrow` names one it may
/// read (only that agency is evaluated, and only its own findings are kept: the Dinas's
/// master-plan findings belong to the Dinas), else of every agency it may read.
pub async fn for_reader(
    state: &AppState,
    ctx: &Ctx,
    narrow: Option<&str>,
) -> AppResult<(Vec<FindingView>, Vec<ScoreView>)> {
    let tr = ctx.tr();
    let one = |id: AgencyId| async move {
        let (mut f, s) = evaluate(state, Within::Agency(id), tr).await?;
        f.retain(|x| x.agency_id == Some(id));
        AppResult::Ok((
            f,
            s.into_iter()
                .filter(|x| x.agency_id == id)
                .collect::<Vec<_>>(),
        ))
    };
    if let Some(a) = narrow {
        let readable = AgencyId::parse(a)
            .filter(|id| ctx.can(&crate::FINDINGS, Access::Read, Scope::Agency(*id)));
        let Some(id) = readable else {
            ctx.require()?;
            return Ok((vec![], vec![]));
        };
        return one(id).await;
    }
    match ctx.visible(&crate::FINDINGS)? {
        Visible::All => evaluate(state, Within::Region, tr).await,
        Visible::Only(ids) => {
            let (mut f, mut s) = (vec![], vec![]);
            for id in ids {
                let (ff, ss) = one(id).await?;
                f.extend(ff);
                s.extend(ss);
            }
            Ok((f, s))
        }
    }
}

/// A new reading of the region's score is taken at most this often.
const HISTORY_EVERY_MINUTES: i64 = 10;

/// Records today's reading (the day in the region's time zone) of the region's score from
/// `scores`, a region-wide evaluation just run: the trend builds up as the region is looked
/// at, with no scheduler. A reading that cannot be recorded is logged, never shown: it is not
/// the reader's work. Two instances recording at once both succeed or one is logged.
pub async fn record_region(state: &AppState, zone: kernel::time::Zone, scores: &[ScoreView]) {
    let checked: u32 = scores.iter().map(|s| s.checked).sum();
    let failed: u32 = scores.iter().map(|s| s.findings).sum();
    let now = db::now();
    let day = zone.today_at(now);
    let result = async {
        let last = state
            .read(move |c| Ok(crate::store::history_recorded_at(c, day)?))
            .await?;
        if last.is_some_and(|t| now - t < chrono::TimeDelta::minutes(HISTORY_EVERY_MINUTES)) {
            return Ok(());
        }
        let reading = (
            i32::try_from(compliance::score(checked, failed)).unwrap_or(0),
            i32::try_from(checked).unwrap_or(i32::MAX),
            i32::try_from(failed).unwrap_or(i32::MAX),
        );
        state
            .write_unaudited(move |c| Ok(crate::store::history_record(c, day, reading, now)?))
            .await
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "the region's compliance score was not recorded");
    }
}

/// The region's recorded scores of the last `days` days, oldest first.
pub async fn region_history(
    state: &AppState,
    zone: kernel::time::Zone,
    days: u32,
) -> AppResult<Vec<(chrono::NaiveDate, u32)>> {
    let from = zone.today_at(db::now()) - chrono::Days::new(u64::from(days));
    Ok(state
        .read(move |c| Ok(crate::store::history_since(c, from)?))
        .await?
        .into_iter()
        .map(|(d, s)| (d, u32::try_from(s).unwrap_or(0)))
        .collect())
}
