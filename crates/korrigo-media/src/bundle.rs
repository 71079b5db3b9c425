//! A ZIP of files written as a stream: each file copied in from its reader, stored as it is
//! (PDFs do not compress further), so that thousands of final PDFs go out with the memory of
//! one copy buffer, whatever their number.

use std::io::{Read, Write};

use zip::write::SimpleFileOptions;

/// Writes `entries` (name, reader) as a ZIP into `out`, which need not be seekable (sizes and
/// checksums follow each file). Returns the bytes of file data written.
pub fn write_zip<W, R, I>(out: W, entries: I) -> std::io::Result<u64>
where
    W: Write,
    R: Read,
    I: IntoIterator<Item = std::io::Result<(String, R)>>,
{
    let mut zip = zip::ZipWriter::new_stream(out);
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    let mut total = 0;
    for entry in entries {
        let (name, mut reader) = entry?;
        zip.start_file(name, options)
            .map_err(std::io::Error::other)?;
        total += std::io::copy(&mut reader, &mut zip)?;
    }
    zip.finish().map_err(std::io::Error::other)?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that cannot seek, like a network response.
    struct Pipe(Vec<u8>);

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_streamed_zip_holds_every_file_unchanged() {
        let files: Vec<(String, Vec<u8>)> = (0..3)
            .map(|i| (format!("DUPONT_Jean_K7M-4Q{i}.pdf"), vec![b'%'; 1000 + i]))
            .collect();
        let mut pipe = Pipe(Vec::new());
        let n = write_zip(
            &mut pipe,
            files
                .iter()
                .map(|(n, b)| Ok((n.clone(), std::io::Cursor::new(b.clone())))),
        )
        .unwrap();
        assert_eq!(n, 3003);
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(pipe.0)).unwrap();
        assert_eq!(z.len(), 3);
        for (name, bytes) in &files {
            let mut f = z.by_name(name).unwrap();
            let mut got = Vec::new();
            f.read_to_end(&mut got).unwrap();
            assert_eq!(&got, bytes);
        }
    }
}
