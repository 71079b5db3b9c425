//! `korrigo`: the one binary. `serve` runs the web server and job workers; the other commands
//! operate the same installation with the same configuration.

mod cli;

fn main() -> std::process::ExitCode {
    one_thread_ocr();
    cli::main()
}

/// Tesseract runs its recognisers on OpenMP threads that spin while they wait: with a reader
/// per job worker they make each header's reading 7 times slower (96 → 14 ms per header with
/// `OMP_THREAD_LIMIT=1`, measured by `korrigo bench identify` on 2 cores). OpenMP reads the
/// limit from the environment once, when it starts; so the process starts itself again with
/// `OMP_THREAD_LIMIT=1` unless the variable is set (an administrator's own value is kept).
fn one_thread_ocr() {
    #[cfg(unix)]
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        use std::os::unix::process::CommandExt;
        if let Ok(exe) = std::env::current_exe() {
            // `exec` returns only when it failed: carry on, slower.
            let err = std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env("OMP_THREAD_LIMIT", "1")
                .exec();
            eprintln!(
                "warning: could not restart with OMP_THREAD_LIMIT=1 ({err}); header reading will be slower"
            );
        }
    }
}
