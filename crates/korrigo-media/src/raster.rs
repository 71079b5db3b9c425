//! Page images: decoding (scaled where a preview is enough), page analysis (header frame, margin
//! line, blank page) and the derived images (viewer, thumbnail, header crop).

use image::{DynamicImage, GrayImage, Luma};

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
}

impl Analysis {
    /// Evidence that the page is upside down: `Some(true)` rotated, `Some(false)` upright,
    /// `None` when nothing tells.
    pub fn upside_down(&self) -> Option<bool> {
        match (self.header_top, self.header_bottom) {
            (true, false) => return Some(false),
            (false, true) => return Some(true),
            _ => {}
        }
        match (self.margin_left, self.margin_right) {
            (true, false) => Some(false),
            (false, true) => Some(true),
            _ => None,
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
    let mut ink = 0u32;
    for y in y0..y1 {
        if frame_rows.contains(&y) {
            continue;
        }
        for x in x0..x1 {
            if img.get_pixel(x, y).0[0] < 170 && !margin_cols.contains(&x) {
                ink += 1;
            }
        }
    }
    let area = (x1 - x0) * (y1 - y0);
    Analysis {
        header_top,
        header_bottom,
        margin_left,
        margin_right,
        blank: !header_top && !header_bottom && ink * 1000 < area,
    }
}

/// For each row (or column), the most dark pixels found along a line through it, trying slopes
/// of up to ±2° so that skewed scans still show their ruling and frames as lines.
fn line_profile(img: &GrayImage, threshold: u8, horizontal: bool) -> Vec<u32> {
    let (w, h) = img.dimensions();
    let (along, across) = if horizontal { (w, h) } else { (h, w) };
    // A pixel counts as dark when it or its neighbour across the line is: a one-pixel line
    // drawn between two rows of the preview (or drifting by a pixel) is still seen whole.
    let raw = img.as_raw();
    let dark: Vec<bool> = (0..raw.len())
        .map(|i| {
            let next = if horizontal { i + w as usize } else { i + 1 };
            raw[i] < threshold || raw.get(next).is_some_and(|&v| v < threshold)
        })
        .collect();
    let mut best = vec![0u32; across as usize];
    let mut counts = vec![0u32; across as usize];
    for step in -4i32..=4 {
        let slope = step as f32 * 0.0087;
        counts.iter_mut().for_each(|c| *c = 0);
        for a in 0..along {
            let shift = (a as f32 * slope).round() as i64;
            for c in 0..across {
                let (x, y) = if horizontal { (a, c) } else { (c, a) };
                if dark[(y * w + x) as usize] {
                    let line = c as i64 - shift;
                    if line >= 0 && line < across as i64 {
                        counts[line as usize] += 1;
                    }
                }
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

/// Resizes to `width` pixels across, keeping the aspect ratio.
pub fn resize_to_width(img: &GrayImage, width: u32) -> GrayImage {
    if img.width() == width {
        return img.clone();
    }
    let height = ((img.height() as u64 * width as u64) / img.width().max(1) as u64).max(1) as u32;
    let filter = if width * 2 < img.width() {
        image::imageops::FilterType::Triangle
    } else {
        image::imageops::FilterType::CatmullRom
    };
    image::imageops::resize(img, width, height, filter)
}

/// Crops the left or right half of a sheet.
pub fn half(img: &GrayImage, right: bool) -> GrayImage {
    let w = img.width() / 2;
    let x = if right { img.width() - w } else { 0 };
    image::imageops::crop_imm(img, x, 0, w, img.height()).to_image()
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
    let h = ((img.height() as f32) * HEADER_FRACTION) as u32;
    image::imageops::crop_imm(img, 0, 0, img.width(), h.max(1)).to_image()
}

/// Converts any decoded image to grayscale.
pub fn gray(img: DynamicImage) -> GrayImage {
    img.into_luma8()
}

/// A white page of the given size.
pub fn white(w: u32, h: u32) -> GrayImage {
    GrayImage::from_pixel(w, h, Luma([255]))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
