//! The page tree: each page's size, rotation and images, and one page copied into a
//! one-page document for the renderer.

use super::lexer::*;
use super::*;

impl<R: Read + Seek> PdfFile<R> {
    /// The page count the document declares (`/Count` of its page tree), without reading the
    /// pages; for messages only (a damaged file may declare anything).
    pub fn declared_page_count(&mut self) -> Option<u64> {
        let root = get(&self.trailer, "Root").cloned()?;
        let root = self.resolve(&root).ok()?;
        let pages = root.dict().and_then(|d| get(d, "Pages")).cloned()?;
        let pages = self.resolve(&pages).ok()?;
        let count = pages.dict().and_then(|d| get(d, "Count")).cloned()?;
        self.resolve(&count).ok()?.as_int().map(|n| n.max(0) as u64)
    }

    /// The pages in order, with their geometry and images.
    pub fn pages(&mut self, max_pages: usize) -> Result<Vec<PageInfo>, PdfError> {
        let root = get(&self.trailer, "Root").cloned().unwrap_or(Obj::Null);
        let root = self.resolve(&root)?;
        let Some(pages) = root.dict().and_then(|d| get(d, "Pages")).cloned() else {
            return Err(damaged("the document has no page tree"));
        };
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        self.walk(
            &pages,
            Inherited::default(),
            &mut out,
            &mut seen,
            0,
            max_pages,
        )?;
        Ok(out)
    }

    pub(super) fn walk(
        &mut self,
        node_ref: &Obj,
        inherited: Inherited,
        out: &mut Vec<PageInfo>,
        seen: &mut HashSet<u32>,
        depth: usize,
        max_pages: usize,
    ) -> Result<(), PdfError> {
        if depth > MAX_DEPTH {
            return Err(damaged("the page tree is too deep"));
        }
        let id = match node_ref {
            Obj::Ref(id, g) => (*id, *g),
            _ => (0, 0),
        };
        if id.0 != 0 && !seen.insert(id.0) {
            return Err(damaged("the page tree loops"));
        }
        let node = self.resolve(node_ref)?;
        let Some(dict) = node.dict() else {
            return Err(damaged("a page tree node is not a dictionary"));
        };
        let mut inh = inherited;
        if let Some(r) = get(dict, "Resources") {
            inh.resources = Some(r.clone());
        }
        if let Some(m) = get(dict, "MediaBox") {
            inh.media_box = Some(m.clone());
        }
        if let Some(c) = get(dict, "CropBox") {
            inh.crop_box = Some(c.clone());
        }
        if let Some(r) = get(dict, "Rotate").and_then(Obj::as_int) {
            inh.rotate = r.rem_euclid(360) as u16 / 90 * 90;
        }
        let is_pages = match get(dict, "Type").and_then(Obj::as_name) {
            Some(b"Pages") => true,
            Some(b"Page") => false,
            _ => get(dict, "Kids").is_some(),
        };
        if is_pages {
            let kids = match get(dict, "Kids") {
                Some(k) => self.resolve(k)?,
                None => Obj::Null,
            };
            let Obj::Array(kids) = kids else {
                return Err(damaged("a page tree node has no /Kids"));
            };
            for kid in kids {
                self.walk(&kid, inh.clone(), out, seen, depth + 1, max_pages)?;
                if out.len() > max_pages {
                    return Ok(());
                }
            }
            return Ok(());
        }
        let page = self.page_info(id, dict.clone(), inh)?;
        out.push(page);
        Ok(())
    }

    pub(super) fn page_info(
        &mut self,
        id: (u32, u16),
        dict: Dict,
        inh: Inherited,
    ) -> Result<PageInfo, PdfError> {
        let bx = match inh.crop_box.or(inh.media_box) {
            Some(b) => self.resolve(&b)?,
            None => return Err(damaged(format!("page object {} has no /MediaBox", id.0))),
        };
        let nums: Vec<f64> = match &bx {
            Obj::Array(a) => {
                let mut v = Vec::new();
                for o in a {
                    v.push(self.resolve(o)?.as_f64().unwrap_or(0.0));
                }
                v
            }
            _ => vec![],
        };
        let [x0, y0, x1, y1] = nums.as_slice() else {
            return Err(damaged(format!("page object {} has a bad /MediaBox", id.0)));
        };
        let (mut w, mut h) = ((x1 - x0).abs(), (y1 - y0).abs());
        if w < 1.0 || h < 1.0 {
            return Err(damaged(format!(
                "page object {} has an empty /MediaBox",
                id.0
            )));
        }
        if inh.rotate % 180 == 90 {
            std::mem::swap(&mut w, &mut h);
        }
        let resources = match inh.resources {
            Some(r) => self.resolve(&r)?,
            None => Obj::Null,
        };
        let xobjects = match resources.dict().and_then(|d| get(d, "XObject")) {
            Some(x) => self.resolve(x)?,
            None => Obj::Null,
        };
        let mut images = Vec::new();
        let mut other_xobjects = 0;
        let mut max_pixels = 0u64;
        if let Some(xd) = xobjects.dict() {
            for (name, r) in xd.clone() {
                let x = self.resolve(&r)?;
                let Obj::Stream(d, pos) = x else { continue };
                if get(&d, "Subtype").and_then(Obj::as_name) == Some(b"Image") {
                    let width = dim(self, &d, "Width")?;
                    let height = dim(self, &d, "Height")?;
                    max_pixels = max_pixels.max(width as u64 * height as u64);
                    let filters = filter_names(self, &d)?;
                    let cs = match get(&d, "ColorSpace") {
                        Some(c) => self.resolve(c)?,
                        None => Obj::Null,
                    };
                    let gray = cs.as_name() == Some(b"DeviceGray")
                        || get(&d, "ImageMask").is_some()
                        || filters.last().is_some_and(|f| f == "CCITTFaxDecode");
                    images.push((
                        name,
                        ImageInfo {
                            width,
                            height,
                            filter: filters.last().cloned(),
                            filters: filters.len(),
                            stream: pos,
                            gray,
                        },
                    ));
                } else {
                    other_xobjects += 1;
                }
            }
        }
        let sole_image = if images.len() == 1 && other_xobjects == 0 {
            let content = self.content_bytes(&dict)?;
            if content_is_single_image(&content, &images[0].0) {
                Some(images[0].1.clone())
            } else {
                None
            }
        } else {
            None
        };
        Ok(PageInfo {
            id,
            width_pt: w,
            height_pt: h,
            rotate: inh.rotate,
            sole_image,
            max_image_pixels: max_pixels,
        })
    }

    pub(super) fn content_bytes(&mut self, page: &Dict) -> Result<Vec<u8>, PdfError> {
        let contents = match get(page, "Contents") {
            Some(c) => c.clone(),
            None => return Ok(Vec::new()),
        };
        let list = match &contents {
            Obj::Ref(..) => match self.resolve(&contents)? {
                Obj::Array(a) => a,
                other => vec![other],
            },
            Obj::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        let mut out = Vec::new();
        for c in list.iter().take(64) {
            if let Obj::Stream(d, pos) = self.resolve(c)? {
                match self.decode_stream(&d, pos) {
                    Ok(bytes) => out.extend_from_slice(&bytes),
                    // A content stream in another encoding: not a plain scan page.
                    Err(_) => return Ok(b"unknown".to_vec()),
                }
                out.push(b'\n');
            }
            if out.len() > 1 << 20 {
                break;
            }
        }
        Ok(out)
    }

    /// A one-page PDF holding a copy of the page and every object it uses, for the renderer.
    /// Memory is bounded by that one page's objects.
    pub fn single_page_pdf(&mut self, page: &PageInfo) -> Result<Vec<u8>, PdfError> {
        let page_obj = self.object(page.id.0)?;
        let Some(dict) = page_obj.dict().cloned() else {
            return Err(damaged("a page is not a dictionary"));
        };
        // Inherited attributes are made explicit on the copy.
        let mut copy: Dict = dict
            .into_iter()
            .filter(|(k, _)| k.as_slice() != b"Parent")
            .collect();
        let w = Obj::Real(if page.rotate % 180 == 90 {
            page.height_pt
        } else {
            page.width_pt
        });
        let h = Obj::Real(if page.rotate % 180 == 90 {
            page.width_pt
        } else {
            page.height_pt
        });
        copy.retain(|(k, _)| !matches!(k.as_slice(), b"MediaBox" | b"CropBox" | b"Rotate"));
        copy.push((
            b"MediaBox".to_vec(),
            Obj::Array(vec![Obj::Int(0), Obj::Int(0), w, h]),
        ));
        copy.push((b"Rotate".to_vec(), Obj::Int(page.rotate as i64)));
        if get(&copy, "Resources").is_none() {
            copy.push((b"Resources".to_vec(), self.inherited_resources(page.id.0)?));
        }
        let mut writer = MiniWriter::default();
        let mut map: HashMap<u32, u32> = HashMap::new();
        let mut queue: Vec<u32> = Vec::new();
        let page_new = writer.reserve();
        let pages_new = writer.reserve();
        let catalog_new = writer.reserve();
        let mut copy_obj = Obj::Dict(copy);
        collect_refs(&mut copy_obj, &mut map, &mut queue, &mut writer);
        let mut written = 0usize;
        while let Some(old) = queue.pop() {
            written += 1;
            if written > 100_000 {
                return Err(damaged("a page uses too many objects"));
            }
            let new = map[&old];
            let mut obj = self.object(old)?;
            let data = match &obj {
                Obj::Stream(_, pos) => Some(self.raw_stream(*pos)?),
                _ => None,
            };
            collect_refs(&mut obj, &mut map, &mut queue, &mut writer);
            writer.put(new, &obj, data.as_deref());
        }
        if let Obj::Dict(d) = &mut copy_obj {
            d.push((b"Parent".to_vec(), Obj::Ref(pages_new, 0)));
        }
        writer.put(page_new, &copy_obj, None);
        writer.put(
            pages_new,
            &Obj::Dict(vec![
                (b"Type".to_vec(), Obj::Name(b"Pages".to_vec())),
                (b"Kids".to_vec(), Obj::Array(vec![Obj::Ref(page_new, 0)])),
                (b"Count".to_vec(), Obj::Int(1)),
            ]),
            None,
        );
        writer.put(
            catalog_new,
            &Obj::Dict(vec![
                (b"Type".to_vec(), Obj::Name(b"Catalog".to_vec())),
                (b"Pages".to_vec(), Obj::Ref(pages_new, 0)),
            ]),
            None,
        );
        Ok(writer.finish(catalog_new))
    }

    pub(super) fn inherited_resources(&mut self, page_id: u32) -> Result<Obj, PdfError> {
        let mut cur = self.object(page_id)?;
        for _ in 0..MAX_DEPTH {
            let Some(d) = cur.dict() else { break };
            if let Some(r) = get(d, "Resources") {
                return Ok(r.clone());
            }
            match get(d, "Parent") {
                Some(p) => {
                    let p = p.clone();
                    cur = self.resolve(&p)?;
                }
                None => break,
            }
        }
        Ok(Obj::Dict(Vec::new()))
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct Inherited {
    resources: Option<Obj>,
    media_box: Option<Obj>,
    crop_box: Option<Obj>,
    rotate: u16,
}

pub(super) fn dim<R: Read + Seek>(
    pdf: &mut PdfFile<R>,
    d: &Dict,
    key: &str,
) -> Result<u32, PdfError> {
    let v = match get(d, key) {
        Some(o) => pdf.resolve(o)?.as_int().unwrap_or(0),
        None => 0,
    };
    if v <= 0 || v > u32::MAX as i64 {
        return Err(damaged(format!("an image has no valid /{key}")));
    }
    Ok(v as u32)
}

pub(super) fn filter_names<R: Read + Seek>(
    pdf: &mut PdfFile<R>,
    d: &Dict,
) -> Result<Vec<String>, PdfError> {
    let f = match get(d, "Filter") {
        Some(o) => pdf.resolve(o)?,
        None => return Ok(Vec::new()),
    };
    let names = match f {
        Obj::Name(n) => vec![n],
        Obj::Array(a) => a
            .into_iter()
            .filter_map(|o| match o {
                Obj::Name(n) => Some(n),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(names
        .into_iter()
        .map(|n| match n.as_slice() {
            b"Fl" => "FlateDecode".to_string(),
            b"DCT" => "DCTDecode".to_string(),
            b"CCF" => "CCITTFaxDecode".to_string(),
            _ => String::from_utf8_lossy(&n).into_owned(),
        })
        .collect())
}

/// True when a content stream does nothing but draw the named image (state changes, a
/// transform and clipping are allowed; text and painted paths are not).
pub(super) fn content_is_single_image(content: &[u8], name: &[u8]) -> bool {
    let mut lx = Lexer::new(content, 0);
    let mut last_name: Option<Vec<u8>> = None;
    let mut draws = 0;
    loop {
        lx.skip_ws();
        if lx.pos >= content.len() {
            break;
        }
        let c = content[lx.pos];
        if c.is_ascii_alphabetic() || c == b'\'' || c == b'"' || c == b'*' {
            let start = lx.pos;
            while lx.pos < content.len() && !is_delim(content[lx.pos]) && !is_ws(content[lx.pos]) {
                lx.pos += 1;
            }
            let op = &content[start..lx.pos];
            match op {
                b"q" | b"Q" | b"cm" | b"gs" | b"w" | b"J" | b"j" | b"M" | b"d" | b"ri" | b"i"
                | b"re" | b"W" | b"W*" | b"n" | b"m" | b"l" | b"h" | b"cs" | b"CS" | b"g"
                | b"G" | b"rg" | b"RG" | b"k" | b"K" | b"sc" | b"scn" | b"SC" | b"SCN" => {}
                b"Do" => {
                    if last_name.as_deref() != Some(name) {
                        return false;
                    }
                    draws += 1;
                }
                _ => return false,
            }
            if lx.pos == start {
                return false;
            }
        } else {
            match lx.object() {
                Ok(Obj::Name(n)) => last_name = Some(n),
                Ok(_) => {}
                Err(_) => return false,
            }
        }
    }
    draws == 1
}

pub(super) fn png_unpredict(data: &[u8], columns: usize, bpp: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; columns];
    for row in data.chunks(columns + 1) {
        if row.len() < columns + 1 {
            break;
        }
        let (tag, row) = (row[0], &row[1..]);
        let mut cur = vec![0u8; columns];
        for i in 0..columns {
            let left = if i >= bpp { cur[i - bpp] } else { 0 };
            let up = prev[i];
            let ul = if i >= bpp { prev[i - bpp] } else { 0 };
            cur[i] = row[i].wrapping_add(match tag {
                1 => left,
                2 => up,
                3 => ((left as u16 + up as u16) / 2) as u8,
                4 => {
                    let p = left as i16 + up as i16 - ul as i16;
                    let (pa, pb, pc) = (
                        (p - left as i16).abs(),
                        (p - up as i16).abs(),
                        (p - ul as i16).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        left
                    } else if pb <= pc {
                        up
                    } else {
                        ul
                    }
                }
                _ => 0,
            });
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    out
}

pub(super) fn collect_refs(
    obj: &mut Obj,
    map: &mut HashMap<u32, u32>,
    queue: &mut Vec<u32>,
    w: &mut MiniWriter,
) {
    match obj {
        Obj::Ref(id, g) => {
            let new = *map.entry(*id).or_insert_with(|| {
                queue.push(*id);
                w.reserve()
            });
            *id = new;
            *g = 0;
        }
        Obj::Array(a) => a.iter_mut().for_each(|o| collect_refs(o, map, queue, w)),
        Obj::Dict(d) | Obj::Stream(d, _) => d
            .iter_mut()
            .filter(|(k, _)| k.as_slice() != b"Parent")
            .for_each(|(_, o)| collect_refs(o, map, queue, w)),
        _ => {}
    }
}
