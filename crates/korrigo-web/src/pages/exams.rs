//! Exam pages: the list (with the creation form), one exam, its marking scheme editor.

use super::{Layout, Pager, layout, page_error, pager, render};
use crate::AppState;
use crate::api::exams::ExamQuery;
use crate::auth::PageSession;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use korrigo_domain::{ExamId, ExamRole, PageRequest};
use korrigo_store::exams::ExamListItem;

/// An exam row of a list.
pub struct ExamRowView {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) subject: String,
    pub(crate) date: String,
    pub(crate) classes: String,
    pub(crate) role_key: &'static str,
    pub(crate) archived: bool,
}

fn role_key(r: Option<ExamRole>) -> &'static str {
    match r {
        Some(ExamRole::Manager) => "exams.role_manager",
        Some(ExamRole::Corrector) => "exams.role_corrector",
        None => "exams.role_none",
    }
}

impl From<&ExamListItem> for ExamRowView {
    fn from(i: &ExamListItem) -> Self {
        ExamRowView {
            id: i.exam.id.0,
            name: i.exam.name.clone(),
            subject: i.exam.subject.clone(),
            date: i.exam.date.map(|d| d.french()).unwrap_or_default(),
            classes: i.exam.classes.join(", "),
            role_key: role_key(i.my_role),
            archived: i.exam.archived_at.is_some(),
        }
    }
}

/// The values of the exam form.
pub struct FormValues {
    name: String,
    subject: String,
    date: String,
    classes: String,
    layout: String,
    grade_scale: u32,
    coefficient: String,
}

impl FormValues {
    fn empty() -> FormValues {
        FormValues {
            name: String::new(),
            subject: String::new(),
            date: String::new(),
            classes: String::new(),
            layout: "a4:4".into(),
            grade_scale: 20,
            coefficient: "1".into(),
        }
    }

    fn of(e: &korrigo_app::shapes::ExamJson) -> FormValues {
        FormValues {
            name: e.name.clone(),
            subject: e.subject.clone(),
            date: e.date.map(|d| d.iso()).unwrap_or_default(),
            classes: e.classes.join(", "),
            layout: e.layout.as_string(),
            grade_scale: e.grade_scale,
            coefficient: e.coefficient.french(),
        }
    }
}

/// An exam's layout in words ("A4, 4 pages par copie", "A3 copies doubles"), never `a4:4`.
fn layout_words(t: &crate::i18n::Tr, layout: korrigo_domain::exams::PageLayout) -> String {
    match layout {
        korrigo_domain::exams::PageLayout::A4 { pages } => format!(
            "A4, {} {}",
            t.count(&i64::from(pages), "copies.page", "copies.pages"),
            t.get("exams.per_copy")
        ),
        korrigo_domain::exams::PageLayout::A3 => t.get("exams.layout_a3").to_string(),
    }
}

const LAYOUTS: [(&str, &str); 5] = [
    ("a4:4", "exams.layout_a4_4"),
    ("a4:8", "exams.layout_a4_8"),
    ("a4:2", "exams.layout_a4_2"),
    ("a4:1", "exams.layout_a4_1"),
    ("a3", "exams.layout_a3"),
];

#[derive(Template)]
#[template(path = "exams.html")]
struct ExamsPage {
    l: Layout,
    rows: Vec<ExamRowView>,
    pager: Pager,
    q: String,
    archived: bool,
    sort: String,
    filtered: bool,
    can_create: bool,
    f: FormValues,
    known_classes: Vec<String>,
    layouts: [(&'static str, &'static str); 5],
}

/// `GET /exams`.
pub async fn exams(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Query(q): Query<ExamQuery>,
) -> Response {
    let page = match st
        .app
        .list_exams(
            &s,
            q.q.clone(),
            q.archived,
            match q.sort() {
                Ok(o) => o,
                Err(e) => return e.into_response(),
            },
            PageRequest::new(q.page, q.per_page),
        )
        .await
    {
        Ok(p) => p,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let params = [
        ("q", q.q.clone().unwrap_or_default()),
        (
            "archived",
            if q.archived {
                "true".into()
            } else {
                String::new()
            },
        ),
        ("sort", q.sort.clone().unwrap_or_default()),
    ];
    let pager = pager(&page, "/exams", &params);
    let known_classes = st
        .app
        .classes(&s)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let mut f = FormValues::empty();
    if let Some(layout) = page.items.first().map(|i| i.exam.layout.as_string()) {
        f.layout = layout;
    }
    render(&ExamsPage {
        l: layout(&st, Some(&s), &headers, "nav.exams"),
        rows: page.items.iter().map(ExamRowView::from).collect(),
        pager,
        filtered: !params[0].1.is_empty(),
        q: params[0].1.clone(),
        archived: q.archived,
        sort: q.sort.clone().unwrap_or_else(|| "newest".into()),
        can_create: korrigo_domain::policy::create_exam(&s.actor()).is_ok(),
        f,
        known_classes,
        layouts: LAYOUTS,
    })
}

struct MemberView {
    user_id: i64,
    username: String,
    display_name: String,
    role_key: &'static str,
}

#[derive(Template)]
#[template(path = "exam_settings.html")]
struct ExamSettingsPage {
    l: Layout,
    id: i64,
    name: String,
    archived: bool,
    can_manage: bool,
    student_count: i64,
    f: FormValues,
    members: Vec<MemberView>,
    known_classes: Vec<String>,
    layouts: [(&'static str, &'static str); 5],
}

/// `GET /exams/{id}/settings`: the exam's details, members, archiving.
pub async fn settings(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let v = match st.app.get_exam(&s, ExamId(id)).await {
        Ok(v) => v,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let known_classes = st
        .app
        .classes(&s)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    render(&ExamSettingsPage {
        l: layout(&st, Some(&s), &headers, "nav.exams"),
        id,
        name: v.exam.name.clone(),
        archived: v.exam.archived_at.is_some(),
        can_manage: v.can_manage,
        student_count: v.student_count,
        f: FormValues::of(&v.exam),
        members: v
            .members
            .into_iter()
            .map(|m| MemberView {
                user_id: m.user_id,
                username: m.username,
                display_name: m.display_name,
                role_key: role_key(ExamRole::parse(&m.role).ok()),
            })
            .collect(),
        known_classes,
        layouts: LAYOUTS,
    })
}

#[derive(Template)]
#[template(path = "scheme.html")]
struct SchemePage {
    l: Layout,
    id: i64,
    name: String,
    grade_scale: u32,
    can_manage: bool,
    scheme_js: String,
}

/// `GET /exams/{id}/scheme`: the tree editor (read-only for correctors).
pub async fn scheme(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let v = match st.app.get_exam(&s, ExamId(id)).await {
        Ok(v) => v,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    render(&SchemePage {
        l: layout(&st, Some(&s), &headers, "nav.exams"),
        id,
        name: v.exam.name.clone(),
        grade_scale: v.exam.grade_scale,
        can_manage: v.can_manage,
        scheme_js: st.assets.url("scheme.js").to_string(),
    })
}

/// An exam the user manages, or the error page to show instead.
async fn managed_exam(
    st: &AppState,
    s: &korrigo_app::accounts::AuthSession,
    headers: &HeaderMap,
    id: i64,
) -> Result<korrigo_app::exams::ExamView, Response> {
    match st.app.get_exam(s, ExamId(id)).await {
        Ok(v) if v.can_manage => Ok(v),
        Ok(_) => Err(page_error(st, s, headers, korrigo_app::AppError::Forbidden)),
        Err(e) => Err(page_error(st, s, headers, e)),
    }
}

#[derive(Template)]
#[template(path = "scans.html")]
struct ScansPage {
    l: Layout,
    id: i64,
    name: String,
    layout_name: String,
    default_grouping: &'static str,
    scans_js: String,
}

/// `GET /exams/{id}/scans`: uploads (resumable, with progress) and the batches' processing.
pub async fn scans(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let v = match managed_exam(&st, &s, &headers, id).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let l = layout(&st, Some(&s), &headers, "nav.exams");
    render(&ScansPage {
        layout_name: layout_words(&l.t, v.exam.layout),
        l,
        id,
        name: v.exam.name.clone(),
        default_grouping: korrigo_domain::scans::Grouping::default_for(v.exam.layout).as_str(),
        scans_js: st.assets.url("scans.js").to_string(),
    })
}

#[derive(Template)]
#[template(path = "copies.html")]
struct CopiesPage {
    l: Layout,
    id: i64,
    name: String,
    copies_js: String,
}

/// `GET /exams/{id}/copies`: the repair desk.
pub async fn copies(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let v = match managed_exam(&st, &s, &headers, id).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    render(&CopiesPage {
        l: layout(&st, Some(&s), &headers, "nav.exams"),
        id,
        name: v.exam.name.clone(),
        copies_js: st.assets.url("copies.js").to_string(),
    })
}

#[derive(Template)]
#[template(path = "identify.html")]
struct IdentifyPage {
    l: Layout,
    id: i64,
    name: String,
    identify_js: String,
    labels_js: String,
    /// The exam's classes, for the label sheets (empty: every student).
    classes: Vec<String>,
}

/// `GET /exams/{id}/identification`: the keyboard-first identification desk (managers).
pub async fn identification(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let v = match managed_exam(&st, &s, &headers, id).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    render(&IdentifyPage {
        l: layout(&st, Some(&s), &headers, "nav.exams"),
        id,
        name: v.exam.name.clone(),
        identify_js: st.assets.url("identify.js").to_string(),
        labels_js: st.assets.url("labels.js").to_string(),
        classes: v.exam.classes.clone(),
    })
}

/// One step of the exam's hub.
pub struct Step {
    pub(crate) key: &'static str,
    pub(crate) href: String,
    pub(crate) state: String,
    pub(crate) done: bool,
    pub(crate) next: bool,
}

#[derive(Template)]
#[template(path = "exam.html")]
struct ExamPage {
    l: Layout,
    id: i64,
    name: String,
    archived: bool,
    can_manage: bool,
    steps: Vec<Step>,
}

/// `GET /exams/{id}`: the exam's hub, its steps in order with their state at a glance and the
/// next thing to do highlighted; a corrector sees the scheme and the grading only.
pub async fn exam(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let v = match st.app.get_exam(&s, ExamId(id)).await {
        Ok(v) => v,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let l = layout(&st, Some(&s), &headers, "nav.exams");
    let t = &l.t;
    let total = v.scheme_total;
    let scale = v.exam.grade_scale;
    let scheme_done = total.0 > 0 && total.as_f64() == f64::from(scale);
    let scheme_state = format!(
        "{} / {}{}",
        points_text(t, total),
        scale,
        if scheme_done {
            String::new()
        } else {
            format!(", {}", t.get("hub.to_complete"))
        }
    );
    let mut steps = vec![Step {
        key: "exams.scheme",
        href: format!("/exams/{id}/scheme"),
        state: scheme_state,
        done: scheme_done,
        next: false,
    }];
    if let (true, Some(p)) = (v.can_manage, v.progress) {
        let copies = t.count(&p.copies, "hub.copy", "hub.copies");
        let scans_state = if p.pages_flagged > 0 {
            format!("{copies}, {} {}", p.pages_flagged, t.get("hub.to_check"))
        } else if p.batches_running > 0 {
            format!("{copies}, {}", t.get("hub.processing"))
        } else {
            copies
        };
        steps.push(Step {
            key: "hub.scans",
            href: format!("/exams/{id}/scans"),
            state: scans_state,
            done: p.copies > 0 && p.pages_flagged == 0 && p.batches_running == 0,
            next: false,
        });
        steps.push(Step {
            key: "ident.title",
            href: format!("/exams/{id}/identification"),
            state: format!(
                "{} / {} {}",
                p.identified,
                p.copies,
                t.get("hub.identified")
            ),
            done: p.copies > 0 && p.identified == p.copies,
            next: false,
        });
        steps.push(Step {
            key: "hub.grading",
            href: format!("/exams/{id}/grading"),
            state: format!("{} / {} {}", p.graded, p.copies, t.get("hub.graded_word")),
            done: p.copies > 0 && p.graded == p.copies,
            next: false,
        });
        steps.push(Step {
            key: "hub.results",
            href: format!("/exams/{id}/results"),
            state: if v.released_at.is_some() {
                t.get("hub.results_released").to_string()
            } else {
                t.get("hub.results_not_released").to_string()
            },
            done: v.released_at.is_some(),
            next: false,
        });
    } else {
        steps.push(Step {
            key: "hub.grading",
            href: "/grading".into(),
            state: t.get("hub.my_copies").to_string(),
            done: false,
            next: false,
        });
    }
    if let Some(first) = steps.iter_mut().find(|s| !s.done) {
        first.next = true;
    }
    render(&ExamPage {
        l,
        id,
        name: v.exam.name.clone(),
        archived: v.exam.archived_at.is_some(),
        can_manage: v.can_manage,
        steps,
    })
}

/// Points as the reader writes them: `2,5` in French, `2.5` in English.
fn points_text(t: &crate::i18n::Tr, p: korrigo_domain::scheme::Points) -> String {
    match t.locale {
        korrigo_domain::Locale::Fr => p.to_string().replace('.', ","),
        korrigo_domain::Locale::En => p.to_string(),
    }
}

/// A corrector's line of the Correction page.
pub struct DistributionRow {
    pub(crate) corrector: String,
    /// Their questions' labels, by questions.
    pub(crate) questions: String,
    pub(crate) assigned: usize,
    pub(crate) started: usize,
    pub(crate) graded: usize,
    /// `{"corrector": ...}` for the release button.
    pub(crate) body: String,
}

/// A member who may be given copies or questions.
pub struct DispatchMember {
    pub(crate) username: String,
    pub(crate) manager: bool,
    /// Ticked by default: a corrector of the exam, or whoever has copies now.
    pub(crate) checked: bool,
}

/// A question of the scheme and its corrector, for the dispatch by questions.
pub struct DispatchQuestion {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) points: String,
    /// The current corrector's username (empty when nobody grades it).
    pub(crate) corrector: String,
}

#[derive(Template)]
#[template(path = "exam_grading.html")]
struct GradingTab {
    l: Layout,
    id: i64,
    name: String,
    rows: Vec<DistributionRow>,
    graded: usize,
    total: usize,
    unassigned: usize,
    by_questions: bool,
    unassigned_questions: Vec<String>,
    members: Vec<DispatchMember>,
    questions: Vec<DispatchQuestion>,
    dispatch_js: String,
}

/// `GET /exams/{id}/grading`: the Correction tab (managers): the distribution per corrector,
/// releasing a corrector's untouched copies or questions, and the dispatch by copies (with
/// shares) or by questions.
pub async fn grading(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let v = match managed_exam(&st, &s, &headers, id).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let status = match st.app.grading_status(&s, ExamId(id)).await {
        Ok(g) => g,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let by_questions = status.mode == "questions";
    let leaves = v.exam.scheme.leaves();
    let label_of = |q: &String| {
        leaves
            .iter()
            .find(|l| &l.0 == q)
            .map_or_else(|| q.clone(), |l| l.1.clone())
    };
    let has_work = |name: &str| status.correctors.iter().any(|d| d.corrector == name);
    // Correctors first, then managers (who may grade too), each by username.
    let mut members: Vec<DispatchMember> = v
        .members
        .iter()
        .map(|m| DispatchMember {
            username: m.username.clone(),
            manager: m.role == "manager",
            checked: if status.correctors.is_empty() {
                m.role == "corrector"
            } else {
                has_work(&m.username)
            },
        })
        .collect();
    members.sort_by(|a, b| (a.manager, &a.username).cmp(&(b.manager, &b.username)));
    let l = layout(&st, Some(&s), &headers, "nav.exams");
    let questions = leaves
        .iter()
        .map(|(qid, label, points)| DispatchQuestion {
            id: qid.clone(),
            label: label.clone(),
            points: points_text(&l.t, *points),
            corrector: if by_questions {
                status
                    .correctors
                    .iter()
                    .find(|d| d.questions.contains(qid))
                    .map(|d| d.corrector.clone())
                    .unwrap_or_default()
            } else {
                String::new()
            },
        })
        .collect();
    render(&GradingTab {
        l,
        id,
        name: v.exam.name.clone(),
        graded: status.statuses.get("GRADED").copied().unwrap_or(0),
        total: status.total,
        unassigned: status.unassigned,
        unassigned_questions: status.unassigned_questions.iter().map(label_of).collect(),
        rows: status
            .correctors
            .iter()
            .map(|d| DistributionRow {
                body: serde_json::json!({ "corrector": d.corrector }).to_string(),
                corrector: d.corrector.clone(),
                questions: d
                    .questions
                    .iter()
                    .map(label_of)
                    .collect::<Vec<_>>()
                    .join(", "),
                assigned: d.assigned,
                started: d.started,
                graded: d.graded,
            })
            .collect(),
        by_questions,
        members,
        questions,
        dispatch_js: st.assets.url("grading/dispatch.js").to_string(),
    })
}
