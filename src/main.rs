//! The `amur` command line: parses arguments and calls the library. Each subcommand lives in
//! its own module under `cli/`.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    if let Err(err) = cli::run(args) {
        eprintln!("amur: error: {err:#}");
        std::process::exit(1);
    }
}
