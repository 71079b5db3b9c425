use super::objects::rfind;
use super::pages::content_is_single_image;
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
