//! A small, bounded-memory PDF reader for scanned batches.
//!
//! Batches reach gigabytes, so the file is never loaded whole: the cross-reference table is read
//! from the end, then each object is read on demand at its offset (objects inside object streams
//! are read from the decompressed stream, one stream cached at a time). Stream data stays on disk
//! until it is asked for. Only what a scan needs is understood: the page tree, page resources,
//! content streams and image XObjects. Anything else is carried as plain objects, so a page can be
//! copied into a one-page document for the renderer ([`PdfFile::single_page_pdf`]).

use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom};

/// Why a file is not a PDF this reader can use. Messages name the problem for the manager.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PdfError {
    #[error("the file does not start like a PDF (no %PDF- header)")]
    NotPdf,
    #[error(
        "the PDF is truncated: its end (startxref / %%EOF) is missing; upload the complete file"
    )]
    Truncated,
    #[error("the PDF is damaged: {0}")]
    Damaged(String),
    #[error(
        "the PDF is encrypted or password-protected; save an unprotected copy and upload it again"
    )]
    Encrypted,
    #[error("could not read the file: {0}")]
    Io(String),
}

fn damaged(what: impl Into<String>) -> PdfError {
    PdfError::Damaged(what.into())
}

/// A PDF object. Stream data is not held: [`Obj::Stream`] records where it lies in the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Obj {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Name(Vec<u8>),
    Str(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32, u16),
    Stream(Dict, StreamPos),
}

/// Where a stream's (still encoded) data lies in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamPos {
    pub start: u64,
    pub len: u64,
}

pub type Dict = Vec<(Vec<u8>, Obj)>;

/// Looks a key up in a dictionary.
pub fn get<'a>(dict: &'a Dict, key: &str) -> Option<&'a Obj> {
    dict.iter()
        .find(|(k, _)| k.as_slice() == key.as_bytes())
        .map(|(_, v)| v)
}

impl Obj {
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Obj::Int(i) => Some(*i),
            Obj::Real(r) => Some(*r as i64),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Obj::Int(i) => Some(*i as f64),
            Obj::Real(r) => Some(*r),
            _ => None,
        }
    }
    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Obj::Name(n) => Some(n),
            _ => None,
        }
    }
    pub fn dict(&self) -> Option<&Dict> {
        match self {
            Obj::Dict(d) | Obj::Stream(d, _) => Some(d),
            _ => None,
        }
    }
}

/// Where an object lives, from the cross-reference table.
#[derive(Debug, Clone, Copy)]
enum Loc {
    Offset(u64),
    InStream { stream: u32, index: u32 },
}

/// One page as the scan pipeline sees it.
#[derive(Debug, Clone)]
pub struct PageInfo {
    /// The page dictionary's object id.
    pub id: (u32, u16),
    /// Width and height in points, after `/Rotate`.
    pub width_pt: f64,
    pub height_pt: f64,
    /// `/Rotate` in degrees (0, 90, 180, 270).
    pub rotate: u16,
    /// The page's image, when the page is nothing but one image drawn over it.
    pub sole_image: Option<ImageInfo>,
    /// The largest image declared by the page's resources (width × height), for the bomb check.
    pub max_image_pixels: u64,
}

/// An image XObject.
#[derive(Debug, Clone)]
pub struct ImageInfo {
    pub width: u32,
    pub height: u32,
    /// The last filter in the chain (`DCTDecode`, `FlateDecode`, `CCITTFaxDecode`, ...).
    pub filter: Option<String>,
    /// Number of filters (a JPEG is taken verbatim only when it is the only one).
    pub filters: usize,
    pub stream: StreamPos,
    /// DeviceGray / one component.
    pub gray: bool,
}

const MAX_WINDOW: usize = 32 << 20;
const MAX_DEPTH: usize = 64;

/// A decompressed object stream: its number, its data, and (object, offset) pairs.
type ObjStm = (u32, Vec<u8>, Vec<(u32, usize)>);

/// An open PDF.
pub struct PdfFile<R> {
    src: R,
    size: u64,
    xref: HashMap<u32, Loc>,
    trailer: Dict,
    objstm_cache: Option<ObjStm>,
}

impl<R> std::fmt::Debug for PdfFile<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfFile")
            .field("size", &self.size)
            .field("objects", &self.xref.len())
            .finish()
    }
}

impl<R: Read + Seek> PdfFile<R> {
    /// Opens a PDF: checks the header and the end marker, reads the cross-reference chain, refuses
    /// encrypted files.
    pub fn open(mut src: R) -> Result<Self, PdfError> {
        let size = src.seek(SeekFrom::End(0)).map_err(io)?;
        let mut head = [0u8; 1024];
        let n = read_at(&mut src, 0, &mut head)?;
        if !head[..n].windows(5).any(|w| w == b"%PDF-") {
            return Err(PdfError::NotPdf);
        }
        let tail_len = size.min(4096) as usize;
        let mut tail = vec![0u8; tail_len];
        read_at(&mut src, size - tail_len as u64, &mut tail)?;
        let Some(sx) = rfind(&tail, b"startxref") else {
            return Err(PdfError::Truncated);
        };
        if rfind(&tail[sx..], b"%%EOF").is_none() {
            return Err(PdfError::Truncated);
        }
        let mut lx = Lexer::new(&tail, sx + 9);
        let start = match lx.object() {
            Ok(Obj::Int(i)) if i >= 0 && (i as u64) < size => i as u64,
            _ => return Err(damaged("the startxref offset is invalid")),
        };
        let mut pdf = PdfFile {
            src,
            size,
            xref: HashMap::new(),
            trailer: Vec::new(),
            objstm_cache: None,
        };
        pdf.read_xref_chain(start)?;
        if get(&pdf.trailer, "Encrypt").is_some() {
            return Err(PdfError::Encrypted);
        }
        if get(&pdf.trailer, "Root").is_none() {
            return Err(damaged("the trailer has no /Root"));
        }
        Ok(pdf)
    }

    fn read_xref_chain(&mut self, first: u64) -> Result<(), PdfError> {
        let mut seen = HashSet::new();
        let mut next = Some(first);
        while let Some(offset) = next {
            if !seen.insert(offset) || seen.len() > 1000 {
                return Err(damaged("the cross-reference chain loops"));
            }
            let (trailer, extra) = self.read_xref_section(offset)?;
            next = get(&trailer, "Prev")
                .and_then(Obj::as_int)
                .map(|p| p as u64);
            if let Some(stm) = extra {
                // Hybrid files: the table's /XRefStm holds the objects of the newer stream.
                self.read_xref_section(stm)?;
            }
            if self.trailer.is_empty() {
                self.trailer = trailer;
            }
        }
        Ok(())
    }

    fn read_xref_section(&mut self, offset: u64) -> Result<(Dict, Option<u64>), PdfError> {
        let mut size = 64 * 1024;
        loop {
            let buf = self.window(offset, size)?;
            let complete = buf.len() < size;
            match self.parse_xref_section(&buf, offset) {
                Ok(r) => return Ok(r),
                Err(ParseErr::Eof) if !complete && size < MAX_WINDOW => size *= 4,
                Err(ParseErr::Eof) => return Err(damaged("a cross-reference table is cut short")),
                Err(ParseErr::Bad(m)) => return Err(damaged(m)),
                Err(ParseErr::Pdf(e)) => return Err(e),
            }
        }
    }

    fn parse_xref_section(
        &mut self,
        buf: &[u8],
        offset: u64,
    ) -> Result<(Dict, Option<u64>), ParseErr> {
        let mut lx = Lexer::new(buf, 0);
        lx.skip_ws();
        if buf[lx.pos..].starts_with(b"xref") {
            lx.pos += 4;
            loop {
                lx.skip_ws();
                if buf[lx.pos..].starts_with(b"trailer") {
                    lx.pos += 7;
                    break;
                }
                let start = lx.uint()?;
                let count = lx.uint()?;
                for i in 0..count {
                    let off = lx.uint()?;
                    let _gen = lx.uint()?;
                    lx.skip_ws();
                    let kind = *buf.get(lx.pos).ok_or(ParseErr::Eof)?;
                    lx.pos += 1;
                    let id = (start + i) as u32;
                    if kind == b'n' && off > 0 {
                        self.xref.entry(id).or_insert(Loc::Offset(off));
                    } else if kind != b'n' && kind != b'f' {
                        return Err(ParseErr::Bad("a cross-reference entry is malformed".into()));
                    }
                }
            }
            let Obj::Dict(trailer) = lx.object()? else {
                return Err(ParseErr::Bad("the trailer is not a dictionary".into()));
            };
            let stm = get(&trailer, "XRefStm")
                .and_then(Obj::as_int)
                .map(|o| o as u64);
            return Ok((trailer, stm));
        }
        // A cross-reference stream: "n g obj << /Type /XRef ... >> stream".
        let (_, obj) = lx.indirect(offset)?;
        let Obj::Stream(dict, pos) = obj else {
            return Err(ParseErr::Bad(
                "startxref points to neither a table nor a stream".into(),
            ));
        };
        let pos = self.resolve_len(&dict, pos).map_err(ParseErr::Pdf)?;
        let data = self.decode_stream(&dict, pos).map_err(ParseErr::Pdf)?;
        let widths: Vec<usize> = match get(&dict, "W") {
            Some(Obj::Array(a)) if a.len() == 3 => a
                .iter()
                .map(|o| o.as_int().unwrap_or(0).clamp(0, 8) as usize)
                .collect(),
            _ => return Err(ParseErr::Bad("a cross-reference stream has no /W".into())),
        };
        let size = get(&dict, "Size").and_then(Obj::as_int).unwrap_or(0);
        let index: Vec<i64> = match get(&dict, "Index") {
            Some(Obj::Array(a)) => a.iter().filter_map(Obj::as_int).collect(),
            _ => vec![0, size],
        };
        let row = widths.iter().sum::<usize>();
        if row == 0 {
            return Err(ParseErr::Bad(
                "a cross-reference stream has empty rows".into(),
            ));
        }
        let mut rows = data.chunks_exact(row);
        for pair in index.chunks(2) {
            let [start, count] = pair else { break };
            for i in 0..*count {
                let Some(r) = rows.next() else { break };
                let field = |n: usize| {
                    let s: usize = widths[..n].iter().sum();
                    r[s..s + widths[n]]
                        .iter()
                        .fold(0u64, |acc, b| acc << 8 | *b as u64)
                };
                let kind = if widths[0] == 0 { 1 } else { field(0) };
                let id = (*start + i) as u32;
                match kind {
                    1 => {
                        self.xref.entry(id).or_insert(Loc::Offset(field(1)));
                    }
                    2 => {
                        self.xref.entry(id).or_insert(Loc::InStream {
                            stream: field(1) as u32,
                            index: field(2) as u32,
                        });
                    }
                    _ => {}
                }
            }
        }
        Ok((dict, None))
    }

    fn window(&mut self, offset: u64, size: usize) -> Result<Vec<u8>, PdfError> {
        let len = (self.size.saturating_sub(offset)).min(size as u64) as usize;
        let mut buf = vec![0u8; len];
        read_at(&mut self.src, offset, &mut buf)?;
        Ok(buf)
    }

    /// The trailer dictionary.
    pub fn trailer(&self) -> &Dict {
        &self.trailer
    }

    /// Reads an object by number.
    pub fn object(&mut self, id: u32) -> Result<Obj, PdfError> {
        match self.xref.get(&id).copied() {
            None => Ok(Obj::Null),
            Some(Loc::Offset(off)) => {
                let mut size = 16 * 1024;
                loop {
                    let buf = self.window(off, size)?;
                    let complete = buf.len() < size;
                    let mut lx = Lexer::new(&buf, 0);
                    match lx.indirect(off) {
                        Ok((_, Obj::Stream(d, pos))) => {
                            let pos = self.resolve_len(&d, pos)?;
                            return Ok(Obj::Stream(d, pos));
                        }
                        Ok((_, obj)) => return Ok(obj),
                        Err(ParseErr::Eof) if !complete && size < MAX_WINDOW => size *= 4,
                        Err(ParseErr::Eof) => {
                            return Err(damaged(format!("object {id} is cut short")));
                        }
                        Err(ParseErr::Bad(m)) => {
                            return Err(damaged(format!("object {id}: {m}")));
                        }
                        Err(ParseErr::Pdf(e)) => return Err(e),
                    }
                }
            }
            Some(Loc::InStream { stream, index }) => self.object_in_stream(stream, index),
        }
    }

    fn object_in_stream(&mut self, stream: u32, index: u32) -> Result<Obj, PdfError> {
        if self.objstm_cache.as_ref().map(|c| c.0) != Some(stream) {
            let Obj::Stream(dict, pos) = self.object(stream)? else {
                return Err(damaged(format!("object stream {stream} is missing")));
            };
            let data = self.decode_stream(&dict, pos)?;
            let n = get(&dict, "N").and_then(Obj::as_int).unwrap_or(0).max(0) as usize;
            let first = get(&dict, "First")
                .and_then(Obj::as_int)
                .unwrap_or(0)
                .max(0) as usize;
            let mut lx = Lexer::new(&data, 0);
            let mut table = Vec::with_capacity(n.min(100_000));
            for _ in 0..n {
                let id = lx
                    .uint()
                    .map_err(|_| damaged("an object stream index is bad"))?;
                let off = lx
                    .uint()
                    .map_err(|_| damaged("an object stream index is bad"))?;
                table.push((id as u32, first + off as usize));
            }
            self.objstm_cache = Some((stream, data, table));
        }
        let (_, data, table) = self.objstm_cache.as_ref().expect("cache filled above");
        let Some(&(_, off)) = table.get(index as usize) else {
            return Ok(Obj::Null);
        };
        if off > data.len() {
            return Err(damaged("an object stream offset is out of range"));
        }
        let mut lx = Lexer::new(data, off);
        lx.object()
            .map_err(|_| damaged(format!("object {index} of stream {stream} is bad")))
    }

    /// Follows references until a direct object.
    pub fn resolve(&mut self, obj: &Obj) -> Result<Obj, PdfError> {
        let mut cur = obj.clone();
        for _ in 0..32 {
            match cur {
                Obj::Ref(id, _) => cur = self.object(id)?,
                other => return Ok(other),
            }
        }
        Err(damaged("a reference chain loops"))
    }

    fn resolve_len(&mut self, dict: &Dict, pos: StreamPos) -> Result<StreamPos, PdfError> {
        let len = match get(dict, "Length") {
            Some(Obj::Int(n)) => *n,
            Some(Obj::Ref(id, _)) => {
                let id = *id;
                match self.object(id)? {
                    Obj::Int(n) => n,
                    _ => return Err(damaged("a stream /Length is not a number")),
                }
            }
            _ => return Err(damaged("a stream has no /Length")),
        };
        if len < 0 || pos.start + len as u64 > self.size {
            return Err(PdfError::Truncated);
        }
        Ok(StreamPos {
            start: pos.start,
            len: len as u64,
        })
    }

    /// A stream's raw (still encoded) bytes.
    pub fn raw_stream(&mut self, pos: StreamPos) -> Result<Vec<u8>, PdfError> {
        if pos.len > MAX_WINDOW as u64 * 8 {
            return Err(damaged("a stream is larger than 256 MB"));
        }
        self.window(pos.start, pos.len as usize)
    }

    /// A stream's bytes with its Flate filter (and PNG predictor) undone. Other filters are
    /// refused: the pipeline reads those through the renderer.
    pub fn decode_stream(&mut self, dict: &Dict, pos: StreamPos) -> Result<Vec<u8>, PdfError> {
        let raw = self.raw_stream(pos)?;
        let filters = filter_names(self, dict)?;
        match filters.as_slice() {
            [] => Ok(raw),
            [f] if f == "FlateDecode" => {
                let mut out = Vec::new();
                flate2::read::ZlibDecoder::new(raw.as_slice())
                    .take(512 << 20)
                    .read_to_end(&mut out)
                    .map_err(|e| damaged(format!("a compressed stream is corrupt ({e})")))?;
                let parms = match get(dict, "DecodeParms") {
                    Some(o) => self.resolve(o)?,
                    None => Obj::Null,
                };
                let predictor = parms
                    .dict()
                    .and_then(|d| get(d, "Predictor"))
                    .and_then(Obj::as_int)
                    .unwrap_or(1);
                if predictor >= 10 {
                    let columns = parms
                        .dict()
                        .and_then(|d| get(d, "Columns"))
                        .and_then(Obj::as_int)
                        .unwrap_or(1)
                        .max(1) as usize;
                    let colors = parms
                        .dict()
                        .and_then(|d| get(d, "Colors"))
                        .and_then(Obj::as_int)
                        .unwrap_or(1)
                        .max(1) as usize;
                    Ok(png_unpredict(&out, columns * colors, colors))
                } else {
                    Ok(out)
                }
            }
            other => Err(damaged(format!(
                "unsupported stream filter {}",
                other.join("+")
            ))),
        }
    }

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

    fn walk(
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

    fn page_info(
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

    fn content_bytes(&mut self, page: &Dict) -> Result<Vec<u8>, PdfError> {
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

    fn inherited_resources(&mut self, page_id: u32) -> Result<Obj, PdfError> {
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
struct Inherited {
    resources: Option<Obj>,
    media_box: Option<Obj>,
    crop_box: Option<Obj>,
    rotate: u16,
}

fn dim<R: Read + Seek>(pdf: &mut PdfFile<R>, d: &Dict, key: &str) -> Result<u32, PdfError> {
    let v = match get(d, key) {
        Some(o) => pdf.resolve(o)?.as_int().unwrap_or(0),
        None => 0,
    };
    if v <= 0 || v > u32::MAX as i64 {
        return Err(damaged(format!("an image has no valid /{key}")));
    }
    Ok(v as u32)
}

fn filter_names<R: Read + Seek>(pdf: &mut PdfFile<R>, d: &Dict) -> Result<Vec<String>, PdfError> {
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
fn content_is_single_image(content: &[u8], name: &[u8]) -> bool {
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

fn png_unpredict(data: &[u8], columns: usize, bpp: usize) -> Vec<u8> {
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

fn collect_refs(
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

fn read_at<R: Read + Seek>(src: &mut R, offset: u64, buf: &mut [u8]) -> Result<usize, PdfError> {
    src.seek(SeekFrom::Start(offset)).map_err(io)?;
    let mut n = 0;
    while n < buf.len() {
        match src.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(e)),
        }
    }
    Ok(n)
}

fn io(e: std::io::Error) -> PdfError {
    PdfError::Io(e.to_string())
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

#[derive(Debug)]
enum ParseErr {
    Eof,
    Bad(String),
    Pdf(PdfError),
}

/// A tokenizer over a window of the file.
struct Lexer<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn new(buf: &'a [u8], pos: usize) -> Self {
        Lexer { buf, pos }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.buf.len() {
            let c = self.buf[self.pos];
            if is_ws(c) {
                self.pos += 1;
            } else if c == b'%' {
                while self.pos < self.buf.len() && !matches!(self.buf[self.pos], b'\r' | b'\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn uint(&mut self) -> Result<u64, ParseErr> {
        self.skip_ws();
        let start = self.pos;
        while self.pos < self.buf.len() && self.buf[self.pos].is_ascii_digit() {
            self.pos += 1;
        }
        if self.pos == self.buf.len() {
            return Err(ParseErr::Eof);
        }
        if start == self.pos {
            return Err(ParseErr::Bad("a number was expected".into()));
        }
        std::str::from_utf8(&self.buf[start..self.pos])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| ParseErr::Bad("a number is too large".into()))
    }

    /// "n g obj <object> [stream ...]", at a known absolute offset (for stream positions).
    fn indirect(&mut self, base: u64) -> Result<((u32, u16), Obj), ParseErr> {
        let id = self.uint()? as u32;
        let generation = self.uint()? as u16;
        self.skip_ws();
        if !self.buf[self.pos..].starts_with(b"obj") {
            if self.buf.len() - self.pos < 3 {
                return Err(ParseErr::Eof);
            }
            return Err(ParseErr::Bad("an object header is missing".into()));
        }
        self.pos += 3;
        let obj = self.object()?;
        self.skip_ws();
        if let Obj::Dict(d) = &obj
            && self.buf[self.pos..].starts_with(b"stream")
        {
            self.pos += 6;
            if self.buf.get(self.pos) == Some(&b'\r') {
                self.pos += 1;
            }
            if self.buf.get(self.pos) == Some(&b'\n') {
                self.pos += 1;
            }
            let start = base + self.pos as u64;
            return Ok((
                (id, generation),
                Obj::Stream(d.clone(), StreamPos { start, len: 0 }),
            ));
        }
        if self.pos >= self.buf.len() {
            return Err(ParseErr::Eof);
        }
        Ok(((id, generation), obj))
    }

    fn object(&mut self) -> Result<Obj, ParseErr> {
        self.object_depth(0)
    }

    fn object_depth(&mut self, depth: usize) -> Result<Obj, ParseErr> {
        if depth > MAX_DEPTH {
            return Err(ParseErr::Bad("objects are nested too deeply".into()));
        }
        self.skip_ws();
        let Some(&c) = self.buf.get(self.pos) else {
            return Err(ParseErr::Eof);
        };
        match c {
            b'/' => {
                self.pos += 1;
                let start = self.pos;
                while self.pos < self.buf.len()
                    && !is_ws(self.buf[self.pos])
                    && !is_delim(self.buf[self.pos])
                {
                    self.pos += 1;
                }
                if self.pos == self.buf.len() {
                    return Err(ParseErr::Eof);
                }
                Ok(Obj::Name(unescape_name(&self.buf[start..self.pos])))
            }
            b'<' if self.buf.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                let mut d = Vec::new();
                loop {
                    self.skip_ws();
                    match self.buf.get(self.pos) {
                        None => return Err(ParseErr::Eof),
                        Some(b'>') => {
                            self.pos += 2;
                            return Ok(Obj::Dict(d));
                        }
                        Some(_) => {
                            let Obj::Name(k) = self.object_depth(depth + 1)? else {
                                return Err(ParseErr::Bad("a dictionary key is not a name".into()));
                            };
                            let v = self.object_depth(depth + 1)?;
                            d.push((k, v));
                        }
                    }
                }
            }
            b'<' => {
                self.pos += 1;
                let start = self.pos;
                while self.pos < self.buf.len() && self.buf[self.pos] != b'>' {
                    self.pos += 1;
                }
                if self.pos == self.buf.len() {
                    return Err(ParseErr::Eof);
                }
                let hex: Vec<u8> = self.buf[start..self.pos]
                    .iter()
                    .copied()
                    .filter(|c| c.is_ascii_hexdigit())
                    .collect();
                self.pos += 1;
                let bytes = hex
                    .chunks(2)
                    .map(|p| {
                        let s = std::str::from_utf8(p).unwrap_or("0");
                        let v = u8::from_str_radix(s, 16).unwrap_or(0);
                        if p.len() == 1 { v << 4 } else { v }
                    })
                    .collect();
                Ok(Obj::Str(bytes))
            }
            b'(' => {
                self.pos += 1;
                let mut level = 1;
                let mut out = Vec::new();
                while let Some(&c) = self.buf.get(self.pos) {
                    self.pos += 1;
                    match c {
                        b'\\' => {
                            let Some(&e) = self.buf.get(self.pos) else {
                                return Err(ParseErr::Eof);
                            };
                            self.pos += 1;
                            out.push(match e {
                                b'n' => b'\n',
                                b'r' => b'\r',
                                b't' => b'\t',
                                b'b' => 8,
                                b'f' => 12,
                                other => other,
                            });
                        }
                        b'(' => {
                            level += 1;
                            out.push(c);
                        }
                        b')' => {
                            level -= 1;
                            if level == 0 {
                                return Ok(Obj::Str(out));
                            }
                            out.push(c);
                        }
                        _ => out.push(c),
                    }
                }
                Err(ParseErr::Eof)
            }
            b'[' => {
                self.pos += 1;
                let mut a = Vec::new();
                loop {
                    self.skip_ws();
                    match self.buf.get(self.pos) {
                        None => return Err(ParseErr::Eof),
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Obj::Array(a));
                        }
                        Some(_) => a.push(self.object_depth(depth + 1)?),
                    }
                }
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                let n = self.number()?;
                // "n g R": a reference.
                if let Obj::Int(id) = n {
                    let save = self.pos;
                    self.skip_ws();
                    let g_start = self.pos;
                    while self.pos < self.buf.len() && self.buf[self.pos].is_ascii_digit() {
                        self.pos += 1;
                    }
                    if self.pos > g_start {
                        let g_end = self.pos;
                        self.skip_ws();
                        if self.pos >= self.buf.len() {
                            return Err(ParseErr::Eof);
                        }
                        if self.buf[self.pos] == b'R'
                            && self
                                .buf
                                .get(self.pos + 1)
                                .is_none_or(|c| is_ws(*c) || is_delim(*c))
                        {
                            self.pos += 1;
                            let g = std::str::from_utf8(&self.buf[g_start..g_end])
                                .ok()
                                .and_then(|s| s.parse().ok())
                                .unwrap_or(0);
                            if id >= 0 && id <= u32::MAX as i64 {
                                return Ok(Obj::Ref(id as u32, g));
                            }
                        }
                    }
                    self.pos = save;
                }
                Ok(n)
            }
            _ => {
                let start = self.pos;
                while self.pos < self.buf.len()
                    && !is_ws(self.buf[self.pos])
                    && !is_delim(self.buf[self.pos])
                {
                    self.pos += 1;
                }
                match &self.buf[start..self.pos] {
                    b"true" => Ok(Obj::Bool(true)),
                    b"false" => Ok(Obj::Bool(false)),
                    b"null" => Ok(Obj::Null),
                    [] => Err(ParseErr::Bad(format!("unexpected byte 0x{c:02x}"))),
                    _ if self.pos == self.buf.len() => Err(ParseErr::Eof),
                    other => Err(ParseErr::Bad(format!(
                        "unexpected keyword {}",
                        String::from_utf8_lossy(&other[..other.len().min(20)])
                    ))),
                }
            }
        }
    }

    fn number(&mut self) -> Result<Obj, ParseErr> {
        let start = self.pos;
        while self.pos < self.buf.len()
            && matches!(self.buf[self.pos], b'0'..=b'9' | b'+' | b'-' | b'.')
        {
            self.pos += 1;
        }
        if self.pos == self.buf.len() {
            return Err(ParseErr::Eof);
        }
        let s = std::str::from_utf8(&self.buf[start..self.pos]).unwrap_or("0");
        if let Ok(i) = s.parse::<i64>() {
            Ok(Obj::Int(i))
        } else {
            Ok(Obj::Real(s.parse::<f64>().unwrap_or(0.0)))
        }
    }
}

fn unescape_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#'
            && i + 2 < raw.len()
            && let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&raw[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// Writes small PDFs: the one-page copies for the renderer, and the synthetic test scans.
#[derive(Debug, Default)]
pub struct MiniWriter {
    body: Vec<u8>,
    offsets: Vec<Option<usize>>,
}

impl MiniWriter {
    /// Reserves an object number.
    pub fn reserve(&mut self) -> u32 {
        self.offsets.push(None);
        self.offsets.len() as u32
    }

    /// Writes object `id`; `data` is the stream's (already encoded) bytes for a stream.
    pub fn put(&mut self, id: u32, obj: &Obj, data: Option<&[u8]>) {
        if self.body.is_empty() {
            self.body
                .extend_from_slice(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
        }
        self.offsets[id as usize - 1] = Some(self.body.len());
        self.body
            .extend_from_slice(format!("{id} 0 obj\n").as_bytes());
        match (obj, data) {
            (Obj::Stream(d, _) | Obj::Dict(d), Some(data)) => {
                let mut d = d.clone();
                d.retain(|(k, _)| k.as_slice() != b"Length");
                d.push((b"Length".to_vec(), Obj::Int(data.len() as i64)));
                write_obj(&mut self.body, &Obj::Dict(d));
                self.body.extend_from_slice(b"\nstream\n");
                self.body.extend_from_slice(data);
                self.body.extend_from_slice(b"\nendstream");
            }
            (Obj::Stream(d, _), None) => write_obj(&mut self.body, &Obj::Dict(d.clone())),
            (o, None) => write_obj(&mut self.body, o),
            (o, Some(_)) => write_obj(&mut self.body, o),
        }
        self.body.extend_from_slice(b"\nendobj\n");
    }

    /// The finished file, with its cross-reference table and trailer.
    pub fn finish(mut self, root: u32) -> Vec<u8> {
        if self.body.is_empty() {
            self.body.extend_from_slice(b"%PDF-1.7\n");
        }
        let xref = self.body.len();
        let n = self.offsets.len() + 1;
        self.body
            .extend_from_slice(format!("xref\n0 {n}\n0000000000 65535 f \n").as_bytes());
        for off in &self.offsets {
            let line = match off {
                Some(o) => format!("{o:010} 00000 n \n"),
                None => "0000000000 65535 f \n".to_string(),
            };
            self.body.extend_from_slice(line.as_bytes());
        }
        self.body.extend_from_slice(
            format!("trailer\n<< /Size {n} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n")
                .as_bytes(),
        );
        self.body
    }
}

/// Serializes an object in PDF syntax.
pub fn write_obj(out: &mut Vec<u8>, obj: &Obj) {
    match obj {
        Obj::Null => out.extend_from_slice(b"null"),
        Obj::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Obj::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Obj::Real(r) => out.extend_from_slice(format!("{r:.4}").as_bytes()),
        Obj::Name(n) => {
            out.push(b'/');
            for &c in n {
                if c.is_ascii_graphic() && !is_delim(c) && c != b'#' {
                    out.push(c);
                } else {
                    out.extend_from_slice(format!("#{c:02X}").as_bytes());
                }
            }
        }
        Obj::Str(s) => {
            out.push(b'<');
            for c in s {
                out.extend_from_slice(format!("{c:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Obj::Array(a) => {
            out.push(b'[');
            for (i, o) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_obj(out, o);
            }
            out.push(b']');
        }
        Obj::Dict(d) | Obj::Stream(d, _) => {
            out.extend_from_slice(b"<<");
            for (k, v) in d {
                write_obj(out, &Obj::Name(k.clone()));
                out.push(b' ');
                write_obj(out, v);
                out.push(b' ');
            }
            out.extend_from_slice(b">>");
        }
        Obj::Ref(id, g) => out.extend_from_slice(format!("{id} {g} R").as_bytes()),
    }
}

/// Shorthand for building dictionaries.
pub fn dict(entries: &[(&str, Obj)]) -> Obj {
    Obj::Dict(
        entries
            .iter()
            .map(|(k, v)| (k.as_bytes().to_vec(), v.clone()))
            .collect(),
    )
}

/// Shorthand for a name object.
pub fn name(n: &str) -> Obj {
    Obj::Name(n.as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn one_image_pdf(filter: &str, data: &[u8], w: u32, h: u32) -> Vec<u8> {
        let mut wr = MiniWriter::default();
        let catalog = wr.reserve();
        let pages = wr.reserve();
        let page = wr.reserve();
        let image = wr.reserve();
        let content = wr.reserve();
        wr.put(
            catalog,
            &dict(&[("Type", name("Catalog")), ("Pages", Obj::Ref(pages, 0))]),
            None,
        );
        wr.put(
            pages,
            &dict(&[
                ("Type", name("Pages")),
                ("Kids", Obj::Array(vec![Obj::Ref(page, 0)])),
                ("Count", Obj::Int(1)),
                (
                    "MediaBox",
                    Obj::Array(vec![Obj::Int(0), Obj::Int(0), Obj::Int(595), Obj::Int(842)]),
                ),
            ]),
            None,
        );
        wr.put(
            page,
            &dict(&[
                ("Type", name("Page")),
                ("Parent", Obj::Ref(pages, 0)),
                ("Contents", Obj::Ref(content, 0)),
                (
                    "Resources",
                    dict(&[("XObject", dict(&[("Im0", Obj::Ref(image, 0))]))]),
                ),
            ]),
            None,
        );
        wr.put(
            image,
            &dict(&[
                ("Type", name("XObject")),
                ("Subtype", name("Image")),
                ("Width", Obj::Int(w as i64)),
                ("Height", Obj::Int(h as i64)),
                ("ColorSpace", name("DeviceGray")),
                ("BitsPerComponent", Obj::Int(8)),
                ("Filter", name(filter)),
            ]),
            Some(data),
        );
        wr.put(content, &dict(&[]), Some(b"q 595 0 0 842 0 0 cm /Im0 Do Q"));
        wr.finish(catalog)
    }

    #[test]
    fn reads_a_single_image_page_without_loading_the_stream() {
        let pdf = one_image_pdf("DCTDecode", b"\xff\xd8fakejpeg\xff\xd9", 1240, 1754);
        let mut f = PdfFile::open(Cursor::new(pdf)).unwrap();
        let pages = f.pages(10).unwrap();
        assert_eq!(pages.len(), 1);
        let img = pages[0].sole_image.clone().expect("one image");
        assert_eq!((img.width, img.height), (1240, 1754));
        assert_eq!(img.filter.as_deref(), Some("DCTDecode"));
        assert_eq!(
            f.raw_stream(img.stream).unwrap(),
            b"\xff\xd8fakejpeg\xff\xd9"
        );
        assert_eq!(pages[0].width_pt.round(), 595.0);
    }

    #[test]
    fn refuses_truncated_encrypted_and_non_pdf_files() {
        let pdf = one_image_pdf("DCTDecode", b"\xff\xd8x\xff\xd9", 10, 10);
        let cut = pdf[..pdf.len() / 2].to_vec();
        assert_eq!(
            PdfFile::open(Cursor::new(cut)).unwrap_err(),
            PdfError::Truncated
        );
        assert_eq!(
            PdfFile::open(Cursor::new(b"hello world".to_vec())).unwrap_err(),
            PdfError::NotPdf
        );
        let at = rfind(&pdf, b"/Root 1 0 R").unwrap();
        let mut enc = pdf[..at].to_vec();
        enc.extend_from_slice(b"/Encrypt 9 0 R ");
        enc.extend_from_slice(&pdf[at..]);
        assert_eq!(
            PdfFile::open(Cursor::new(enc)).unwrap_err(),
            PdfError::Encrypted
        );
    }

    #[test]
    fn a_page_with_text_is_not_a_sole_image() {
        assert!(content_is_single_image(
            b"q 1 0 0 1 0 0 cm /Im0 Do Q",
            b"Im0"
        ));
        assert!(!content_is_single_image(
            b"/Im0 Do BT /F1 12 Tf (x) Tj ET",
            b"Im0"
        ));
        assert!(!content_is_single_image(b"/Im0 Do /Im0 Do", b"Im0"));
        assert!(!content_is_single_image(b"0 0 m 10 10 l S /Im0 Do", b"Im0"));
    }

    #[test]
    fn single_page_copy_is_a_valid_pdf_with_the_same_image() {
        let pdf = one_image_pdf("DCTDecode", b"\xff\xd8abc\xff\xd9", 20, 30);
        let mut f = PdfFile::open(Cursor::new(pdf)).unwrap();
        let pages = f.pages(10).unwrap();
        let copy = f.single_page_pdf(&pages[0]).unwrap();
        let mut g = PdfFile::open(Cursor::new(copy)).unwrap();
        let p = g.pages(10).unwrap();
        assert_eq!(p.len(), 1);
        let img = p[0].sole_image.clone().unwrap();
        assert_eq!(g.raw_stream(img.stream).unwrap(), b"\xff\xd8abc\xff\xd9");
    }
}
