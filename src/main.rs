//! The `lurescan` command: parses arguments and dispatches to one file per subcommand in
//! `cli/`. Exit codes: 0 ok, 1 ran but some records were rejected, 2 usage or fatal
//! error, 130/143 stopped by SIGINT/SIGTERM. A closed stdout (`lurescan score big.csv | head`) ends quietly with 0.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// jemalloc instead of the system allocator (see Cargo.toml for the measurements).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if let Some(code) = cli::interrupted_code(&err) => {
            eprintln!("lurescan: {err:#}; no output file written");
            ExitCode::from(code)
        }
        Err(err) => {
            eprintln!("lurescan: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
