//! `korrigo`: the one binary. `serve` runs the web server and job workers; the other commands
//! operate the same installation with the same configuration.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
