//! Identification: reading each copy's header (a job per copy, right after ingestion), matching
//! the readings against the exam's students over the whole exam (a job per exam), automatic
//! identification when safe, and the manager's desk (suggestions, search, manual choice with
//! swap confirmation). Every identification goes to the journal with its method and actor.
//! Identity stays with managers: every function here checks `manage_exam`.

use std::cell::RefCell;

use korrigo_domain::audit::AuditAction;
use korrigo_domain::copies::CopyStatus;
use korrigo_domain::identify::{self, IdMethod, Person, Reading, Thresholds};
use korrigo_domain::lattice::Lattice;
use korrigo_domain::text::fold;
use korrigo_domain::{Date, ExamId};
use korrigo_media::ocr::HeaderReader;
use korrigo_store::identify::{self as store, ExamStudent};
use korrigo_store::scans as scans_store;
use korrigo_store::{StoreError, now_ms};
use serde::{Deserialize, Serialize};
use tracing::info;

use crate::accounts::AuthSession;
use crate::{App, AppError, ClientInfo};

/// Reads one copy's header.
pub const READ_COPY: &str = "identify.read";
/// Matches an exam's readings against its students.
pub const MATCH_EXAM: &str = "identify.match";

/// The job reading one copy's header.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadCopy {
    /// The copy.
    pub copy: i64,
}

impl crate::jobs::JobSpec for ReadCopy {
    const KIND: &'static str = READ_COPY;
    const MAX_ATTEMPTS: u32 = 3;
    /// Text recognition: the CPU-heavy work an académie may run on workers of its own.
    const QUEUE: &'static str = crate::jobs::OCR_QUEUE;
}

/// The job matching an exam's readings against its students.
#[derive(Debug, Serialize, Deserialize)]
pub struct MatchExam {
    /// The exam.
    pub exam: i64,
}

impl crate::jobs::JobSpec for MatchExam {
    const KIND: &'static str = MATCH_EXAM;
    const MAX_ATTEMPTS: u32 = 3;
}

thread_local! {
    /// One Tesseract engine per blocking thread (loading it takes ~100 ms).
    static READER: RefCell<Option<HeaderReader>> = const { RefCell::new(None) };
}

/// A student as the desk shows them.
#[derive(Debug, Clone, Serialize)]
pub struct StudentRef {
    pub id: i64,
    pub last_name: String,
    pub first_name: String,
    /// `dd/mm/yyyy`.
    pub birth_date: String,
    pub class: Option<String>,
}

/// A suggestion with its student.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub student: StudentRef,
    pub score: f64,
    /// The copy already identified as this student, if any.
    pub taken_by: Option<i64>,
}

/// A copy on the desk.
#[derive(Debug, Clone, Serialize)]
pub struct DeskCopy {
    pub id: i64,
    pub code: String,
    /// `auto`, `label`, `manual`, `not_student`, or null while pending.
    pub method: Option<IdMethod>,
    pub student: Option<StudentRef>,
    pub confidence: Option<f64>,
    /// What was read: `{last_name, first_name, birth_date, date_digits, number, boxes, label}`,
    /// or null before the OCR; `label` is null without an identification label, else
    /// `{student}`: whose label it is (null when nobody taking this exam has that label).
    pub read: Option<serde_json::Value>,
    pub suggestions: Vec<Suggestion>,
    pub header_url: Option<String>,
}

/// The desk's list.
#[derive(Debug, Serialize)]
pub struct DeskList {
    pub items: Vec<DeskCopy>,
    /// The exam's students on no copy yet, in name order.
    pub unmatched: Vec<StudentRef>,
    pub pending: usize,
    pub auto: usize,
    pub manual: usize,
    pub total: usize,
}

/// A manager's decision.
#[derive(Debug, Deserialize)]
pub struct IdentifyInput {
    /// The student; absent with `not_student`.
    #[serde(default)]
    pub student: Option<i64>,
    /// The copy is not a student's (blank, spare sheet).
    #[serde(default)]
    pub not_student: bool,
    /// Take the student from the copy that has them (which becomes pending).
    #[serde(default)]
    pub swap: bool,
}

fn student_ref(s: &ExamStudent) -> StudentRef {
    StudentRef {
        id: s.id,
        last_name: s.last_name.clone(),
        first_name: s.first_name.clone(),
        birth_date: french(&s.birth_date),
        class: s.class_name.clone(),
    }
}

fn french(stored: &str) -> String {
    Date::parse(stored)
        .map(|d| d.french())
        .unwrap_or_else(|_| stored.to_string())
}

fn person(s: &ExamStudent) -> Person {
    Person {
        id: s.id,
        last_name: s.last_name.clone(),
        first_name: s.first_name.clone(),
        birth_date: french(&s.birth_date),
        number: s.ine.clone(),
    }
}

fn reading(r: &store::Reading) -> Reading {
    Reading {
        last_name: r.last_name.clone(),
        first_name: r.first_name.clone(),
        birth_date: r.birth_date.clone(),
        date_digits: r.date_digits.clone(),
        // Written by `run_read_copy`; a reading from before has none (`[]`).
        date_boxes: serde_json::from_str(&r.date_boxes).unwrap_or_default(),
        // Likewise: a reading from before migration 15 is matched on its strings.
        last_name_lattice: lattice_of(r.last_name_lattice.as_deref()),
        first_name_lattice: lattice_of(r.first_name_lattice.as_deref()),
        number: r.number.clone(),
    }
}

fn lattice_of(json: Option<&str>) -> Option<Lattice> {
    json.and_then(|j| serde_json::from_str(j).ok())
}

fn lattice_json(l: Option<&Lattice>) -> Option<String> {
    l.and_then(|l| serde_json::to_string(l).ok())
}

/// Per box, the ten likelihoods to three decimals (enough to compare dates, and short).
fn date_boxes_json(boxes: &[[f32; 10]]) -> String {
    let rounded: Vec<Vec<f32>> = boxes
        .iter()
        .map(|b| b.iter().map(|p| (p * 1000.0).round() / 1000.0).collect())
        .collect();
    serde_json::to_string(&rounded).unwrap_or_else(|_| "[]".into())
}

impl App {
    /// The job reading one copy's header.
    pub(crate) async fn run_read_copy(&self, copy_id: i64) -> Result<(), String> {
        let err = |e: StoreError| e.to_string();
        let (copy, first, labels) = {
            let mut c = self.db.read().await.map_err(err)?;
            let Some(copy) = scans_store::find_copy(c.conn(), copy_id)
                .await
                .map_err(err)?
            else {
                return Ok(());
            };
            let pages = scans_store::pages_of_copies(c.conn(), &[copy_id])
                .await
                .map_err(err)?;
            // Labels are looked for only where they were printed (a few milliseconds a header).
            let labels = store::exam_has_labels(c.conn(), ExamId(copy.exam_id))
                .await
                .map_err(err)?;
            (copy, pages.into_iter().next(), labels)
        };
        let key = first.and_then(|p| p.header_key);
        let (read, label) = match key {
            Some(key) => {
                let bytes = self
                    .files
                    .get(&key)
                    .await
                    .map_err(err)?
                    .ok_or("the header crop is missing from the file store")?;
                tokio::task::spawn_blocking(move || -> Result<_, String> {
                    let img = korrigo_media::raster::jpeg_full_gray(&bytes)?;
                    let label = labels
                        .then(|| korrigo_media::labels::read_label(&img))
                        .flatten();
                    READER.with(|r| {
                        let mut r = r.borrow_mut();
                        if r.is_none() {
                            *r = Some(HeaderReader::new().map_err(|e| e.to_string())?);
                        }
                        Ok((r.as_mut().expect("set above").read(&img), label))
                    })
                })
                .await
                .map_err(|e| e.to_string())??
            }
            None => (korrigo_media::ocr::HeaderRead::default(), None),
        };
        let mut tx = self.db.begin().await.map_err(err)?;
        store::save_reading(
            tx.conn(),
            &store::Reading {
                copy_id,
                last_name: read.last_name,
                first_name: read.first_name,
                birth_date: read.birth_date,
                date_digits: read.date_digits,
                date_boxes: date_boxes_json(&read.date_boxes),
                last_name_lattice: lattice_json(read.last_name_lattice.as_ref()),
                first_name_lattice: lattice_json(read.first_name_lattice.as_ref()),
                number: read.number,
                boxes: read.boxes,
                label,
                candidates: "[]".into(),
                read_at: now_ms(),
            },
        )
        .await
        .map_err(err)?;
        // One match for the exam's copies read meanwhile, not one per copy; queued with the
        // reading, so that no reading waits for a match that was never queued.
        self.queue_in(tx.conn(), &MatchExam { exam: copy.exam_id }, true)
            .await
            .map_err(err)?;
        tx.commit().await.map_err(err)?;
        self.queue.wake();
        Ok(())
    }

    /// The job matching an exam's readings: suggestions for every read copy, and automatic
    /// identifications where safe (copies already identified and their students are left
    /// alone).
    pub(crate) async fn run_match_exam(&self, exam: ExamId) -> Result<(), String> {
        let err = |e: StoreError| e.to_string();
        let mut tx = self.db.begin().await.map_err(err)?;
        let students = store::exam_students(tx.conn(), exam).await.map_err(err)?;
        let readings = store::readings_of_exam(tx.conn(), exam)
            .await
            .map_err(err)?;
        let (copies, _) = scans_store::list_copies(tx.conn(), exam.0, 100_000, 0)
            .await
            .map_err(err)?;
        let roster: Vec<Person> = students.iter().map(person).collect();
        let identified: std::collections::HashMap<i64, Option<i64>> = copies
            .iter()
            .filter(|c| c.id_method.0.is_some())
            .map(|c| (c.id, c.student_id))
            .collect();
        let taken: Vec<bool> = students
            .iter()
            .map(|s| identified.values().any(|v| *v == Some(s.id)))
            .collect();
        for r in &readings {
            let cands = identify::candidates(&reading(r), &roster, 5);
            let json = serde_json::to_string(&cands).map_err(|e| e.to_string())?;
            store::set_candidates(tx.conn(), r.copy_id, &json)
                .await
                .map_err(err)?;
        }
        let mut taken = taken;
        let pending: Vec<&store::Reading> = readings
            .iter()
            .filter(|r| !identified.contains_key(&r.copy_id))
            .collect();
        // Labels first: a copy carrying its student's label is theirs, with certainty.
        let by_token: std::collections::HashMap<&str, usize> = students
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.label_token.as_deref().map(|t| (t, i)))
            .collect();
        let labels: Vec<Option<usize>> = pending
            .iter()
            .map(|r| r.label.as_deref().and_then(|t| by_token.get(t).copied()))
            .collect();
        let by_label = korrigo_domain::labels::decide(&labels, &taken);
        let mut decided: Vec<(i64, i64, IdMethod, f64)> = Vec::new();
        for (r, s) in pending.iter().zip(&by_label) {
            if let Some(s) = *s {
                taken[s] = true;
                decided.push((r.copy_id, students[s].id, IdMethod::Label, 1.0));
            }
        }
        // Then reading, for the others.
        let rest: Vec<&&store::Reading> = pending
            .iter()
            .zip(&by_label)
            .filter(|(_, l)| l.is_none())
            .map(|(r, _)| r)
            .collect();
        let decisions = identify::assign(
            &rest.iter().map(|r| reading(r)).collect::<Vec<_>>(),
            &roster,
            &taken,
            Thresholds::default(),
        );
        for (r, d) in rest.iter().zip(&decisions) {
            if let (true, Some(student)) = (d.auto, d.student) {
                decided.push((r.copy_id, student, IdMethod::Auto, d.score));
            }
        }
        let now = now_ms();
        let (mut auto, mut labelled) = (0, 0);
        for &(copy_id, student, method, score) in &decided {
            store::set_identification(
                tx.conn(),
                copy_id,
                Some(student),
                Some(method),
                Some(score),
                None,
                now,
            )
            .await
            .map_err(err)?;
            // Graded before it was identified: its final PDF is made again with the name.
            if copies.iter().any(|k| {
                k.id == copy_id
                    && matches!(
                        k.status,
                        CopyStatus::Graded | CopyStatus::Finalizing | CopyStatus::FinalizeFailed
                    )
            }) {
                self.queue_final_pdf(tx.conn(), copy_id)
                    .await
                    .map_err(err)?;
            }
            self.audit_exam(
                tx.conn(),
                &crate::accounts::system_session(),
                AuditAction::CopyIdentified,
                exam,
                &ClientInfo::default(),
                Some(serde_json::json!({
                    "copy": copy_id, "method": method.as_str(), "student": student,
                    "confidence": (score * 100.0).round() / 100.0,
                })),
            )
            .await
            .map_err(|e| e.to_string())?;
            match method {
                IdMethod::Label => labelled += 1,
                _ => auto += 1,
            }
        }
        tx.commit().await.map_err(err)?;
        info!(
            exam = exam.0,
            read = readings.len(),
            auto,
            labelled,
            "identification matched"
        );
        Ok(())
    }

    /// Reads every copy of an exam again (after a roster change, or to retry); a copy whose
    /// reading is still waiting is not queued twice. Identified copies keep their student.
    pub async fn rerun_identification(
        &self,
        s: &AuthSession,
        exam: ExamId,
    ) -> Result<usize, AppError> {
        self.require_manager(s, exam).await?;
        let copies = {
            let mut c = self.db.read().await?;
            scans_store::list_copies(c.conn(), exam.0, 100_000, 0)
                .await?
                .0
        };
        let mut tx = self.db.begin().await?;
        for c in &copies {
            self.queue_in(tx.conn(), &ReadCopy { copy: c.id }, true)
                .await?;
        }
        tx.commit().await?;
        self.queue.wake();
        Ok(copies.len())
    }

    /// The desk: the exam's copies with what was read, their suggestions and their state.
    /// `filter`: `pending`, `auto`, `manual` or `all`.
    pub async fn identification_desk(
        &self,
        s: &AuthSession,
        exam: ExamId,
        filter: &str,
    ) -> Result<DeskList, AppError> {
        self.require_manager(s, exam).await?;
        if !["pending", "auto", "manual", "all"].contains(&filter) {
            return Err(AppError::invalid(
                "filter",
                "expected pending, auto, manual or all",
            ));
        }
        let mut c = self.db.read().await?;
        let students = store::exam_students(c.conn(), exam).await?;
        let readings = store::readings_of_exam(c.conn(), exam).await?;
        let (copies, _) = scans_store::list_copies(c.conn(), exam.0, 100_000, 0).await?;
        let first_page: std::collections::HashMap<i64, (i64, bool)> =
            scans_store::first_pages_of_exam(c.conn(), exam.0)
                .await?
                .into_iter()
                .map(|(copy, page, header)| (copy, (page, header)))
                .collect();
        let by_id: std::collections::HashMap<i64, &ExamStudent> =
            students.iter().map(|s| (s.id, s)).collect();
        // By copy, so that each copy finds its reading and first page at once.
        let reading_of: std::collections::HashMap<i64, &_> =
            readings.iter().map(|r| (r.copy_id, r)).collect();
        let by_label: std::collections::HashMap<&str, i64> = students
            .iter()
            .filter_map(|s| s.label_token.as_deref().map(|t| (t, s.id)))
            .collect();
        let taken: std::collections::HashMap<i64, i64> = copies
            .iter()
            .filter_map(|k| k.student_id.map(|s| (s, k.id)))
            .collect();
        let mut unmatched: Vec<StudentRef> = students
            .iter()
            .filter(|s| !taken.contains_key(&s.id))
            .map(student_ref)
            .collect();
        unmatched.sort_by(|a, b| {
            korrigo_domain::text::collate(&a.last_name, &b.last_name)
                .then_with(|| korrigo_domain::text::collate(&a.first_name, &b.first_name))
        });
        let mut out = DeskList {
            items: Vec::new(),
            unmatched,
            pending: 0,
            auto: 0,
            manual: 0,
            total: copies.len(),
        };
        for k in &copies {
            let kind = match k.id_method.0 {
                None => "pending",
                Some(IdMethod::Auto | IdMethod::Label) => "auto",
                Some(_) => "manual",
            };
            match kind {
                "pending" => out.pending += 1,
                "auto" => out.auto += 1,
                _ => out.manual += 1,
            }
            if filter != "all" && filter != kind {
                continue;
            }
            let r = reading_of.get(&k.id).copied();
            let cands: Vec<identify::Candidate> = r
                .map(|r| serde_json::from_str(&r.candidates).unwrap_or_default())
                .unwrap_or_default();
            let first = first_page.get(&k.id).copied();
            out.items.push(DeskCopy {
                id: k.id,
                code: k.code.clone(),
                method: k.id_method.0,
                student: k
                    .student_id
                    .and_then(|i| by_id.get(&i))
                    .map(|s| student_ref(s)),
                confidence: k.id_confidence,
                read: r.map(|r| {
                    serde_json::json!({
                        "last_name": r.last_name, "first_name": r.first_name,
                        "birth_date": r.birth_date, "date_digits": r.date_digits,
                        "number": r.number, "boxes": r.boxes,
                        // The label found, and whose it is among the exam's students
                        // (null: a label of nobody taking this exam).
                        "label": r.label.as_deref().map(|t| serde_json::json!({
                            "student": by_label.get(t),
                        })),
                    })
                }),
                suggestions: cands
                    .iter()
                    .filter_map(|c| {
                        by_id.get(&c.student).map(|s| Suggestion {
                            student: student_ref(s),
                            score: (c.score * 100.0).round() / 100.0,
                            taken_by: taken.get(&c.student).copied().filter(|o| *o != k.id),
                        })
                    })
                    .collect(),
                header_url: first
                    .filter(|(_, header)| *header)
                    .map(|(page, _)| format!("/api/pages/{page}/header/")),
            });
        }
        Ok(out)
    }

    /// Type-ahead over the exam's students: accents, case, spaces and hyphens ignored
    /// ("ben salah", "BENSALAH" and "Ben-Salah" alike). At most 20.
    pub async fn search_exam_students(
        &self,
        s: &AuthSession,
        exam: ExamId,
        q: &str,
    ) -> Result<Vec<StudentRef>, AppError> {
        self.require_manager(s, exam).await?;
        let mut c = self.db.read().await?;
        let students = store::exam_students(c.conn(), exam).await?;
        let needle = identify::key(q);
        let hits = students
            .iter()
            .filter(|s| {
                let full = identify::key(&format!("{} {}", s.last_name, s.first_name));
                let rev = identify::key(&format!("{} {}", s.first_name, s.last_name));
                needle.is_empty()
                    || full.contains(&needle)
                    || rev.contains(&needle)
                    || fold(&s.search_text).contains(&fold(q))
            })
            .take(20)
            .map(student_ref)
            .collect();
        Ok(hits)
    }

    /// A manager identifies a copy (or marks it "not a student"). Choosing a student another
    /// copy already has asks first (`swap`), then leaves that copy pending. Journaled.
    pub async fn identify_copy(
        &self,
        s: &AuthSession,
        copy_id: i64,
        input: &IdentifyInput,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let copy = {
            let mut c = self.db.read().await?;
            scans_store::find_copy(c.conn(), copy_id).await?
        }
        .ok_or(AppError::NotFound("copy"))?;
        let exam = ExamId(copy.exam_id);
        self.require_manager(s, exam).await?;
        let mut tx = self.db.begin().await?;
        let now = now_ms();
        let by = (s.user.id.0 > 0).then_some(s.user.id.0);
        let mut swapped = None;
        let details = if input.not_student {
            store::set_identification(
                tx.conn(),
                copy_id,
                None,
                Some(IdMethod::NotStudent),
                None,
                by,
                now,
            )
            .await?;
            serde_json::json!({ "copy": copy_id, "method": "manual", "not_student": true, "previous": copy.student_id })
        } else {
            let student = input
                .student
                .ok_or_else(|| AppError::invalid("student", "choose a student, or not_student"))?;
            let students = store::exam_students(tx.conn(), exam).await?;
            if !students.iter().any(|x| x.id == student) {
                return Err(AppError::invalid(
                    "student",
                    "this student is not concerned by the exam (check its classes)",
                ));
            }
            if let Some(other) = store::copy_of_student(tx.conn(), exam, student).await?
                && other != copy_id
            {
                if !input.swap {
                    let code = scans_store::find_copy(tx.conn(), other)
                        .await?
                        .map(|k| k.code)
                        .unwrap_or_default();
                    return Err(AppError::ConfirmationRequired {
                        message: format!(
                            "this student is already on copy {code}: swap (that copy goes back to pending)?"
                        ),
                        details: serde_json::json!({ "copy": other, "code": code }),
                    });
                }
                store::set_identification(tx.conn(), other, None, None, None, None, now).await?;
                swapped = Some(other);
            }
            store::set_identification(
                tx.conn(),
                copy_id,
                Some(student),
                Some(IdMethod::Manual),
                Some(1.0),
                by,
                now,
            )
            .await?;
            serde_json::json!({ "copy": copy_id, "method": "manual", "student": student, "previous": copy.student_id, "swap": input.swap })
        };
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::CopyIdentified,
            exam,
            client,
            Some(details),
        )
        .await?;
        // A graded copy's final PDF names its student: made again with the new identity (and
        // the copy a swap sent back to pending, without it).
        let mut touched = vec![copy_id];
        touched.extend(swapped);
        for id in touched {
            if let Some(k) = scans_store::find_copy(tx.conn(), id).await?
                && matches!(
                    k.status,
                    CopyStatus::Graded | CopyStatus::Finalizing | CopyStatus::FinalizeFailed
                )
            {
                self.queue_final_pdf(tx.conn(), id).await?;
            }
        }
        tx.commit().await?;
        self.queue.wake();
        Ok(())
    }
}

/// For `copies list`: the exam's students and the suggestions of the listed copies (managers
/// only; callers check).
pub(crate) async fn copy_identities(
    app: &App,
    copies: &[(i64, Option<i64>)],
) -> Result<
    (
        std::collections::HashMap<i64, ExamStudent>,
        std::collections::HashMap<i64, Vec<identify::Candidate>>,
    ),
    StoreError,
> {
    // Only the students of these copies: an exam without classes concerns the whole roster.
    let ids: Vec<i64> = copies.iter().map(|(c, _)| *c).collect();
    let mut student_ids: Vec<i64> = copies.iter().filter_map(|(_, s)| *s).collect();
    student_ids.sort_unstable();
    student_ids.dedup();
    let mut c = app.db.read().await?;
    let students = store::students_by_ids(c.conn(), &student_ids).await?;
    let candidates = store::candidates_of_copies(c.conn(), &ids).await?;
    Ok((
        students.into_iter().map(|s| (s.id, s)).collect(),
        candidates
            .into_iter()
            .map(|(copy, json)| (copy, serde_json::from_str(&json).unwrap_or_default()))
            .collect(),
    ))
}

pub(crate) fn student_json(s: &ExamStudent) -> serde_json::Value {
    serde_json::json!({ "id": s.id, "last_name": s.last_name, "first_name": s.first_name })
}
