//! The `scans.process` job: checksum and duplicate check, validation of the whole file, the
//! pages in chunks (each committed together, so a successor skips what is done), then the
//! grouping into copies with the batch's completion.

use super::*;

impl App {
    /// The pipeline job.
    pub(crate) async fn run_batch(&self, id: i64, ctx: &JobContext) -> Result<(), String> {
        let err = |e: StoreError| e.to_string();
        let batch = {
            let mut c = self.db.read().await.map_err(err)?;
            store::find_batch(c.conn(), id).await.map_err(err)?
        };
        let Some(batch) = batch else {
            return Ok(()); // Discarded meanwhile.
        };
        if !matches!(batch.status, BatchStatus::Queued | BatchStatus::Processing) {
            return Ok(());
        }
        let exam = {
            let mut c = self.db.read().await.map_err(err)?;
            exams::find(c.conn(), ExamId(batch.exam_id))
                .await
                .map_err(err)?
        }
        .ok_or("the batch's exam no longer exists")?;
        self.set_batch_status(id, BatchStatus::Processing, None)
            .await
            .map_err(err)?;
        // An upload sent in chunks to an object store becomes one file first; the scan is read
        // from the local disk (the store's own file, or a copy kept while this job runs).
        self.files
            .finish_upload(&batch.store_key)
            .await
            .map_err(err)?;
        let local = self
            .files
            .local_copy(&batch.store_key, &self.tmp_dir())
            .await
            .map_err(|e| format!("cannot read the uploaded file: {e}"))?;
        let path = local.path().to_path_buf();

        // Checksum and duplicates.
        if batch.sha256.is_none() {
            {
                let p = path.clone();
                let sha = tokio::task::spawn_blocking(move || sha256_file(&p))
                    .await
                    .map_err(|e| e.to_string())?
                    .map_err(|e| format!("cannot read the uploaded file: {e}"))?;
                let dup = {
                    let mut c = self.db.read().await.map_err(err)?;
                    store::find_same_content(c.conn(), batch.exam_id, &sha, id)
                        .await
                        .map_err(err)?
                };
                let mut tx = self.db.begin().await.map_err(err)?;
                store::set_checksum(tx.conn(), id, &sha, dup)
                    .await
                    .map_err(err)?;
                tx.commit().await.map_err(err)?;
                if dup.is_some() && !batch.allow_duplicate {
                    self.set_batch_status(id, BatchStatus::Duplicate, None)
                        .await
                        .map_err(err)?;
                    info!(batch = id, "duplicate scan file: waiting for the manager");
                    return Ok(());
                }
            }
        }

        // Validation of the whole file before anything is recorded.
        let limits = self.scan_limits();
        let tmp = self.tmp_dir();
        let (p, name) = (path.clone(), batch.file_name.clone());
        let plan = tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&tmp).map_err(|e| ScanError::Io(e.to_string()))?;
            Plan::open(&p, &name, limits, &tmp)
        })
        .await
        .map_err(|e| e.to_string())?;
        let plan = match plan {
            Ok(p) => Arc::new(p),
            Err(ScanError::Io(m)) => return Err(format!("cannot read the uploaded file: {m}")),
            Err(e) => {
                let msg = e.to_string();
                self.set_batch_status(id, BatchStatus::Failed, Some(&msg))
                    .await
                    .map_err(err)?;
                let _ = self.files.delete(&batch.store_key).await;
                info!(batch = id, "scan file refused");
                return Ok(());
            }
        };
        let total = plan.pages.len();
        let a3 = exam.layout == PageLayout::A3;
        let grouping = Grouping::parse(&batch.grouping).unwrap_or(Grouping::Fixed);
        let per_copy = rules::pages_per_copy(exam.layout);
        let done: HashSet<usize> = {
            let mut c = self.db.read().await.map_err(err)?;
            store::batch_seqs(c.conn(), id)
                .await
                .map_err(err)?
                .into_iter()
                .map(|s| (s / 2) as usize)
                .collect()
        };
        let todo: Vec<usize> = (0..total).filter(|i| !done.contains(i)).collect();
        let mut finished = total - todo.len();
        self.set_batch_progress(id, total, finished)
            .await
            .map_err(err)?;
        ctx.progress(finished as i64, total as i64)
            .await
            .map_err(err)?;
        let folder = batch
            .store_key
            .strip_suffix("/source")
            .unwrap_or(&batch.store_key)
            .to_string();
        let threads = self.config.scan_threads.max(1);
        for chunk in rules_chunks(&plan, &todo, a3) {
            let plan2 = plan.clone();
            let files = self.files.clone();
            let folder2 = folder.clone();
            let outputs = tokio::task::spawn_blocking(move || {
                process_chunk(
                    &plan2, &files, &folder2, &chunk, a3, grouping, per_copy, threads,
                )
            })
            .await
            .map_err(|e| e.to_string())?;
            let outputs = match outputs {
                Ok(o) => o,
                Err(ChunkError::Scan(e)) => {
                    // A page the validation could not foresee (a corrupt image stream): the
                    // batch is refused as a whole; pages recorded so far are removed.
                    let msg = e.to_string();
                    let mut tx = self.db.begin().await.map_err(err)?;
                    store::set_status(tx.conn(), id, BatchStatus::Failed, Some(&msg), now_ms())
                        .await
                        .map_err(err)?;
                    store::delete_pages_of_batch(tx.conn(), id)
                        .await
                        .map_err(err)?;
                    tx.commit().await.map_err(err)?;
                    let _ = self.files.delete_prefix(&folder).await;
                    return Ok(());
                }
                Err(ChunkError::Store(e)) => return Err(e),
            };
            let now = now_ms();
            let mut tx = self.db.begin().await.map_err(err)?;
            for o in &outputs {
                store::insert_page(
                    tx.conn(),
                    &NewPage {
                        exam_id: batch.exam_id,
                        batch_id: id,
                        seq: o.seq,
                        order_key: o.order_key,
                        source_file: &o.source_file,
                        source_page: o.source_page,
                        half: o.half,
                        rotation: o.rotation,
                        has_header: o.has_header,
                        blank: o.blank,
                        unsure: o.unsure,
                        width: o.width,
                        height: o.height,
                        viewer_key: &o.viewer_key,
                        thumb_key: &o.thumb_key,
                        header_key: o.header_key.as_deref(),
                        now,
                    },
                )
                .await
                .map_err(err)?;
            }
            finished += outputs
                .iter()
                .map(|o| o.seq / 2)
                .collect::<HashSet<_>>()
                .len();
            store::set_progress(tx.conn(), id, total as i64, finished as i64, now)
                .await
                .map_err(err)?;
            tx.commit().await.map_err(err)?;
            ctx.progress(finished as i64, total as i64)
                .await
                .map_err(err)?;
        }

        // The copies' pages that nothing on them turned right, turned by their writer's hand
        // learnt on the copy's other pages: images read and measured before the grouping's
        // transaction (only this job writes the batch's pages).
        let pages = {
            let mut c = self.db.read().await.map_err(err)?;
            store::batch_pages(c.conn(), id).await.map_err(err)?
        };
        let has_header: Vec<bool> = pages.iter().map(|p| p.has_header).collect();
        let groups = rules::group(&has_header, grouping, exam.layout);
        let by_hand = self.turn_by_hand(&pages, &groups).await?;
        // Grouping, in one transaction with the batch's completion.
        let mut tx = self.db.begin().await.map_err(err)?;
        let status = CopyStatus::Processing
            .apply(CopyEvent::PagesReady)
            .map_err(|e| e.to_string())?;
        for &(page, rotation) in &by_hand {
            store::set_rotation(tx.conn(), page, rotation)
                .await
                .map_err(err)?;
        }
        let mut flagged: HashSet<i64> = pages
            .iter()
            .filter(|p| p.blank || (p.unsure && !by_hand.iter().any(|h| h.0 == p.id)))
            .map(|p| p.id)
            .collect();
        let now = now_ms();
        for g in &groups {
            let copy = insert_copy_with_code(tx.conn(), batch.exam_id, status, Some(id), now)
                .await
                .map_err(err)?;
            // Each copy's header is read next; queued with the copy, so none is forgotten.
            self.queue_in(tx.conn(), &crate::identify::ReadCopy { copy }, false)
                .await
                .map_err(err)?;
            for (pos, &i) in g.pages.iter().enumerate() {
                store::place_page(tx.conn(), pages[i].id, Some(copy), pos as i64 + 1)
                    .await
                    .map_err(err)?;
                if g.flagged {
                    flagged.insert(pages[i].id);
                }
            }
        }
        store::finish_batch(
            tx.conn(),
            id,
            groups.len() as i64,
            flagged.len() as i64,
            now,
        )
        .await
        .map_err(err)?;
        tx.commit().await.map_err(err)?;
        self.queue.wake();
        ctx.progress(total as i64, total as i64)
            .await
            .map_err(err)?;
        info!(
            batch = id,
            pages = pages.len(),
            copies = groups.len(),
            "scan batch processed"
        );
        Ok(())
    }

    /// The pages of each copy whose orientation nothing on them told, turned by the hand of
    /// the copy's writer (`(page, rotation)`): learnt on the first of the copy's pages turned
    /// right by their header or margin (see `korrigo_media::raster::turn_by_hand`). A page
    /// the hand does not tell stays flagged.
    async fn turn_by_hand(
        &self,
        pages: &[Page],
        groups: &[rules::Group],
    ) -> Result<Vec<(i64, i64)>, String> {
        use korrigo_media::raster;
        let mut turned = vec![];
        for g in groups {
            let (mut known, mut unsure) = (vec![], vec![]);
            for p in g.pages.iter().map(|&i| &pages[i]).filter(|p| !p.blank) {
                if p.unsure {
                    unsure.push(p);
                } else if (p.rotation == 0 || p.rotation == 180)
                    && known.len() < raster::HAND_TEACHERS
                {
                    known.push(p);
                }
            }
            if unsure.is_empty() || known.is_empty() {
                continue;
            }
            let mut teachers = vec![];
            for p in &known {
                teachers.push((self.viewer_image(p).await?, p.rotation as u16, p.has_header));
            }
            let mut images = vec![];
            for p in &unsure {
                images.push(self.viewer_image(p).await?);
            }
            let said = tokio::task::spawn_blocking(move || {
                let known: Vec<(&[u8], u16, bool)> = teachers
                    .iter()
                    .map(|(jpeg, rotation, header)| (jpeg.as_slice(), *rotation, *header))
                    .collect();
                let unsure: Vec<&[u8]> = images.iter().map(Vec::as_slice).collect();
                raster::turn_by_hand(&known, &unsure)
            })
            .await
            .map_err(|e| e.to_string())?;
            turned.extend(unsure.iter().zip(said).filter_map(|(p, upside)| {
                upside.map(|upside| (p.id, if upside { 180 } else { 0 }))
            }));
        }
        Ok(turned)
    }

    /// A page's viewer image (a JPEG) from the file store.
    async fn viewer_image(&self, page: &Page) -> Result<Vec<u8>, String> {
        self.files
            .get(&page.viewer_key)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "a page's image is missing from the file store".to_string())
    }

    /// After the pipeline's last failed attempt: the batch is marked failed with the reason, and
    /// the pages recorded so far are removed (nothing half-imported). Best effort: the job's own
    /// failure stays visible in the jobs list whatever happens here.
    pub(crate) async fn give_up_batch(&self, id: i64, error: &str) {
        let res = async {
            let mut tx = self.db.begin().await?;
            store::set_status(
                tx.conn(),
                id,
                BatchStatus::Failed,
                Some(&format!("processing failed: {error}")),
                now_ms(),
            )
            .await?;
            if store::copies_of_batch(tx.conn(), id).await?.is_empty() {
                store::delete_pages_of_batch(tx.conn(), id).await?;
            }
            tx.commit().await
        }
        .await;
        if let Err(e) = res {
            warn!(batch = id, error = %e, "could not mark a failed batch");
        }
    }

    /// Moves a batch through the transition table; a move the table forbids (the batch was
    /// discarded or finished meanwhile) is an error, never a silent overwrite.
    async fn set_batch_status(
        &self,
        id: i64,
        status: BatchStatus,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        if !store::set_status(tx.conn(), id, status, error, now_ms()).await? {
            return Err(StoreError::Corrupt(format!(
                "batch {id} cannot become {} from its current state",
                status.as_str()
            )));
        }
        tx.commit().await
    }

    async fn set_batch_progress(
        &self,
        id: i64,
        total: usize,
        done: usize,
    ) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        store::set_progress(tx.conn(), id, total as i64, done as i64, now_ms()).await?;
        tx.commit().await
    }
}

/// One page ready to be recorded.
struct PageRecord {
    seq: i64,
    order_key: i64,
    source_file: String,
    source_page: i64,
    half: Option<&'static str>,
    rotation: i64,
    has_header: bool,
    blank: bool,
    unsure: bool,
    width: i64,
    height: i64,
    viewer_key: String,
    thumb_key: String,
    header_key: Option<String>,
}

enum ChunkError {
    Scan(ScanError),
    Store(String),
}

/// Processes some source pages on `threads` threads and writes their images. Returns the page
/// records in source order.
/// Whether source page `next` is the verso of the sheet whose recto is `recto` (same file,
/// the following page).
fn is_verso_of(plan: &Plan, recto: usize, next: usize) -> bool {
    let (r, v) = (&plan.pages[recto], &plan.pages[next]);
    next == recto + 1 && r.page % 2 == 1 && r.file == v.file && v.page == r.page + 1
}

/// The pipeline's chunks of source pages (at most [`CHUNK`], one more when a chunk would end
/// between the two faces of an A3 sheet, which are turned together).
fn rules_chunks(plan: &Plan, todo: &[usize], a3: bool) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < todo.len() {
        let mut end = (at + CHUNK).min(todo.len());
        if a3 && end < todo.len() && is_verso_of(plan, todo[end - 1], todo[end]) {
            end += 1;
        }
        out.push(todo[at..end].to_vec());
        at = end;
    }
    out
}

/// The units of work of one chunk: single pages, or for A3 the faces of one sheet together.
fn work_units(plan: &Plan, indexes: &[usize], a3: bool) -> Vec<Vec<usize>> {
    let mut units = Vec::new();
    let mut k = 0;
    while k < indexes.len() {
        if a3 && k + 1 < indexes.len() && is_verso_of(plan, indexes[k], indexes[k + 1]) {
            units.push(vec![indexes[k], indexes[k + 1]]);
            k += 2;
        } else {
            units.push(vec![indexes[k]]);
            k += 1;
        }
    }
    units
}

#[allow(
    clippy::too_many_arguments,
    reason = "the pipeline's parameters, passed to threads"
)]
fn process_chunk(
    plan: &Plan,
    files: &korrigo_store::files::FileStore,
    folder: &str,
    indexes: &[usize],
    a3: bool,
    grouping: Grouping,
    per_copy: usize,
    threads: usize,
) -> Result<Vec<PageRecord>, ChunkError> {
    let next = AtomicUsize::new(0);
    let units = work_units(plan, indexes, a3);
    let results: Vec<Result<Vec<(usize, PageRecord)>, ChunkError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.min(units.len()).max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut readers = Readers::default();
                    let mut out = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(unit) = units.get(k) else { break };
                        let first = unit[0];
                        let recto = plan.pages[first].page % 2 == 1;
                        let want_header = match grouping {
                            Grouping::Fixed if !a3 => first % per_copy.max(1) == 0,
                            Grouping::Fixed => recto,
                            _ => false,
                        };
                        let outs = if a3 {
                            process_a3_sheet(plan, &mut readers, unit, want_header)
                        } else {
                            process_source_page(
                                plan,
                                &mut readers,
                                first,
                                false,
                                recto,
                                want_header,
                            )
                            .map(|o| vec![o])
                        }
                        .map_err(ChunkError::Scan)?;
                        for (&idx, SourceOut { pages }) in unit.iter().zip(outs) {
                            let sp = &plan.pages[idx];
                            for p in pages {
                                let half_idx = if p.half == Some(korrigo_media::scan::Half::Right) {
                                    1
                                } else {
                                    0
                                };
                                let seq = idx as i64 * 2 + half_idx;
                                let key = |suffix: &str| format!("{folder}/p{seq:06}-{suffix}.jpg");
                                let (viewer_key, thumb_key) = (key("v"), key("t"));
                                let put = |k: &str, b: &[u8]| {
                                    files
                                        .put_blocking(k, b)
                                        .map_err(|e| ChunkError::Store(e.to_string()))
                                };
                                put(&viewer_key, &p.viewer)?;
                                put(&thumb_key, &p.thumb)?;
                                let header_key = match &p.header {
                                    Some(h) => {
                                        let k = key("h");
                                        put(&k, h)?;
                                        Some(k)
                                    }
                                    None => None,
                                };
                                out.push((
                                    idx,
                                    PageRecord {
                                        seq,
                                        order_key: rules::order_key(idx, a3, p.sheet_page),
                                        source_file: sp.file.clone(),
                                        source_page: sp.page as i64,
                                        half: p.half.map(|h| h.as_str()),
                                        rotation: p.rotation as i64,
                                        has_header: p.analysis.header_top
                                            || p.analysis.header_bottom,
                                        blank: p.analysis.blank,
                                        unsure: p.unsure_orientation,
                                        width: p.width as i64,
                                        height: p.height as i64,
                                        viewer_key,
                                        thumb_key,
                                        header_key,
                                    },
                                ));
                            }
                        }
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(ChunkError::Store("a page thread panicked".into())))
            })
            .collect()
    });
    let mut all = Vec::new();
    for r in results {
        all.extend(r?);
    }
    all.sort_by_key(|(idx, r)| (*idx, r.seq));
    Ok(all.into_iter().map(|(_, r)| r).collect())
}
