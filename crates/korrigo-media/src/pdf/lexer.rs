//! The tokenizer over a window of the file: numbers, names, strings, arrays, dictionaries,
//! indirect objects and stream headers.

use super::*;

pub(super) fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

pub(super) fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

#[derive(Debug)]
pub(super) enum ParseErr {
    Eof,
    Bad(String),
    Pdf(PdfError),
}

/// A tokenizer over a window of the file.
pub(super) struct Lexer<'a> {
    pub(super) buf: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(buf: &'a [u8], pos: usize) -> Self {
        Lexer { buf, pos }
    }

    pub(super) fn skip_ws(&mut self) {
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

    pub(super) fn uint(&mut self) -> Result<u64, ParseErr> {
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
    pub(super) fn indirect(&mut self, base: u64) -> Result<((u32, u16), Obj), ParseErr> {
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

    pub(super) fn object(&mut self) -> Result<Obj, ParseErr> {
        self.object_depth(0)
    }

    pub(super) fn object_depth(&mut self, depth: usize) -> Result<Obj, ParseErr> {
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

    pub(super) fn number(&mut self) -> Result<Obj, ParseErr> {
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

pub(super) fn unescape_name(raw: &[u8]) -> Vec<u8> {
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
