//! A small, bounded-memory PDF reader for scanned batches.
//!
//! Batches reach gigabytes, so the file is never loaded whole: the cross-reference table is read
//! from the end, then each object is read on demand at its offset (objects inside object streams
//! are read from the decompressed stream, one stream cached at a time). Stream data stays on disk
//! until it is asked for. Only what a scan needs is understood: the page tree, page resources,
//! content streams and image XObjects. Anything else is carried as plain objects, so a page can be
//! copied into a one-page document for the renderer ([`PdfFile::single_page_pdf`]).

mod lexer;
mod objects;
mod pages;
mod write;

pub use write::{MiniWriter, dict, name, write_obj};

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

#[cfg(test)]
mod tests;
