//! The cross-reference chain, objects read on demand (also from object streams), and
//! stream data read and decoded.

use super::lexer::*;
use super::pages::*;
use super::*;

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

    pub(super) fn read_xref_chain(&mut self, first: u64) -> Result<(), PdfError> {
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

    pub(super) fn read_xref_section(
        &mut self,
        offset: u64,
    ) -> Result<(Dict, Option<u64>), PdfError> {
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

    pub(super) fn parse_xref_section(
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

    pub(super) fn window(&mut self, offset: u64, size: usize) -> Result<Vec<u8>, PdfError> {
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

    pub(super) fn object_in_stream(&mut self, stream: u32, index: u32) -> Result<Obj, PdfError> {
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

    pub(super) fn resolve_len(
        &mut self,
        dict: &Dict,
        pos: StreamPos,
    ) -> Result<StreamPos, PdfError> {
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
}

pub(super) fn read_at<R: Read + Seek>(
    src: &mut R,
    offset: u64,
    buf: &mut [u8],
) -> Result<usize, PdfError> {
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

pub(super) fn io(e: std::io::Error) -> PdfError {
    PdfError::Io(e.to_string())
}

pub(super) fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
