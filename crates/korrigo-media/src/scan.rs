//! Scanned batches: validation (the [`Plan`]) and page extraction ([`process_source_page`]).
//!
//! A batch is a PDF, a ZIP of PDFs and images, or one JPEG/PNG image. [`Plan::open`] reads its
//! structure without decoding any image and refuses, with a precise message, anything the
//! pipeline could not finish: so a batch is either imported whole or not at all. Processing one
//! source page yields one A4 page (A4 layouts) or two (an A3 sheet split at mid-width), each with
//! its viewer image, thumbnail and, for header pages, the header crop.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use image::GrayImage;

use crate::pdf::{PageInfo, PdfError, PdfFile};
use crate::raster::{self, Analysis, THUMB_WIDTH, VIEWER_DPI};

/// Limits applied while validating a batch.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Pages per file (a ZIP counts the pages of all its entries).
    pub max_pages: usize,
    /// Pixels an image may declare (decompression bombs).
    pub max_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pages: 5000,
            max_pixels: 60_000_000,
        }
    }
}

/// Why a batch is refused. Each message names the file (and page) and says what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScanError {
    #[error("{file}: not a PDF, a ZIP or a JPEG/PNG image (the file starts with {start:?})")]
    UnknownFormat { file: String, start: String },
    #[error("{file}: {error}")]
    Pdf { file: String, error: PdfError },
    #[error("{file}: the file has no pages")]
    NoPages { file: String },
    #[error("{file}: {pages} pages is more than the limit of {max} per file; split the file")]
    TooManyPages {
        file: String,
        pages: usize,
        max: usize,
    },
    #[error(
        "{file}, page {page}: the image declares {width} × {height} pixels, more than the limit of {max} (a corrupt or hostile file)"
    )]
    TooManyPixels {
        file: String,
        page: u32,
        width: u32,
        height: u32,
        max: u64,
    },
    #[error("{file}: the ZIP archive cannot be read ({reason})")]
    Zip { file: String, reason: String },
    #[error("{file}: {reason}")]
    Image { file: String, reason: String },
    #[error("{file}, page {page}: {reason}")]
    Page {
        file: String,
        page: u32,
        reason: String,
    },
    #[error("could not read the file: {0}")]
    Io(String),
}

/// The kind of a file, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Zip,
    Jpeg,
    Png,
}

/// Recognizes a file by its magic bytes.
pub fn sniff(head: &[u8]) -> Option<Format> {
    if head.starts_with(b"%PDF-") || head.windows(5).take(1024).any(|w| w == b"%PDF-") {
        Some(Format::Pdf)
    } else if head.starts_with(b"PK\x03\x04") {
        Some(Format::Zip)
    } else if head.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(Format::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else {
        None
    }
}

#[derive(Debug, Clone)]
struct Part {
    path: PathBuf,
    format: Format,
}

#[derive(Debug, Clone)]
enum Source {
    PdfPage { part: usize, info: PageInfo },
    Image { part: usize },
}

/// One page of the batch as scanned, before any split.
#[derive(Debug, Clone)]
pub struct SourcePage {
    /// File name (for a ZIP: "archive.zip/entry.pdf").
    pub file: String,
    /// 1-based page number within that file.
    pub page: u32,
    source: Source,
}

/// A validated batch: every page it will yield, in order.
#[derive(Debug)]
pub struct Plan {
    parts: Vec<Part>,
    pub pages: Vec<SourcePage>,
    tmp: Option<PathBuf>,
}

impl Drop for Plan {
    fn drop(&mut self) {
        if let Some(dir) = &self.tmp {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Plan {
    /// Validates `path` (shown to users as `name`). ZIP entries are copied under `tmp_dir`
    /// (removed when the plan is dropped) so that every page is read from a file, with bounded
    /// memory.
    pub fn open(
        path: &Path,
        name: &str,
        limits: Limits,
        tmp_dir: &Path,
    ) -> Result<Plan, ScanError> {
        let format = sniff_file(path, name)?;
        let mut plan = Plan {
            parts: Vec::new(),
            pages: Vec::new(),
            tmp: None,
        };
        if format == Format::Zip {
            let dir = tmp_dir.join(format!("zip-{}", crate::random_suffix()));
            std::fs::create_dir_all(&dir).map_err(|e| ScanError::Io(e.to_string()))?;
            plan.tmp = Some(dir.clone());
            let zip_err = |reason: String| ScanError::Zip {
                file: name.to_string(),
                reason,
            };
            let file = File::open(path).map_err(|e| ScanError::Io(e.to_string()))?;
            let mut archive =
                zip::ZipArchive::new(BufReader::new(file)).map_err(|e| zip_err(e.to_string()))?;
            let mut entries = Vec::new();
            for i in 0..archive.len() {
                let entry = archive.by_index(i).map_err(|e| zip_err(e.to_string()))?;
                if entry.is_dir() {
                    continue;
                }
                let Some(entry_name) = entry.enclosed_name() else {
                    return Err(zip_err(format!(
                        "entry {:?} has an unsafe path",
                        entry.name()
                    )));
                };
                let base = entry_name
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if base.starts_with('.') || entry.name().starts_with("__MACOSX") {
                    continue;
                }
                entries.push((i, entry.name().to_string()));
            }
            // Scanners number their files: keep the archive's natural order by name.
            entries.sort_by(|a, b| natural_cmp(&a.1, &b.1));
            if entries.is_empty() {
                return Err(ScanError::NoPages {
                    file: name.to_string(),
                });
            }
            for (n, (i, entry_name)) in entries.into_iter().enumerate() {
                let mut entry = archive.by_index(i).map_err(|e| zip_err(e.to_string()))?;
                let target = dir.join(format!("{n:05}"));
                let mut out = File::create(&target).map_err(|e| ScanError::Io(e.to_string()))?;
                // A declared size is not trusted: copy at most 4 GB per entry.
                std::io::copy(&mut (&mut entry).take(4 << 30), &mut out)
                    .map_err(|e| zip_err(format!("{entry_name}: {e}")))?;
                let display = format!("{name}/{entry_name}");
                let fmt = sniff_file(&target, &display)?;
                if fmt == Format::Zip {
                    return Err(zip_err(format!(
                        "{entry_name} is itself a ZIP; unpack it first"
                    )));
                }
                plan.add_part(display, target, fmt, limits)?;
            }
        } else {
            plan.add_part(name.to_string(), path.to_path_buf(), format, limits)?;
        }
        if plan.pages.is_empty() {
            return Err(ScanError::NoPages {
                file: name.to_string(),
            });
        }
        if plan.pages.len() > limits.max_pages {
            return Err(ScanError::TooManyPages {
                file: name.to_string(),
                pages: plan.pages.len(),
                max: limits.max_pages,
            });
        }
        Ok(plan)
    }

    fn add_part(
        &mut self,
        name: String,
        path: PathBuf,
        format: Format,
        limits: Limits,
    ) -> Result<(), ScanError> {
        let part = self.parts.len();
        match format {
            Format::Pdf => {
                let file = File::open(&path).map_err(|e| ScanError::Io(e.to_string()))?;
                let mut pdf =
                    PdfFile::open(BufReader::new(file)).map_err(|error| ScanError::Pdf {
                        file: name.clone(),
                        error,
                    })?;
                let budget = limits.max_pages.saturating_sub(self.pages.len());
                let pages = pdf.pages(budget).map_err(|error| ScanError::Pdf {
                    file: name.clone(),
                    error,
                })?;
                if pages.is_empty() {
                    return Err(ScanError::NoPages { file: name });
                }
                if pages.len() > budget {
                    let declared = pdf.declared_page_count().unwrap_or(0) as usize;
                    return Err(ScanError::TooManyPages {
                        file: name,
                        pages: self.pages.len() + pages.len().max(declared),
                        max: limits.max_pages,
                    });
                }
                for (i, info) in pages.into_iter().enumerate() {
                    let page = i as u32 + 1;
                    if info.max_image_pixels > limits.max_pixels {
                        let img = info.sole_image.clone();
                        return Err(ScanError::TooManyPixels {
                            file: name,
                            page,
                            width: img.as_ref().map(|i| i.width).unwrap_or(0),
                            height: img.as_ref().map(|i| i.height).unwrap_or(0),
                            max: limits.max_pixels,
                        });
                    }
                    // Pages the renderer draws are checked at their rendered size.
                    let rendered = (info.width_pt / 72.0 * 200.0) * (info.height_pt / 72.0 * 200.0);
                    if info.sole_image.is_none() && rendered as u64 > limits.max_pixels {
                        return Err(ScanError::Page {
                            file: name,
                            page,
                            reason: format!(
                                "the page measures {:.0} × {:.0} mm, too large to render",
                                info.width_pt / 72.0 * 25.4,
                                info.height_pt / 72.0 * 25.4
                            ),
                        });
                    }
                    self.pages.push(SourcePage {
                        file: name.clone(),
                        page,
                        source: Source::PdfPage { part, info },
                    });
                }
            }
            Format::Jpeg | Format::Png => {
                let (width, height) =
                    image_size(&path, format).map_err(|reason| ScanError::Image {
                        file: name.clone(),
                        reason,
                    })?;
                if width as u64 * height as u64 > limits.max_pixels {
                    return Err(ScanError::TooManyPixels {
                        file: name,
                        page: 1,
                        width,
                        height,
                        max: limits.max_pixels,
                    });
                }
                self.pages.push(SourcePage {
                    file: name.clone(),
                    page: 1,
                    source: Source::Image { part },
                });
            }
            Format::Zip => {
                return Err(ScanError::Zip {
                    file: name,
                    reason: "an archive inside an archive; unpack it first".into(),
                });
            }
        }
        self.parts.push(Part { path, format });
        Ok(())
    }
}

fn sniff_file(path: &Path, name: &str) -> Result<Format, ScanError> {
    let mut head = [0u8; 1024];
    let mut f = File::open(path).map_err(|e| ScanError::Io(e.to_string()))?;
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => return Err(ScanError::Io(e.to_string())),
        }
    }
    sniff(&head[..n]).ok_or_else(|| ScanError::UnknownFormat {
        file: name.to_string(),
        start: String::from_utf8_lossy(&head[..n.min(8)])
            .chars()
            .map(|c| if c.is_control() { '.' } else { c })
            .collect(),
    })
}

fn image_size(path: &Path, format: Format) -> Result<(u32, u32), String> {
    let f = File::open(path).map_err(|e| e.to_string())?;
    let fmt = match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        _ => image::ImageFormat::Png,
    };
    image::ImageReader::with_format(BufReader::new(f), fmt)
        .into_dimensions()
        .map_err(|e| format!("the image cannot be read ({e})"))
}

fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |s: &str| {
        let mut parts: Vec<(String, u64)> = Vec::new();
        let mut text = String::new();
        let mut num = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                num.push(c);
            } else {
                if !num.is_empty() {
                    parts.push((std::mem::take(&mut text), num.parse().unwrap_or(0)));
                    num.clear();
                }
                text.push(c.to_ascii_lowercase());
            }
        }
        parts.push((text, num.parse().unwrap_or(0)));
        parts
    };
    key(a).cmp(&key(b))
}

/// Which half of an A3 sheet a page was cut from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    Left,
    Right,
}

impl Half {
    pub fn as_str(self) -> &'static str {
        match self {
            Half::Left => "left",
            Half::Right => "right",
        }
    }
}

/// One A4 page produced from a source page.
#[derive(Debug, Clone)]
pub struct PageOut {
    pub half: Option<Half>,
    /// Page number within its A3 sheet (1–4, after reordering); 1 for A4 pages.
    pub sheet_page: u8,
    /// Clockwise rotation to show the page upright (0 or 180 here; the repair desk sets others).
    pub rotation: u16,
    /// The orientation could not be told (no header, no margin line): flagged for a look.
    pub unsure_orientation: bool,
    pub analysis: Analysis,
    /// Viewer image (JPEG) and its size.
    pub viewer: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The source JPEG was taken as it is for the viewer.
    pub viewer_reused: bool,
    pub thumb: Vec<u8>,
    /// Header crop (upright, full resolution), for header pages and copies' first pages.
    pub header: Option<Vec<u8>>,
}

/// Everything one source page became.
#[derive(Debug, Clone)]
pub struct SourceOut {
    pub pages: Vec<PageOut>,
}

/// Open files kept between pages processed by one thread.
#[derive(Debug, Default)]
pub struct Readers {
    pdfs: Vec<Option<PdfFile<BufReader<File>>>>,
}

enum Pixels {
    Jpeg {
        bytes: Vec<u8>,
        width: u32,
        height: u32,
    },
    Raster(GrayImage),
}

fn dpi_of(width_px: u32, width_pt: f64) -> f32 {
    (width_px as f64 / (width_pt / 72.0)).max(1.0) as f32
}

/// Processes source page `index` of the plan: extraction, A3 split and reordering within the
/// sheet, orientation, derived images. `recto` says whether an A3 source page is the front of
/// its sheet; `want_header` forces a header crop (the first page of a fixed-size copy). An A3
/// page processed alone decides its orientation by itself; [`process_a3_sheet`] decides it
/// for both faces of a sheet together.
pub fn process_source_page(
    plan: &Plan,
    readers: &mut Readers,
    index: usize,
    a3: bool,
    recto: bool,
    want_header: bool,
) -> Result<SourceOut, ScanError> {
    if a3 {
        let face = a3_face(plan, readers, index)?;
        let vote = face.vote;
        return Ok(finish_a3_face(face, recto, vote, want_header));
    }
    let (pixels, width_pt) = extract(plan, readers, index, false)?;
    let full_width = match &pixels {
        Pixels::Jpeg { width, .. } => *width,
        Pixels::Raster(img) => img.width(),
    };
    let dpi = dpi_of(full_width, width_pt);

    let sp = &plan.pages[index];
    let page_err = |reason: String| ScanError::Page {
        file: sp.file.clone(),
        page: sp.page,
        reason,
    };
    Ok(SourceOut {
        pages: vec![a4_page(pixels, dpi, want_header).map_err(page_err)?],
    })
}

/// Processes both faces of one A3 sheet (`indexes`: the recto's source page, then the verso's
/// when it exists) and turns them together: a duplex scanner turns the whole sheet, so the
/// header found on the recto also decides the verso, which has no header of its own.
/// Answers one [`SourceOut`] per index, in order.
pub fn process_a3_sheet(
    plan: &Plan,
    readers: &mut Readers,
    indexes: &[usize],
    want_header: bool,
) -> Result<Vec<SourceOut>, ScanError> {
    let faces = indexes
        .iter()
        .map(|&i| a3_face(plan, readers, i))
        .collect::<Result<Vec<_>, _>>()?;
    let vote: i32 = faces.iter().map(|f| f.vote).sum();
    Ok(indexes
        .iter()
        .zip(faces)
        .map(|(&i, face)| finish_a3_face(face, plan.pages[i].page % 2 == 1, vote, want_header))
        .collect())
}

/// Extracts one source page's pixels and its width in points.
fn extract(
    plan: &Plan,
    readers: &mut Readers,
    index: usize,
    a3: bool,
) -> Result<(Pixels, f64), ScanError> {
    let sp = &plan.pages[index];
    let page_err = |reason: String| ScanError::Page {
        file: sp.file.clone(),
        page: sp.page,
        reason,
    };
    match &sp.source {
        Source::Image { part } => {
            let p = &plan.parts[*part];
            let bytes = std::fs::read(&p.path).map_err(|e| ScanError::Io(e.to_string()))?;
            // Without a page size, an image is taken as A4 wide (A3 landscape: twice that).
            let width_pt = if a3 { 2.0 * 595.0 } else { 595.0 };
            let pixels = match p.format {
                Format::Jpeg => {
                    let (w, h, _) = raster::jpeg_header(&bytes).map_err(page_err)?;
                    Pixels::Jpeg {
                        bytes,
                        width: w,
                        height: h,
                    }
                }
                _ => Pixels::Raster(raster::gray(
                    image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
                        .map_err(|e| page_err(format!("the PNG image is damaged ({e})")))?,
                )),
            };
            Ok((pixels, width_pt))
        }
        Source::PdfPage { part, info } => {
            if readers.pdfs.len() < plan.parts.len() {
                readers.pdfs.resize_with(plan.parts.len(), || None);
            }
            if readers.pdfs[*part].is_none() {
                let f = File::open(&plan.parts[*part].path)
                    .map_err(|e| ScanError::Io(e.to_string()))?;
                readers.pdfs[*part] =
                    Some(
                        PdfFile::open(BufReader::new(f)).map_err(|error| ScanError::Pdf {
                            file: sp.file.clone(),
                            error,
                        })?,
                    );
            }
            let pdf = readers.pdfs[*part].as_mut().expect("opened above");
            let jpeg = info.sole_image.as_ref().filter(|img| {
                img.filter.as_deref() == Some("DCTDecode") && img.filters == 1 && info.rotate == 0
            });
            let pixels = match jpeg {
                Some(img) => {
                    let bytes = pdf
                        .raw_stream(img.stream)
                        .map_err(|e| page_err(e.to_string()))?;
                    let (w, h, _) = raster::jpeg_header(&bytes).map_err(&page_err)?;
                    Pixels::Jpeg {
                        bytes,
                        width: w,
                        height: h,
                    }
                }
                None => {
                    // Render: native resolution of a single image (capped), else 150 dpi.
                    let dpi = info
                        .sole_image
                        .as_ref()
                        .map(|img| {
                            let along = if info.rotate % 180 == 90 {
                                img.height
                            } else {
                                img.width
                            };
                            dpi_of(along, info.width_pt)
                        })
                        .unwrap_or(VIEWER_DPI)
                        .clamp(72.0, 200.0);
                    let one = pdf
                        .single_page_pdf(info)
                        .map_err(|e| page_err(e.to_string()))?;
                    Pixels::Raster(render(one, dpi / 72.0).map_err(&page_err)?)
                }
            };
            Ok((pixels, info.width_pt))
        }
    }
}

/// One face of an A3 sheet, split and analysed, waiting for the sheet's orientation.
struct A3Face {
    halves: [GrayImage; 2],
    previews: Vec<GrayImage>,
    analyses: Vec<Analysis>,
    /// Evidence that the face is upside down (positive) or upright (negative).
    vote: i32,
}

fn a3_face(plan: &Plan, readers: &mut Readers, index: usize) -> Result<A3Face, ScanError> {
    let sp = &plan.pages[index];
    let page_err = |reason: String| ScanError::Page {
        file: sp.file.clone(),
        page: sp.page,
        reason,
    };
    let (pixels, width_pt) = extract(plan, readers, index, true)?;
    let full_width = match &pixels {
        Pixels::Jpeg { width, .. } => *width,
        Pixels::Raster(img) => img.width(),
    };
    let dpi = dpi_of(full_width, width_pt);
    let mut sheet = match pixels {
        Pixels::Jpeg { bytes, .. } => raster::jpeg_full_gray(&bytes).map_err(&page_err)?,
        Pixels::Raster(img) => img,
    };
    if dpi > VIEWER_DPI * 1.4 {
        let w = (sheet.width() as f32 * VIEWER_DPI / dpi) as u32;
        sheet = raster::resize_to_width(&sheet, w);
    }
    let halves = [raster::half(&sheet, false), raster::half(&sheet, true)];
    drop(sheet);
    let previews: Vec<GrayImage> = halves.iter().map(|h| raster::preview(h, 300)).collect();
    let analyses: Vec<Analysis> = previews.iter().map(raster::analyze).collect();
    // Upright recto: header at the top of the right half. Upside-down: at the bottom of the
    // left half. Margin lines vote when there is no header.
    let mut vote = 0i32;
    for a in &analyses {
        match a.upside_down() {
            Some(true) => vote += 1,
            Some(false) => vote -= 1,
            None => {}
        }
    }
    if analyses[1].header_top {
        vote -= 3;
    }
    if analyses[0].header_bottom {
        vote += 3;
    }
    Ok(A3Face {
        halves,
        previews,
        analyses,
        vote,
    })
}

/// Orders and orients one face's halves by the sheet's `vote` (see [`a3_face`]).
fn finish_a3_face(face: A3Face, recto: bool, vote: i32, want_header: bool) -> SourceOut {
    let A3Face {
        halves,
        previews,
        analyses,
        ..
    } = face;
    let flipped = vote > 0;
    let unsure = vote == 0;
    let mut pages = Vec::with_capacity(2);
    for (i, img) in halves.into_iter().enumerate() {
        let half = if i == 0 { Half::Left } else { Half::Right };
        let sheet_page = a3_sheet_page(recto, half, flipped);
        let rotation = if flipped { 180 } else { 0 };
        let upright_needed =
            sheet_page == 1 && (want_header || analyses[i].header_top || analyses[i].header_bottom);
        let header = upright_needed
            .then(|| raster::encode_jpeg(&raster::header_crop_turned(&img, rotation), 90));
        let thumb = raster::encode_jpeg(&raster::resize_to_width(&previews[i], THUMB_WIDTH), 70);
        pages.push(PageOut {
            half: Some(half),
            sheet_page,
            rotation,
            unsure_orientation: unsure,
            analysis: analyses[i],
            width: img.width(),
            height: img.height(),
            viewer: raster::encode_jpeg(&img, 80),
            viewer_reused: false,
            thumb,
            header,
        });
    }
    pages.sort_by_key(|p| p.sheet_page);
    SourceOut { pages }
}

/// The page number (1–4) of one half of an A3 *copie double* sheet. The recto shows
/// `[4 | 1]`, the verso `[2 | 3]`; a sheet fed upside down shows each side turned by 180°, so
/// its halves swap.
pub fn a3_sheet_page(recto: bool, half: Half, flipped: bool) -> u8 {
    let right = (half == Half::Right) != flipped;
    match (recto, right) {
        (true, true) => 1,
        (true, false) => 4,
        (false, false) => 2,
        (false, true) => 3,
    }
}

fn a4_page(pixels: Pixels, dpi: f32, want_header: bool) -> Result<PageOut, String> {
    // A JPEG kept as the viewer image whose header is not asked for may need nothing but a
    // preview, which the decoder makes at a fraction of the cost; the whole image is decoded
    // only when the analysis finds a header to crop.
    let reuse = matches!(pixels, Pixels::Jpeg { .. }) && dpi <= VIEWER_DPI * 1.5;
    let mut decoded: Option<GrayImage> = None;
    let preview = match &pixels {
        Pixels::Jpeg { bytes, .. } if reuse && !want_header => raster::jpeg_preview(bytes, 300)?,
        Pixels::Jpeg { bytes, .. } => {
            let full = raster::jpeg_full_gray(bytes)?;
            let preview = raster::preview(&full, 300);
            decoded = Some(full);
            preview
        }
        Pixels::Raster(img) => raster::preview(img, 300),
    };
    let analysis = raster::analyze(&preview);
    let upside = analysis.upside_down();
    let rotation = if upside == Some(true) { 180 } else { 0 };
    let thumb = raster::encode_jpeg(&raster::resize_to_width(&preview, THUMB_WIDTH), 70);
    let needs_header = want_header || analysis.header_top || analysis.header_bottom;
    if (needs_header || !reuse)
        && decoded.is_none()
        && let Pixels::Jpeg { bytes, .. } = &pixels
    {
        decoded = Some(raster::jpeg_full_gray(bytes)?);
    }
    let full = match &pixels {
        Pixels::Raster(img) => Some(img),
        Pixels::Jpeg { .. } => decoded.as_ref(),
    };
    let header = if needs_header {
        let img = full.expect("decoded above");
        Some(raster::encode_jpeg(
            &raster::header_crop_turned(img, rotation),
            90,
        ))
    } else {
        None
    };
    let (viewer, width, height) = match (&pixels, reuse) {
        (
            Pixels::Jpeg {
                bytes,
                width,
                height,
            },
            true,
        ) => (bytes.clone(), *width, *height),
        _ => {
            let img = full.expect("decoded above");
            let img = if dpi > VIEWER_DPI * 1.4 {
                raster::resize_to_width(img, (img.width() as f32 * VIEWER_DPI / dpi) as u32)
            } else {
                img.clone()
            };
            (raster::encode_jpeg(&img, 80), img.width(), img.height())
        }
    };
    Ok(PageOut {
        half: None,
        sheet_page: 1,
        rotation,
        unsure_orientation: upside.is_none() && !analysis.blank,
        analysis,
        viewer,
        width,
        height,
        viewer_reused: reuse,
        thumb,
        header,
    })
}

/// Renders a one-page PDF at `scale` (pixels per point) in grayscale.
fn render(pdf_bytes: Vec<u8>, scale: f32) -> Result<GrayImage, String> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::vello_cpu::color::palette::css::WHITE;
    let pdf = hayro::hayro_syntax::Pdf::new(pdf_bytes)
        .map_err(|e| format!("the page cannot be rendered ({e:?})"))?;
    let pages = pdf.pages();
    let page = pages.first().ok_or("the page cannot be rendered")?;
    let pix = hayro::render(
        page,
        &hayro::RenderCache::new(),
        &InterpreterSettings::default(),
        &hayro::RenderSettings::default(),
        &hayro::PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        },
    );
    let (w, h) = (pix.width() as u32, pix.height() as u32);
    let gray: Vec<u8> = pix
        .data_as_u8_slice()
        .chunks_exact(4)
        .map(|p| ((p[0] as u32 * 77 + p[1] as u32 * 150 + p[2] as u32 * 29) >> 8) as u8)
        .collect();
    GrayImage::from_raw(w, h, gray).ok_or_else(|| "the rendered page has a wrong size".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a3_sheets_reorder_to_1_2_3_4_upright_or_flipped() {
        use Half::*;
        // Upright: recto [4 | 1], verso [2 | 3].
        assert_eq!(a3_sheet_page(true, Left, false), 4);
        assert_eq!(a3_sheet_page(true, Right, false), 1);
        assert_eq!(a3_sheet_page(false, Left, false), 2);
        assert_eq!(a3_sheet_page(false, Right, false), 3);
        // Upside down: recto [1 | 4] (turned), verso [3 | 2].
        assert_eq!(a3_sheet_page(true, Left, true), 1);
        assert_eq!(a3_sheet_page(true, Right, true), 4);
        assert_eq!(a3_sheet_page(false, Left, true), 3);
        assert_eq!(a3_sheet_page(false, Right, true), 2);
    }

    #[test]
    fn sniffs_formats_by_magic_bytes() {
        assert_eq!(sniff(b"%PDF-1.4\n"), Some(Format::Pdf));
        assert_eq!(sniff(b"PK\x03\x04...."), Some(Format::Zip));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0]), Some(Format::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some(Format::Png));
        assert_eq!(sniff(b"GIF89a"), None);
    }

    #[test]
    fn zip_entries_sort_naturally() {
        let mut v = vec!["scan10.pdf", "scan2.pdf", "scan1.pdf"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["scan1.pdf", "scan2.pdf", "scan10.pdf"]);
    }
}
