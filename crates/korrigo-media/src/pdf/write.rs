//! Writing PDFs: objects serialised, and a small writer for one-page copies and test scans.

use super::lexer::is_delim;
use super::*;

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
