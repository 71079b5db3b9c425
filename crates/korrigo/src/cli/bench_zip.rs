//! `korrigo bench zip`: the ZIP of an exam's final PDFs as the server streams it (files read
//! from disk, written through a 64 KiB buffer into a bounded channel that a consumer drains,
//! as the HTTP response does), for many copies: prints the throughput and the process's peak
//! resident memory before and after.

use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

/// The process's peak resident memory so far, in MB (`VmHWM`).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

struct Channel(std::sync::mpsc::SyncSender<Vec<u8>>);

impl Write for Channel {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .send(buf.to_vec())
            .map_err(|_| std::io::Error::other("consumer gone"))?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub(super) fn run(copies: usize, kb: usize) -> Result<ExitCode> {
    let dir = std::env::temp_dir().join(format!(
        "korrigo-bench-zip-{}",
        korrigo_app::tokens::random_hex(6)
    ));
    std::fs::create_dir_all(&dir)?;
    // Distinct files of `kb` KiB, as final PDFs on disk.
    let mut paths = Vec::with_capacity(copies);
    let mut block: Vec<u8> = (0..kb * 1024).map(|i| (i * 31 % 251) as u8).collect();
    for i in 0..copies {
        block[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let p = dir.join(format!("{i}.pdf"));
        std::fs::write(&p, &block)?;
        paths.push(p);
    }
    drop(block);
    let before = peak_rss_mb();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(8);
    let consumer = std::thread::spawn(move || rx.iter().map(|c| c.len() as u64).sum::<u64>());
    let start = Instant::now();
    let entries = paths
        .iter()
        .enumerate()
        .map(|(i, p)| std::fs::File::open(p).map(|f| (format!("ELEVE_{i:05}_K7M-4Q2.pdf"), f)));
    let out = std::io::BufWriter::with_capacity(64 << 10, Channel(tx));
    let data = korrigo_media::bundle::write_zip(out, entries)?;
    let sent = consumer.join().map_err(|_| anyhow::anyhow!("consumer"))?;
    let secs = start.elapsed().as_secs_f64();
    let after = peak_rss_mb();
    println!(
        "ZIP of {copies} final PDFs of {kb} KiB ({:.0} MB): {:.0} MB sent in {:.2} s ({:.0} MB/s)",
        data as f64 / 1e6,
        sent as f64 / 1e6,
        secs,
        sent as f64 / 1e6 / secs
    );
    println!("  peak resident memory: {before:.1} MB before, {after:.1} MB after");
    std::fs::remove_dir_all(&dir)?;
    Ok(ExitCode::SUCCESS)
}
