//! The overview a leader opens (Bupati, Sekda, and anyone who sees the whole region): the
//! region's compliance score and its trend, applications by status and agency, and how many
//! of them the master plan covers. The charts are drawn here as geometry for SVG in the page
//! (no JavaScript), each with its numbers written beside it.

use std::collections::HashMap;

use chrono::NaiveDate;
use kernel::i18n::Tr;
use kernel::ids::{AgencyId, Choice};

use crate::model::Status;

/// The trend chart's plot area, in the SVG's own units (360 × 170).
const PLOT_LEFT: i64 = 36;
const PLOT_RIGHT: i64 = 350;
const PLOT_TOP: i64 = 10;
const PLOT_BOTTOM: i64 = 130;

/// The region's score over time, as a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    /// The line's points (`x,y x,y …`).
    pub points: String,
    /// Each reading: where it is drawn and what it says.
    pub dots: Vec<(i64, i64, String)>,
    /// The first and the last day, for the axis.
    pub first: String,
    pub last: String,
}

fn y_of(score: u32) -> i64 {
    PLOT_BOTTOM - i64::from(score.min(100)) * (PLOT_BOTTOM - PLOT_TOP) / 100
}

/// The trend of `history` (oldest first), placed by date; `None` with fewer than two readings,
/// when there is no trend to draw.
pub fn trend(history: &[(NaiveDate, u32)], tr: Tr) -> Option<Trend> {
    let (first, last) = (history.first()?.0, history.last()?.0);
    let span = (last - first).num_days();
    if history.len() < 2 || span <= 0 {
        return None;
    }
    let dots: Vec<(i64, i64, String)> = history
        .iter()
        .map(|(day, score)| {
            let x = PLOT_LEFT + (*day - first).num_days() * (PLOT_RIGHT - PLOT_LEFT) / span;
            (x, y_of(*score), format!("{}: {score}%", tr.date(*day)))
        })
        .collect();
    Some(Trend {
        points: dots
            .iter()
            .map(|(x, y, _)| format!("{x},{y}"))
            .collect::<Vec<_>>()
            .join(" "),
        dots,
        first: tr.date(first),
        last: tr.date(last),
    })
}

/// A status's colour, the same in the legend and the bars.
pub fn colour(s: Status) -> &'static str {
    match s {
        Status::Approved => "#00703c",
        Status::Submitted => "#1d70b8",
        Status::Returned => "#f47738",
        Status::Draft => "#505a5f",
        Status::Rejected => "#d4351c",
        Status::Withdrawn => "#b1b4b6",
    }
}

/// How many applications the region has in one status.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusTotal {
    pub label: String,
    pub colour: &'static str,
    pub count: i64,
}

/// One part of an agency's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub x: i64,
    pub width: i64,
    pub colour: &'static str,
    /// What it stands for, in words ("Disetujui: 3").
    pub title: String,
}

/// One agency's applications, split by status.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyBar {
    pub code: String,
    pub total: i64,
    pub segments: Vec<Segment>,
    /// Every status's count, in [`Status::all`] order, for the table beside the chart.
    pub counts: Vec<i64>,
}

/// Where the bars start and how long the longest is.
const BAR_LEFT: i64 = 124;
const BAR_MAX: i64 = 190;

/// Totals per status and the `most` agencies with the most applications (most first, then by
/// code), each bar split by status; `codes` names the agencies.
pub fn by_agency(
    rows: &[(AgencyId, Status, i64)],
    codes: &HashMap<AgencyId, String>,
    tr: Tr,
    most: usize,
) -> (Vec<StatusTotal>, Vec<AgencyBar>) {
    let statuses = Status::all();
    let totals = statuses
        .iter()
        .map(|s| StatusTotal {
            label: tr.tp("app-status-", *s),
            colour: colour(*s),
            count: rows.iter().filter(|r| r.1 == *s).map(|r| r.2).sum(),
        })
        .filter(|t| t.count > 0)
        .collect();
    let mut per: HashMap<AgencyId, Vec<i64>> = HashMap::new();
    for (agency, status, n) in rows {
        let counts = per
            .entry(*agency)
            .or_insert_with(|| vec![0; statuses.len()]);
        if let Some(at) = statuses.iter().position(|s| s == status)
            && let Some(c) = counts.get_mut(at)
        {
            *c += n;
        }
    }
    let mut bars: Vec<AgencyBar> = per
        .into_iter()
        .map(|(agency, counts)| AgencyBar {
            code: codes.get(&agency).cloned().unwrap_or_default(),
            total: counts.iter().sum(),
            segments: vec![],
            counts,
        })
        .collect();
    bars.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.code.cmp(&b.code)));
    bars.truncate(most);
    let longest = bars.first().map_or(1, |b| b.total.max(1));
    for bar in &mut bars {
        let mut x = BAR_LEFT;
        let mut before = 0;
        for (status, n) in statuses.iter().zip(&bar.counts) {
            if *n == 0 {
                continue;
            }
            // Each edge is placed from the running count, so the parts add up to the whole bar.
            let end = BAR_LEFT + (before + n) * BAR_MAX / longest;
            bar.segments.push(Segment {
                x,
                width: (end - x).max(1),
                colour: colour(*status),
                title: format!("{}: {n}", tr.tp("app-status-", *status)),
            });
            before += n;
            x = end;
        }
    }
    (totals, bars)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    #[test]
    fn a_trend_needs_two_days_and_is_placed_by_date() {
        let tr = Tr::default();
        assert_eq!(trend(&[], tr), None);
        assert_eq!(trend(&[(day(1), 50)], tr), None);
        let t = trend(&[(day(1), 0), (day(2), 50), (day(11), 100)], tr);
        let t = t.as_ref().map(|t| t.points.as_str());
        // 0% at the bottom, 100% at the top; the second day a tenth of the way along.
        assert_eq!(t, Some("36,130 67,70 350,10"));
    }

    #[test]
    fn bars_split_by_status_add_up_and_rank_the_busiest_first() {
        let (a, b) = (AgencyId::new(), AgencyId::new());
        let codes = HashMap::from([(a, "DINKES".to_owned()), (b, "BAPPEDA".to_owned())]);
        let rows = [
            (a, Status::Approved, 3),
            (a, Status::Draft, 1),
            (b, Status::Submitted, 1),
        ];
        let (totals, bars) = by_agency(&rows, &codes, Tr::default(), 10);
        let counted: Vec<i64> = totals.iter().map(|t| t.count).collect();
        assert_eq!(counted.iter().sum::<i64>(), 5);
        assert_eq!(totals.len(), 3, "statuses nobody is in are left out");
        assert_eq!(
            bars.iter().map(|b| b.code.as_str()).collect::<Vec<_>>(),
            ["DINKES", "BAPPEDA"]
        );
        let first = &bars[0];
        let end = first.segments.last().map(|s| s.x + s.width);
        assert_eq!(
            end,
            Some(BAR_LEFT + BAR_MAX),
            "the busiest agency's bar is the longest"
        );
        assert_eq!(first.segments.len(), 2);
        assert_eq!(
            bars[1].segments[0].width,
            BAR_MAX / 4,
            "a quarter of the busiest"
        );
        let (_, top) = by_agency(&rows, &codes, Tr::default(), 1);
        assert_eq!(top.len(), 1);
    }
}
