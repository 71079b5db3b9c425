//! The copies list, page images behind their permission check, and the repair desk's edits.

use super::*;

impl App {
    /// The copies of an exam with their pages (managers), and the loose pages.
    pub async fn list_copies(
        &self,
        s: &AuthSession,
        exam: ExamId,
        page: korrigo_domain::PageRequest,
    ) -> Result<CopiesList, AppError> {
        let e = self.require_manager(s, exam).await?;
        let mut c = self.db.read().await?;
        let (copies, total) =
            store::list_copies(c.conn(), exam.0, page.limit(), page.offset()).await?;
        let ids: Vec<i64> = copies.iter().map(|c| c.id).collect();
        let pages = store::pages_of_copies(c.conn(), &ids).await?;
        let loose = store::loose_pages(c.conn(), exam.0).await?;
        drop(c);
        let who: Vec<(i64, Option<i64>)> = copies.iter().map(|c| (c.id, c.student_id)).collect();
        let (students, mut candidates) = crate::identify::copy_identities(self, &who).await?;
        let mut by_copy: HashMap<i64, Vec<&Page>> = HashMap::new();
        for p in &pages {
            if let Some(cid) = p.copy_id {
                by_copy.entry(cid).or_default().push(p);
            }
        }
        let items = copies
            .into_iter()
            .map(|copy| {
                let ps = by_copy.remove(&copy.id).unwrap_or_default();
                let header_url = ps
                    .first()
                    .filter(|p| p.header_key.is_some())
                    .map(|p| format!("/api/pages/{}/header/", p.id));
                let pdf = crate::results::PdfState::from_parts(
                    copy.status,
                    copy.pdf_key.as_deref(),
                    copy.pdf_at,
                    copy.pdf_error.as_deref(),
                );
                let pdf_url = matches!(pdf, crate::results::PdfState::Ready { .. })
                    .then(|| format!("/api/copies/{}/pdf/", copy.id));
                CopyView {
                    id: copy.id,
                    code: copy.code,
                    status: copy.status,
                    student: copy
                        .student_id
                        .and_then(|i| students.get(&i))
                        .map(crate::identify::student_json),
                    identification: copy.id_method.0,
                    confidence: copy.id_confidence,
                    candidates: candidates.remove(&copy.id).unwrap_or_default(),
                    unexpected_page_count: !rules::expected_count(e.layout, ps.len()),
                    page_count: ps.len(),
                    pages: ps.into_iter().map(page_view).collect(),
                    header_url,
                    pdf,
                    pdf_url,
                }
            })
            .collect();
        Ok(CopiesList {
            items,
            total,
            offset: page.offset(),
            limit: page.limit(),
            loose_pages: loose.iter().map(page_view).collect(),
        })
    }

    /// A page image, after checking that the user may see it: managers of the exam (and
    /// admins) see every image; the corrector a copy is assigned to sees its pages but never a
    /// header crop; nobody else sees anything.
    pub async fn page_image(
        &self,
        s: &AuthSession,
        page_id: i64,
        kind: ImageKind,
    ) -> Result<PageImage, AppError> {
        let (page, copy, role, grades_questions) = {
            let mut c = self.db.read().await?;
            let page = store::find_page(c.conn(), page_id)
                .await?
                .ok_or(AppError::NotFound("page"))?;
            let copy = match page.copy_id {
                Some(id) => store::find_copy(c.conn(), id).await?,
                None => None,
            };
            let role = if s.user.role == Role::Student {
                None
            } else {
                exams::membership(c.conn(), ExamId(page.exam_id), s.user.id).await?
            };
            // A corrector of questions grades every copy of the exam (once it is ready).
            let grades_questions = s.user.role == Role::Teacher
                && role.is_some()
                && copy
                    .as_ref()
                    .is_some_and(|c| c.status != CopyStatus::Processing)
                && korrigo_store::grading::has_question_share(c.conn(), page.exam_id, s.user.id.0)
                    .await?;
            (page, copy, role, grades_questions)
        };
        let manager = s.user.role != Role::Student && policy::manage_exam(&s.actor(), role).is_ok();
        let assigned = grades_questions
            || s.user.role == Role::Teacher
                && role.is_some()
                && copy
                    .as_ref()
                    .is_some_and(|c| c.corrector_id == Some(s.user.id.0));
        // A student sees the pages of their own copy once its results are released.
        let own_released = s.user.role == Role::Student
            && kind == ImageKind::Viewer
            && copy.is_some()
            && self
                .released_copy_of(s, copy.as_ref().map_or(0, |k| k.id))
                .await?
                .is_some();
        let allowed = manager || own_released || (assigned && kind != ImageKind::Header);
        if !allowed || page.deleted && !manager {
            return Err(AppError::Forbidden);
        }
        let key = match kind {
            ImageKind::Viewer => page.viewer_key.clone(),
            ImageKind::Thumb => page.thumb_key.clone(),
            ImageKind::Header => page
                .header_key
                .clone()
                .ok_or(AppError::NotFound("header"))?,
        };
        let (mut file, len) = self
            .files
            .open(&key)
            .await?
            .ok_or(AppError::NotFound("image"))?;
        // A corrector never sees the name header: the identity page reaches them with its
        // header band painted over (where the upright page has its top).
        if !manager && page.header_key.is_some() {
            use tokio::io::AsyncReadExt;
            let mut raw = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            file.read_to_end(&mut raw)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let rotation = u16::try_from(page.rotation.rem_euclid(360)).unwrap_or(0);
            let masked = tokio::task::spawn_blocking(move || {
                korrigo_media::raster::masked_jpeg(&raw, rotation)
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(AppError::Internal)?;
            return Ok(PageImage {
                body: ImageBody::Bytes(masked),
                etag: format!(
                    "\"p{}-{}-{}-m{}\"",
                    page.id,
                    kind_tag(kind),
                    page.created_at,
                    rotation
                ),
            });
        }
        Ok(PageImage {
            body: ImageBody::File(file, len),
            etag: format!("\"p{}-{}-{}\"", page.id, kind_tag(kind), page.created_at),
        })
    }

    /// Applies one edit of the repair desk, journaled. Graded copies are refused (reopen
    /// first); annotations belong to pages, so they follow their page wherever it goes.
    pub async fn repair(
        &self,
        s: &AuthSession,
        exam: ExamId,
        edit: &Repair,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        self.require_manager(s, exam).await?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let now = now_ms();
        let details = match edit {
            Repair::SetPages { copy, pages } => {
                let target = editable_copy(c.reborrow(), exam, *copy).await?;
                let mut seen = HashSet::new();
                if pages.is_empty() {
                    return Err(AppError::invalid(
                        "pages",
                        "a copy needs at least one page; merge or delete its pages instead",
                    ));
                }
                let mut touched = HashSet::new();
                for p in pages {
                    if !seen.insert(*p) {
                        return Err(AppError::invalid(
                            "pages",
                            format!("page {p} is listed twice"),
                        ));
                    }
                    let page = exam_page(c.reborrow(), exam, *p).await?;
                    if let Some(other) = page.copy_id
                        && other != target
                    {
                        editable_copy(c.reborrow(), exam, other).await?;
                        touched.insert(other);
                    }
                }
                let before = store::pages_of_copies(c.reborrow(), &[target]).await?;
                for p in before.iter().filter(|p| !seen.contains(&p.id)) {
                    store::place_page(c.reborrow(), p.id, None, 0).await?;
                }
                for (i, p) in pages.iter().enumerate() {
                    store::place_page(c.reborrow(), *p, Some(target), i as i64 + 1).await?;
                }
                for other in touched {
                    renumber_or_remove(c.reborrow(), other, now).await?;
                }
                store::touch_copy(c.reborrow(), target, now).await?;
                serde_json::json!({ "op": "set_pages", "copy": target, "pages": pages })
            }
            Repair::Merge { into, from } => {
                if into == from {
                    return Err(AppError::invalid(
                        "from",
                        "a copy cannot be merged into itself",
                    ));
                }
                editable_copy(c.reborrow(), exam, *into).await?;
                editable_copy(c.reborrow(), exam, *from).await?;
                let a = store::pages_of_copies(c.reborrow(), &[*into]).await?;
                let b = store::pages_of_copies(c.reborrow(), &[*from]).await?;
                for (i, p) in a.iter().chain(b.iter()).enumerate() {
                    store::place_page(c.reborrow(), p.id, Some(*into), i as i64 + 1).await?;
                }
                store::delete_copy(c.reborrow(), *from).await?;
                store::touch_copy(c.reborrow(), *into, now).await?;
                serde_json::json!({ "op": "merge", "into": into, "from": from })
            }
            Repair::Split { copy, position } => {
                let source = editable_copy(c.reborrow(), exam, *copy).await?;
                let pages = store::pages_of_copies(c.reborrow(), &[source]).await?;
                if *position < 2 || *position as usize > pages.len() {
                    return Err(AppError::invalid(
                        "position",
                        format!("split before a page from 2 to {}", pages.len()),
                    ));
                }
                let status = CopyStatus::Processing
                    .apply(CopyEvent::PagesReady)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let new = insert_copy_with_code(c.reborrow(), exam.0, status, None, now).await?;
                for (i, p) in pages[*position as usize - 1..].iter().enumerate() {
                    store::place_page(c.reborrow(), p.id, Some(new), i as i64 + 1).await?;
                }
                store::touch_copy(c.reborrow(), source, now).await?;
                serde_json::json!({ "op": "split", "copy": source, "position": position, "new_copy": new })
            }
            Repair::NewCopy { pages } => {
                if pages.is_empty() {
                    return Err(AppError::invalid("pages", "choose at least one page"));
                }
                let mut touched = HashSet::new();
                for p in pages {
                    let page = exam_page(c.reborrow(), exam, *p).await?;
                    if let Some(other) = page.copy_id {
                        editable_copy(c.reborrow(), exam, other).await?;
                        touched.insert(other);
                    }
                }
                let status = CopyStatus::Processing
                    .apply(CopyEvent::PagesReady)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let new = insert_copy_with_code(c.reborrow(), exam.0, status, None, now).await?;
                for (i, p) in pages.iter().enumerate() {
                    store::place_page(c.reborrow(), *p, Some(new), i as i64 + 1).await?;
                }
                for other in touched {
                    renumber_or_remove(c.reborrow(), other, now).await?;
                }
                serde_json::json!({ "op": "new_copy", "copy": new, "pages": pages })
            }
            Repair::Rotate { page, rotation } => {
                let r = rules::parse_rotation(*rotation)
                    .map_err(|m| AppError::invalid("rotation", m))?;
                let p = exam_page(c.reborrow(), exam, *page).await?;
                if let Some(cid) = p.copy_id {
                    editable_copy(c.reborrow(), exam, cid).await?;
                }
                store::set_rotation(c.reborrow(), *page, r as i64).await?;
                serde_json::json!({ "op": "rotate", "page": page, "rotation": r })
            }
            Repair::Blank { page, blank } => {
                let p = exam_page(c.reborrow(), exam, *page).await?;
                if let Some(cid) = p.copy_id {
                    editable_copy(c.reborrow(), exam, cid).await?;
                }
                store::set_blank(c.reborrow(), *page, *blank).await?;
                serde_json::json!({ "op": "blank", "page": page, "blank": blank })
            }
            Repair::DeletePage { page } => {
                let p = exam_page(c.reborrow(), exam, *page).await?;
                if let Some(cid) = p.copy_id {
                    editable_copy(c.reborrow(), exam, cid).await?;
                }
                store::delete_page(c.reborrow(), *page).await?;
                if let Some(cid) = p.copy_id {
                    renumber_or_remove(c.reborrow(), cid, now).await?;
                }
                serde_json::json!({ "op": "delete_page", "page": page, "copy": p.copy_id })
            }
        };
        self.audit_exam(c, s, AuditAction::CopyRepaired, exam, client, Some(details))
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
