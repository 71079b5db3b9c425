//! A batch's plan: its parts (PDFs, images, ZIP entries) and source pages, validated
//! without decoding any image.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use crate::pdf::{PageInfo, PdfFile};

use super::*;

#[derive(Debug, Clone)]
pub(super) struct Part {
    pub(super) path: PathBuf,
    pub(super) format: Format,
}

#[derive(Debug, Clone)]
pub(super) enum Source {
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
    pub(super) source: Source,
}

/// A validated batch: every page it will yield, in order.
#[derive(Debug)]
pub struct Plan {
    pub(super) parts: Vec<Part>,
    pub pages: Vec<SourcePage>,
    pub(super) tmp: Option<PathBuf>,
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

    pub(super) fn add_part(
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

pub(super) fn sniff_file(path: &Path, name: &str) -> Result<Format, ScanError> {
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

pub(super) fn image_size(path: &Path, format: Format) -> Result<(u32, u32), String> {
    let f = File::open(path).map_err(|e| e.to_string())?;
    let fmt = match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        _ => image::ImageFormat::Png,
    };
    image::ImageReader::with_format(BufReader::new(f), fmt)
        .into_dimensions()
        .map_err(|e| format!("the image cannot be read ({e})"))
}

pub(super) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
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
