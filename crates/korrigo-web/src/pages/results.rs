//! The Results tab of an exam (managers, `/exams/{id}/results`): release or withdraw, the
//! annotated PDFs and their ZIP, exports, statistics, and each copy's grade, PDF and release.

use super::{Layout, layout, page_error, render};
use crate::AppState;
use crate::auth::PageSession;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use korrigo_domain::ExamId;

/// A copy's line of the Results page.
pub struct ResultRow {
    pub(crate) id: i64,
    pub(crate) code: String,
    pub(crate) student: Option<String>,
    /// "14,5" (the scale is shown beside): the final grade.
    pub(crate) grade: Option<String>,
    /// The grade before harmonisation, when one applies.
    pub(crate) raw_grade: Option<String>,
    pub(crate) pdf_ready: bool,
    pub(crate) pdf_generating: bool,
    pub(crate) pdf_failed: Option<String>,
    pub(crate) released: bool,
    /// Why it is not released: not graded, unidentified, or just not yet.
    pub(crate) not_ready_key: &'static str,
}

#[derive(Template)]
#[template(path = "exam_results.html")]
struct ResultsTab {
    l: Layout,
    id: i64,
    name: String,
    scale: u32,
    released_at: Option<String>,
    released: usize,
    ready: usize,
    total: usize,
    unidentified: usize,
    not_ready: Vec<i64>,
    lines: Vec<ResultRow>,
    pdf_ready: usize,
    pdf_generating: usize,
    pdf_failed: usize,
    script: String,
    v: StatsView,
    stat_correctors: Vec<CorrectorRow>,
    /// Harmonisation: possible (a dispatch by copies with graded copies), those in force,
    /// those removed.
    can_adjust: bool,
    adjustments: Vec<AdjustmentRow>,
    removed_adjustments: Vec<AdjustmentRow>,
    adjust_script: String,
}

/// A corrector's line: their raw figures and, when harmonised, how and the mean after.
pub struct CorrectorRow {
    pub(crate) username: String,
    pub(crate) f: FiguresRow,
    pub(crate) adjustment: Option<String>,
    pub(crate) adjusted_mean: Option<String>,
}

/// A harmonisation as the page lists it.
pub struct AdjustmentRow {
    pub(crate) id: i64,
    pub(crate) corrector: String,
    pub(crate) description: String,
    pub(crate) by: String,
    pub(crate) at: String,
    pub(crate) removed: Option<String>,
}

/// Figures written the reader's way ("12,5").
pub struct FiguresRow {
    pub(crate) corrector: String,
    pub(crate) count: usize,
    pub(crate) mean: String,
    pub(crate) median: String,
    pub(crate) std_dev: String,
    pub(crate) min: String,
    pub(crate) max: String,
}

impl FiguresRow {
    fn of(corrector: &str, f: &korrigo_domain::stats::Figures) -> FiguresRow {
        let n = korrigo_domain::gradebook::french_number;
        FiguresRow {
            corrector: corrector.to_string(),
            count: f.count,
            mean: n(f.mean),
            median: n(f.median),
            std_dev: n(f.std_dev),
            min: n(f.min),
            max: n(f.max),
        }
    }
}

/// Statistics as the pages show them: the overall figures, the histogram drawn on the server
/// and each question's mean and success rate.
pub struct StatsView {
    pub(crate) overall: Option<FiguresRow>,
    /// Our own SVG, built from numbers: safe to embed.
    pub(crate) histogram: String,
    pub(crate) questions: Vec<QuestionStatRow>,
    /// Some graded copy is seen (else the empty state).
    pub(crate) any: bool,
}

impl StatsView {
    /// From the app's statistics, in the reader's language.
    pub(crate) fn of(stats: &korrigo_app::results::ExamStats, l: &Layout) -> StatsView {
        let n = korrigo_domain::gradebook::french_number;
        StatsView {
            overall: stats.overall.as_ref().map(|f| FiguresRow::of("", f)),
            histogram: if stats.overall.is_some() {
                korrigo_domain::stats::histogram_svg(
                    &stats.histogram,
                    stats.scale,
                    &format!("{} {}", l.t.get("results.stats_histogram"), stats.scale),
                )
            } else {
                String::new()
            },
            questions: stats
                .questions
                .iter()
                .map(|q| QuestionStatRow {
                    label: q.label.clone(),
                    mean: q
                        .figures
                        .as_ref()
                        .map_or("—".into(), |f| format!("{} / {}", n(f.mean), n(q.max))),
                    success: q.figures.as_ref().map_or("—".into(), |f| {
                        format!("{}\u{a0}%", n((f.success * 100.0).round()))
                    }),
                })
                .collect(),
            any: stats.overall.is_some() || stats.questions.iter().any(|q| q.figures.is_some()),
        }
    }
}

/// A question's mean and success rate ("1,5 / 2", "75 %").
pub struct QuestionStatRow {
    pub(crate) label: String,
    pub(crate) mean: String,
    pub(crate) success: String,
}

/// `GET /exams/{id}/results`: the Results tab (managers): release or withdraw, exports, and
/// each copy's grade, final PDF and release.
pub async fn tab(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    use korrigo_app::results::PdfState;
    let o = match st.app.results_overview(&s, ExamId(id)).await {
        Ok(o) => o,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let stats = match st.app.exam_stats(&s, ExamId(id)).await {
        Ok(x) => x,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let l = layout(&st, Some(&s), &headers, "nav.exams");
    let n = korrigo_domain::gradebook::french_number;
    let v = StatsView::of(&stats, &l);
    let stat_correctors: Vec<CorrectorRow> = stats
        .correctors
        .iter()
        .map(|c| CorrectorRow {
            username: c.corrector.clone(),
            f: FiguresRow::of(&c.corrector_name, &c.figures),
            adjustment: c.adjustment.clone(),
            adjusted_mean: c.adjusted.as_ref().map(|f| n(f.mean)),
        })
        .collect();
    let list = match st.app.exam_adjustments(&s, ExamId(id)).await {
        Ok(x) => x,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let when = |ms: i64| {
        let iso = crate::pages::iso(ms);
        korrigo_domain::Date::parse(&iso[..10]).map_or(iso.clone(), |d| d.french())
    };
    let (adjustments, removed_adjustments): (Vec<AdjustmentRow>, Vec<AdjustmentRow>) = list
        .items
        .iter()
        .filter_map(|a| {
            Some(AdjustmentRow {
                id: a.id?,
                corrector: a.corrector_name.clone(),
                description: a.description.clone(),
                by: a.created_by_name.clone().unwrap_or_default(),
                at: a.created_at.map(when).unwrap_or_default(),
                removed: a.removed_at.map(|ms| {
                    format!(
                        "{} ({})",
                        when(ms),
                        a.removed_by_name.clone().unwrap_or_default()
                    )
                }),
            })
        })
        .partition(|a| a.removed.is_none());
    let released_at = o.released_at.map(|ms| {
        let iso = crate::pages::iso(ms);
        korrigo_domain::Date::parse(&iso[..10]).map_or(iso.clone(), |d| d.french())
    });
    let not_ready: Vec<i64> = o
        .lines
        .iter()
        .filter(|c| c.not_ready.is_some())
        .map(|c| c.id)
        .collect();
    let lines: Vec<ResultRow> = o
        .lines
        .iter()
        .map(|c| ResultRow {
            id: c.id,
            code: c.code.clone(),
            student: c.student.clone(),
            grade: c.grade.map(korrigo_domain::results::french_short),
            raw_grade: c.raw_grade.map(korrigo_domain::results::french_short),
            pdf_ready: matches!(c.pdf, PdfState::Ready { .. }),
            pdf_generating: matches!(c.pdf, PdfState::Generating),
            pdf_failed: match &c.pdf {
                PdfState::Failed { reason } => Some(crate::i18n::translate(l.t.locale, reason)),
                _ => None,
            },
            released: c.released,
            not_ready_key: match c.not_ready {
                Some("not_graded") => "results.not_graded",
                Some(_) => "results.unidentified",
                None => "results.not_released",
            },
        })
        .collect();
    render(&ResultsTab {
        id,
        name: o.exam.clone(),
        scale: o.grade_scale,
        released_at,
        released: lines.iter().filter(|c| c.released).count(),
        ready: o
            .lines
            .iter()
            .filter(|c| !c.aside && c.not_ready.is_none() && c.grade.is_some())
            .count(),
        total: o.lines.iter().filter(|c| !c.aside).count(),
        unidentified: o
            .lines
            .iter()
            .filter(|c| c.not_ready == Some("unidentified"))
            .count(),
        not_ready,
        pdf_ready: lines.iter().filter(|c| c.pdf_ready).count(),
        pdf_generating: lines.iter().filter(|c| c.pdf_generating).count(),
        pdf_failed: lines.iter().filter(|c| c.pdf_failed.is_some()).count(),
        lines,
        script: st.assets.url("results/tab.js").to_string(),
        v,
        can_adjust: stats.scope == "exam" && !stat_correctors.is_empty(),
        stat_correctors,
        adjustments,
        removed_adjustments,
        adjust_script: st.assets.url("results/adjust.js").to_string(),
        l,
    })
}
