//! Page images: decoding (scaled where a preview is enough), page analysis (header frame, margin
//! line, blank page) and the derived images (viewer, thumbnail, header crop).

use image::{DynamicImage, GrayImage, Luma};

mod hand;
mod writing;

pub use hand::{HAND_TEACHERS, turn_by_hand};

/// Width of thumbnails, in pixels.
pub const THUMB_WIDTH: u32 = 180;
/// Viewer images are kept at or under this resolution.
pub const VIEWER_DPI: f32 = 150.0;
/// The header crop is this fraction of the page height, from the top.
pub const HEADER_FRACTION: f32 = 0.32;

/// What the analysis of one A4 page found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Analysis {
    /// A CMEN-like header frame at the top of the page (upright).
    pub header_top: bool,
    /// A header frame at the bottom (the page is upside down).
    pub header_bottom: bool,
    /// The vertical margin line is in the left half (upright) / right half (upside down).
    pub margin_left: bool,
    pub margin_right: bool,
    /// Nothing written or printed beyond light ruling.
    pub blank: bool,
    /// What the writing says: `Some(false)` upright (its lines' starts aligned on the left
    /// and their ends ragged, or on lined paper the letters above the ruled lines),
    /// `Some(true)` upside down, `None` too few lines, no clear difference, or the two clues
    /// disagreeing.
    pub text_upside_down: Option<bool>,
}

impl Analysis {
    /// Evidence that the page is upside down: `Some(true)` rotated, `Some(false)` upright,
    /// `None` when nothing tells or the clues disagree. The header frame decides; else the
    /// margin line and the written lines' alignment, either alone or both agreeing.
    pub fn upside_down(&self) -> Option<bool> {
        match (self.header_top, self.header_bottom) {
            (true, false) => return Some(false),
            (false, true) => return Some(true),
            _ => {}
        }
        let margin = match (self.margin_left, self.margin_right) {
            (true, false) => Some(false),
            (false, true) => Some(true),
            _ => None,
        };
        match (margin, self.text_upside_down) {
            (Some(m), Some(t)) if m != t => None,
            (Some(m), _) => Some(m),
            (None, t) => t,
        }
    }
}

/// Analyses a small (about 30–50 dpi) grayscale image of one A4 page.
pub fn analyze(img: &GrayImage) -> Analysis {
    let (w, h) = img.dimensions();
    if w < 20 || h < 20 {
        return Analysis {
            blank: true,
            ..Analysis::default()
        };
    }
    // Long dark horizontal lines (tolerating skew): the header frame's edges.
    let rows = line_profile(img, 150, true);
    let frame_rows: Vec<u32> = (0..h).filter(|&y| rows[y as usize] >= w * 7 / 10).collect();
    let band = |lo: u32, hi: u32| {
        let rows: Vec<u32> = frame_rows
            .iter()
            .copied()
            .filter(|&y| y >= lo && y < hi)
            .collect();
        match (rows.first(), rows.last()) {
            (Some(a), Some(b)) => b - a >= h / 25,
            _ => false,
        }
    };
    let header_top = band(0, h * 35 / 100);
    let header_bottom = band(h * 65 / 100, h);
    // Long darkish vertical runs: the margin line.
    let cols = line_profile(img, 215, false);
    let margin_cols: Vec<u32> = (0..w).filter(|&x| cols[x as usize] >= h * 6 / 10).collect();
    let margin_left = margin_cols.iter().any(|&x| x < w * 3 / 10);
    let margin_right = margin_cols.iter().any(|&x| x > w * 7 / 10);
    // Ink: dark pixels away from the borders, not counting the frame and margin lines.
    let (x0, x1, y0, y1) = (w / 20, w - w / 20, h / 20, h - h / 20);
    let mut margin = vec![false; w as usize];
    for &x in &margin_cols {
        margin[x as usize] = true;
    }
    let raw = img.as_raw();
    let mut ink = 0u32;
    for y in y0..y1 {
        if frame_rows.contains(&y) {
            continue;
        }
        let row = &raw[(y * w) as usize..((y + 1) * w) as usize];
        ink += (x0..x1)
            .filter(|&x| row[x as usize] < 170 && !margin[x as usize])
            .count() as u32;
    }
    let area = (x1 - x0) * (y1 - y0);
    let blank = !header_top && !header_bottom && ink * 1000 < area;
    Analysis {
        header_top,
        header_bottom,
        margin_left,
        margin_right,
        blank,
        text_upside_down: if blank {
            None
        } else {
            text_upside_down(img, &frame_rows, &margin)
        },
    }
}

/// What the handwriting says: its lines' alignment, and where it sits on lined paper; one
/// alone, or both agreeing.
fn text_upside_down(img: &GrayImage, frame_rows: &[u32], margin: &[bool]) -> Option<bool> {
    let writing = writing::writing(img, frame_rows, margin)?;
    match (
        writing::text_alignment(img, &writing),
        writing::text_on_lines(img, &writing),
    ) {
        (Some(a), Some(b)) if a != b => None,
        (Some(a), _) | (None, Some(a)) => Some(a),
        (None, None) => None,
    }
}

/// Where `dark` (an image `w` wide, row by row) holds straight runs of `long` pixels or more,
/// across (breaks of up to `bridge` pixels bridged) or upright: ruling, frames, margin lines —
/// not writing.
pub(crate) fn straight_runs(dark: &[bool], w: usize, long: usize, bridge: usize) -> Vec<bool> {
    let h = dark.len().checked_div(w).unwrap_or(0);
    let mut line = vec![false; dark.len()];
    for y in 0..h {
        let row = &dark[y * w..(y + 1) * w];
        let mut x = 0;
        while x < w {
            if !row[x] {
                x += 1;
                continue;
            }
            let (start, mut end) = (x, x);
            while x < w && row[x..(x + bridge + 1).min(w)].iter().any(|&d| d) {
                if row[x] {
                    end = x;
                }
                x += 1;
            }
            if end + 1 - start >= long {
                line[y * w + start..=y * w + end].fill(true);
            }
        }
    }
    for x in 0..w {
        let mut y = 0;
        while y < h {
            if !dark[y * w + x] {
                y += 1;
                continue;
            }
            let start = y;
            while y < h && dark[y * w + x] {
                y += 1;
            }
            if y - start >= long {
                (start..y).for_each(|yy| line[yy * w + x] = true);
            }
        }
    }
    line
}

/// For each row (or column), the most dark pixels found along a line through it, trying slopes
/// of up to ±3.5° so that skewed scans still show their ruling and frames as lines.
fn line_profile(img: &GrayImage, threshold: u8, horizontal: bool) -> Vec<u32> {
    let (w, h) = img.dimensions();
    let (along, across) = if horizontal { (w, h) } else { (h, w) };
    // A pixel counts as dark when it or its neighbour across the line is: a one-pixel line
    // drawn between two rows of the preview (or drifting by a pixel) is still seen whole.
    // Pages are mostly paper: only the dark pixels are visited, as (along, across) pairs.
    let raw = img.as_raw();
    let stride = w as usize;
    let mut dark: Vec<(u32, u32)> = Vec::new();
    for y in 0..h as usize {
        for x in 0..stride {
            let i = y * stride + x;
            let next = if horizontal { i + stride } else { i + 1 };
            if raw[i] < threshold || raw.get(next).is_some_and(|&v| v < threshold) {
                let (x, y) = (x as u32, y as u32);
                dark.push(if horizontal { (x, y) } else { (y, x) });
            }
        }
    }
    let mut best = vec![0u32; across as usize];
    let mut counts = vec![0u32; across as usize];
    let mut shifts = vec![0i64; along as usize];
    // Half a degree at a time, up to 3.5° either way (scans are skewed by up to 3°).
    for step in -7i32..=7 {
        let slope = step as f32 * 0.0087;
        for (a, s) in shifts.iter_mut().enumerate() {
            *s = (a as f32 * slope).round() as i64;
        }
        counts.iter_mut().for_each(|c| *c = 0);
        for &(a, c) in &dark {
            let line = c as i64 - shifts[a as usize];
            if line >= 0 && line < across as i64 {
                counts[line as usize] += 1;
            }
        }
        for (b, c) in best.iter_mut().zip(&counts) {
            *b = (*b).max(*c);
        }
    }
    best
}

/// Decodes a JPEG at the smallest of 1/8, 1/4, 1/2, 1 that keeps at least `min_width` pixels
/// across, in grayscale. This is what makes previews cheap: the decoder skips most of the work.
pub fn jpeg_preview(bytes: &[u8], min_width: u16) -> Result<GrayImage, String> {
    let mut dec = jpeg_decoder::Decoder::new(bytes);
    dec.read_info()
        .map_err(|e| format!("the JPEG image is damaged ({e})"))?;
    let info = dec.info().ok_or("the JPEG image has no header")?;
    let ratio = info.height as f32 / info.width.max(1) as f32;
    let min_height = (min_width as f32 * ratio) as u16;
    dec.scale(min_width, min_height)
        .map_err(|e| format!("the JPEG image cannot be scaled ({e})"))?;
    let pixels = dec
        .decode()
        .map_err(|e| format!("the JPEG image is damaged ({e})"))?;
    let info = dec.info().ok_or("the JPEG image has no header")?;
    let (w, h) = (info.width as u32, info.height as u32);
    to_gray(pixels, w, h, info.pixel_format)
}

/// Decodes a whole JPEG in grayscale.
pub fn jpeg_full_gray(bytes: &[u8]) -> Result<GrayImage, String> {
    let mut dec = jpeg_decoder::Decoder::new(bytes);
    let pixels = dec
        .decode()
        .map_err(|e| format!("the JPEG image is damaged ({e})"))?;
    let info = dec.info().ok_or("the JPEG image has no header")?;
    to_gray(
        pixels,
        info.width as u32,
        info.height as u32,
        info.pixel_format,
    )
}

/// Reads a JPEG's size and component count without decoding it.
pub fn jpeg_header(bytes: &[u8]) -> Result<(u32, u32, bool), String> {
    let mut dec = jpeg_decoder::Decoder::new(bytes);
    dec.read_info()
        .map_err(|e| format!("the JPEG image is damaged ({e})"))?;
    let info = dec.info().ok_or("the JPEG image has no header")?;
    Ok((
        info.width as u32,
        info.height as u32,
        matches!(
            info.pixel_format,
            jpeg_decoder::PixelFormat::L8 | jpeg_decoder::PixelFormat::L16
        ),
    ))
}

fn to_gray(
    pixels: Vec<u8>,
    w: u32,
    h: u32,
    format: jpeg_decoder::PixelFormat,
) -> Result<GrayImage, String> {
    use jpeg_decoder::PixelFormat::*;
    let gray: Vec<u8> = match format {
        L8 => pixels,
        L16 => pixels.chunks_exact(2).map(|p| p[0]).collect(),
        RGB24 => pixels
            .chunks_exact(3)
            .map(|p| ((p[0] as u32 * 77 + p[1] as u32 * 150 + p[2] as u32 * 29) >> 8) as u8)
            .collect(),
        CMYK32 => pixels
            .chunks_exact(4)
            .map(|p| 255 - p[3].max(((p[0] as u32 + p[1] as u32 + p[2] as u32) / 3) as u8))
            .collect(),
    };
    GrayImage::from_raw(w, h, gray).ok_or_else(|| "the JPEG image has a wrong size".to_string())
}

/// Encodes a grayscale image as a JPEG.
pub fn encode_jpeg(img: &GrayImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity((img.width() * img.height() / 8) as usize);
    let enc = jpeg_encoder::Encoder::new(&mut out, quality);
    // Sizes come from decoded images (at most 65535 px a side: the JPEG limit) and the output is
    // memory: encoding cannot fail.
    enc.encode(
        img.as_raw(),
        img.width().min(65535) as u16,
        img.height().min(65535) as u16,
        jpeg_encoder::ColorType::Luma,
    )
    .expect("JPEG encoding into memory");
    out
}

/// A small version for analysis and thumbnails: averages blocks of pixels (fast and good enough
/// at these sizes), keeping at least `min_width` pixels across.
pub fn preview(img: &GrayImage, min_width: u32) -> GrayImage {
    let f = (img.width() / min_width.max(1)).max(1);
    if f == 1 {
        return img.clone();
    }
    let (w, h) = (img.width() / f, img.height() / f);
    let src = img.as_raw();
    let stride = img.width() as usize;
    let mut out = Vec::with_capacity((w * h) as usize);
    let area = f * f;
    for by in 0..h as usize {
        let mut sums = vec![0u32; w as usize];
        for y in by * f as usize..(by + 1) * f as usize {
            let row = &src[y * stride..y * stride + (w * f) as usize];
            for (bx, chunk) in row.chunks_exact(f as usize).enumerate() {
                sums[bx] += chunk.iter().map(|&v| v as u32).sum::<u32>();
            }
        }
        out.extend(sums.iter().map(|s| (s / area) as u8));
    }
    GrayImage::from_raw(w, h, out).expect("sizes computed above")
}

/// Resizes to `width` pixels across, keeping the aspect ratio. Shrinking averages the source
/// pixels each output pixel covers (sharp enough for text and fast); enlarging interpolates.
pub fn resize_to_width(img: &GrayImage, width: u32) -> GrayImage {
    if img.width() == width {
        return img.clone();
    }
    let height = ((img.height() as u64 * width as u64) / img.width().max(1) as u64).max(1) as u32;
    if width < img.width() && height <= img.height() {
        return shrink(img, width.max(1), height);
    }
    image::imageops::resize(img, width, height, image::imageops::FilterType::CatmullRom)
}

/// For each output position of a `from` → `to` shrink, the source positions it covers with
/// their weights (fractions of one source pixel, summing to `from / to`).
fn area_weights(from: u32, to: u32) -> Vec<Vec<(usize, f32)>> {
    let scale = from as f64 / to as f64;
    (0..to)
        .map(|o| {
            let (lo, hi) = (o as f64 * scale, (o + 1) as f64 * scale);
            let mut cover = Vec::new();
            let mut i = lo.floor() as usize;
            while (i as f64) < hi && i < from as usize {
                let part = (hi.min(i as f64 + 1.0) - lo.max(i as f64)) as f32;
                if part > 0.0 {
                    cover.push((i, part / scale as f32));
                }
                i += 1;
            }
            cover
        })
        .collect()
}

/// Area-averaging shrink (a box filter of fractional size), rows then columns.
fn shrink(img: &GrayImage, width: u32, height: u32) -> GrayImage {
    let (w, h) = img.dimensions();
    let cols = area_weights(w, width);
    let rows = area_weights(h, height);
    let src = img.as_raw();
    // Columns first: every source row shrunk across.
    let mut narrow = vec![0f32; (width * h) as usize];
    for y in 0..h as usize {
        let line = &src[y * w as usize..(y + 1) * w as usize];
        let out = &mut narrow[y * width as usize..(y + 1) * width as usize];
        for (o, cover) in out.iter_mut().zip(&cols) {
            *o = cover.iter().map(|&(i, k)| line[i] as f32 * k).sum();
        }
    }
    let mut out = vec![0u8; (width * height) as usize];
    let mut acc = vec![0f32; width as usize];
    for (y, cover) in rows.iter().enumerate() {
        acc.iter_mut().for_each(|a| *a = 0.0);
        for &(i, k) in cover {
            let line = &narrow[i * width as usize..(i + 1) * width as usize];
            for (a, v) in acc.iter_mut().zip(line) {
                *a += v * k;
            }
        }
        let dst = &mut out[y * width as usize..(y + 1) * width as usize];
        for (d, a) in dst.iter_mut().zip(&acc) {
            *d = a.round().clamp(0.0, 255.0) as u8;
        }
    }
    GrayImage::from_raw(width, height, out).expect("sizes computed above")
}

/// Crops the left or right half of a sheet.
pub fn half(img: &GrayImage, right: bool) -> GrayImage {
    let w = img.width() / 2;
    let x = if right { img.width() - w } else { 0 };
    let stride = img.width() as usize;
    let mut pixels = Vec::with_capacity((w * img.height()) as usize);
    for row in img.as_raw().chunks_exact(stride) {
        pixels.extend_from_slice(&row[x as usize..(x + w) as usize]);
    }
    GrayImage::from_raw(w, img.height(), pixels).expect("sizes computed above")
}

/// Rotates by a multiple of 90 degrees.
pub fn rotate(img: &GrayImage, degrees: u16) -> GrayImage {
    match degrees % 360 {
        90 => image::imageops::rotate90(img),
        180 => image::imageops::rotate180(img),
        270 => image::imageops::rotate270(img),
        _ => img.clone(),
    }
}

/// Rotates by a small angle (radians, clockwise on screen) around the centre, nearest
/// neighbour, white outside: scanner skew, and deskewing.
pub fn rotate_small(img: &GrayImage, angle: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (s, c) = angle.sin_cos();
    let mut out = white(w, h);
    for y in 0..h {
        let dy = y as f32 - cy;
        for x in 0..w {
            let dx = x as f32 - cx;
            let sx = c * dx + s * dy + cx;
            let sy = -s * dx + c * dy + cy;
            if sx >= 0.0 && sy >= 0.0 && (sx as u32) < w && (sy as u32) < h {
                out.put_pixel(x, y, *img.get_pixel(sx as u32, sy as u32));
            }
        }
    }
    out
}

/// The header crop of an (upright) page: the top [`HEADER_FRACTION`] of it.
pub fn header_crop(img: &GrayImage) -> GrayImage {
    header_crop_turned(img, 0)
}

/// The header crop of a page that must be turned by `degrees` (0 or 180) to stand upright,
/// without turning the whole page: the bottom rows of an upside-down page, turned.
pub fn header_crop_turned(img: &GrayImage, degrees: u16) -> GrayImage {
    let (w, full) = img.dimensions();
    if full == 0 {
        return img.clone();
    }
    let h = (((full as f32) * HEADER_FRACTION) as u32).clamp(1, full.max(1));
    let n = (w * h) as usize;
    let raw = img.as_raw();
    match degrees % 360 {
        0 => GrayImage::from_raw(w, h, raw[..n].to_vec()).expect("sizes computed above"),
        // Turning by 180° reverses the pixels' order.
        180 => GrayImage::from_raw(w, h, raw[raw.len() - n..].iter().rev().copied().collect())
            .expect("sizes computed above"),
        _ => header_crop(&rotate(img, degrees)),
    }
}

/// Converts any decoded image to grayscale.
pub fn gray(img: DynamicImage) -> GrayImage {
    img.into_luma8()
}

/// A white page of the given size.
pub fn white(w: u32, h: u32) -> GrayImage {
    GrayImage::from_pixel(w, h, Luma([255]))
}

/// The page's identity band painted over: the top [`HEADER_FRACTION`] of the page once turned
/// upright by `rotation` (clockwise degrees), so that a corrector never sees the name header.
/// The image itself is not turned (the viewer turns it).
pub fn mask_header(img: &mut GrayImage, rotation: u16) {
    let (w, h) = img.dimensions();
    let band_h = ((h as f32) * HEADER_FRACTION).ceil() as u32;
    let band_w = ((w as f32) * HEADER_FRACTION).ceil() as u32;
    // The upright page's top is the stored image's top (0°), bottom (180°), left (90°: turning
    // clockwise brings the left edge up) or right (270°).
    let (x0, y0, x1, y1) = match rotation % 360 {
        90 => (0, 0, band_w.min(w), h),
        180 => (0, h.saturating_sub(band_h), w, h),
        270 => (w.saturating_sub(band_w), 0, w, h),
        _ => (0, 0, w, band_h.min(h)),
    };
    for y in y0..y1 {
        for x in x0..x1 {
            // A light grey with a diagonal hatch: visibly hidden, not a blank page.
            let v = if (x + y) % 24 < 2 { 200 } else { 232 };
            img.put_pixel(x, y, Luma([v]));
        }
    }
}

/// A JPEG with its identity band painted over (see [`mask_header`]), re-encoded.
pub fn masked_jpeg(bytes: &[u8], rotation: u16) -> Result<Vec<u8>, String> {
    let mut img = jpeg_full_gray(bytes)?;
    mask_header(&mut img, rotation);
    Ok(encode_jpeg(&img, 80))
}

/// `img` enlarged `f` times (`f` > 1), bilinear: a fraction of what [`resize_to_width`]'s
/// filter costs when enlarging (85 ms for a 150 dpi header crop), for the detectors that need
/// no better.
pub fn enlarge(img: &GrayImage, f: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (nw, nh) = ((w as f32 * f) as u32, (h as f32 * f) as u32);
    let src = img.as_raw();
    let w = w as usize;
    let mut out = vec![0u8; nw as usize * nh as usize];
    // Source x positions (integer part, weight of the next pixel out of 256), once per column.
    let cols: Vec<(usize, u32)> = (0..nw)
        .map(|x| {
            let sx = ((x as f32 + 0.5) / f - 0.5).max(0.0);
            let i = (sx as usize).min(w - 1);
            (i, ((sx - i as f32) * 256.0) as u32)
        })
        .collect();
    for y in 0..nh as usize {
        let sy = ((y as f32 + 0.5) / f - 0.5).max(0.0);
        let r0 = (sy as usize).min(h as usize - 1);
        let r1 = (r0 + 1).min(h as usize - 1);
        let fy = ((sy - r0 as f32) * 256.0) as u32;
        let (a, b) = (&src[r0 * w..r0 * w + w], &src[r1 * w..r1 * w + w]);
        let row = &mut out[y * nw as usize..(y + 1) * nw as usize];
        for (o, &(i, fx)) in row.iter_mut().zip(&cols) {
            let j = (i + 1).min(w - 1);
            let top = a[i] as u32 * (256 - fx) + a[j] as u32 * fx;
            let bottom = b[i] as u32 * (256 - fx) + b[j] as u32 * fx;
            *o = ((top * (256 - fy) + bottom * fy) >> 16) as u8;
        }
    }
    GrayImage::from_raw(nw, nh, out).expect("nw × nh pixels")
}

/// A 3 × 3 mean (the image's border kept).
pub fn blur3(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let mut out = img.clone();
    let src = img.as_raw();
    let dst: &mut [u8] = &mut out;
    let w = w as usize;
    for y in 1..(h as usize).saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let mut sum = 0u32;
            for row in [y - 1, y, y + 1] {
                let i = row * w + x;
                sum += src[i - 1] as u32 + src[i] as u32 + src[i + 1] as u32;
            }
            dst[y * w + x] = (sum / 9) as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identity_band_is_hidden_where_the_upright_page_has_its_top() {
        // A black page: whatever stays black was not masked.
        for (rotation, hidden, kept) in [
            (0u16, (50, 5), (50, 190)),
            (180, (50, 190), (50, 5)),
            (90, (5, 100), (140, 100)),
            (270, (145, 100), (5, 100)),
        ] {
            let mut img = GrayImage::from_pixel(150, 212, Luma([0]));
            mask_header(&mut img, rotation);
            assert!(
                img.get_pixel(hidden.0, hidden.1)[0] >= 200,
                "{rotation}° top hidden"
            );
            assert_eq!(img.get_pixel(kept.0, kept.1)[0], 0, "{rotation}° rest kept");
        }
    }

    fn page(header_top: bool, margin_left: bool) -> GrayImage {
        let (w, h) = (150u32, 212u32);
        let mut img = white(w, h);
        if header_top {
            for x in 10..140 {
                img.put_pixel(x, 8, Luma([0]));
                img.put_pixel(x, 50, Luma([0]));
            }
            for y in 8..50 {
                img.put_pixel(10, y, Luma([0]));
                img.put_pixel(139, y, Luma([0]));
            }
        }
        let mx = if margin_left { 18 } else { w - 19 };
        for y in 0..h {
            img.put_pixel(mx, y, Luma([120]));
        }
        img
    }

    #[test]
    fn finds_the_header_frame_and_the_margin() {
        let a = analyze(&page(true, true));
        assert!(a.header_top && !a.header_bottom && a.margin_left && !a.margin_right);
        assert_eq!(a.upside_down(), Some(false));
        let flipped = analyze(&rotate(&page(true, true), 180));
        assert!(flipped.header_bottom && flipped.margin_right);
        assert_eq!(flipped.upside_down(), Some(true));
        // A page without a header is oriented by its margin line.
        assert_eq!(
            analyze(&rotate(&page(false, true), 180)).upside_down(),
            Some(true)
        );
    }

    #[test]
    fn a_ruled_page_without_ink_is_blank_and_writing_is_not() {
        let mut img = page(false, true);
        for y in (20..200).step_by(8) {
            for x in 0..150 {
                img.put_pixel(x, y, Luma([205]));
            }
        }
        assert!(analyze(&img).blank);
        for y in 60..64 {
            for x in 30..90 {
                if x % 3 != 0 {
                    img.put_pixel(x, y, Luma([30]));
                }
            }
        }
        assert!(!analyze(&img).blank);
    }

    #[test]
    fn halves_and_header_crop_have_the_expected_sizes() {
        let sheet = white(400, 283);
        assert_eq!(half(&sheet, true).dimensions(), (200, 283));
        assert_eq!(header_crop(&white(200, 283)).height(), 90);
        let jpeg = encode_jpeg(&white(64, 80), 80);
        assert_eq!(jpeg_header(&jpeg).unwrap(), (64, 80, true));
        assert_eq!(jpeg_preview(&jpeg, 16).unwrap().dimensions(), (16, 20));
    }

    #[test]
    fn halves_and_crops_keep_their_pixels() {
        let img = GrayImage::from_fn(6, 10, |x, y| Luma([(y * 6 + x) as u8]));
        let right = half(&img, true);
        assert_eq!(right.get_pixel(0, 1).0[0], 9);
        assert_eq!(half(&img, false).get_pixel(2, 9).0[0], 56);
        // The header of an upside-down page: its bottom rows, turned.
        assert_eq!(
            header_crop_turned(&img, 180),
            header_crop(&rotate(&img, 180))
        );
        assert_eq!(header_crop(&img).get_pixel(5, 2).0[0], 17);
    }

    #[test]
    fn shrinking_averages_what_each_pixel_covers() {
        // Alternate black and white columns average to grey; a black half stays black.
        let stripes = GrayImage::from_fn(8, 4, |x, _| Luma([if x % 2 == 0 { 0 } else { 254 }]));
        let small = resize_to_width(&stripes, 4);
        assert_eq!(small.dimensions(), (4, 2));
        assert!(small.pixels().all(|p| p.0[0] == 127), "{small:?}");
        let halves = GrayImage::from_fn(9, 9, |x, _| Luma([if x < 3 { 0 } else { 255 }]));
        let small = resize_to_width(&halves, 3);
        assert_eq!(small.dimensions(), (3, 3));
        assert_eq!(
            (0..3)
                .map(|x| small.get_pixel(x, 1).0[0])
                .collect::<Vec<_>>(),
            [0, 255, 255]
        );
        // A fractional factor keeps the page's mean.
        let page = GrayImage::from_fn(310, 438, |x, y| Luma([((x * 7 + y * 13) % 256) as u8]));
        let thumb = resize_to_width(&page, THUMB_WIDTH);
        let mean = |i: &GrayImage| i.pixels().map(|p| p.0[0] as f64).sum::<f64>() / i.len() as f64;
        assert!((mean(&page) - mean(&thumb)).abs() < 1.0);
    }
}
