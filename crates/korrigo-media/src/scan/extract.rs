//! Extracting a source page: the A4 page or the two halves of an A3 sheet, each with its
//! viewer image, thumbnail and header crop.

use std::fs::File;
use std::io::BufReader;

use image::GrayImage;

use crate::pdf::PdfFile;
use crate::raster::{self, Analysis, THUMB_WIDTH, VIEWER_DPI};

use super::plan::*;
use super::*;

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

pub(super) enum Pixels {
    Jpeg {
        bytes: Vec<u8>,
        width: u32,
        height: u32,
    },
    Raster(GrayImage),
}

pub(super) fn dpi_of(width_px: u32, width_pt: f64) -> f32 {
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
pub(super) fn extract(
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
pub(super) struct A3Face {
    halves: [GrayImage; 2],
    previews: Vec<GrayImage>,
    analyses: Vec<Analysis>,
    /// Evidence that the face is upside down (positive) or upright (negative).
    vote: i32,
}

pub(super) fn a3_face(
    plan: &Plan,
    readers: &mut Readers,
    index: usize,
) -> Result<A3Face, ScanError> {
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
pub(super) fn finish_a3_face(face: A3Face, recto: bool, vote: i32, want_header: bool) -> SourceOut {
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

pub(super) fn a4_page(pixels: Pixels, dpi: f32, want_header: bool) -> Result<PageOut, String> {
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
pub(super) fn render(pdf_bytes: Vec<u8>, scale: f32) -> Result<GrayImage, String> {
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
