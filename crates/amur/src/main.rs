//! The `amur` command line: parses arguments and calls the library. Each subcommand lives in
//! its own module under `cli/`; `amur serve`'s web app is the module `serve`.
//!
//! Exit status: 0 done; 1 an error (nothing or, in a batch, not everything written); 2 bad
//! usage (clap); 3 done, but suspect pairs were held out of a batch's merge.

mod cli;
mod serve;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    if let Err(err) = cli::run(args) {
        if let Some(held) = err.downcast_ref::<cli::HeldOut>() {
            eprintln!("amur: warning: {held}");
            std::process::exit(cli::HeldOut::EXIT);
        }
        eprintln!("amur: error: {}", message(&err));
        std::process::exit(1);
    }
}

/// The error and its causes, joined by ": " as `{err:#}` does, but without a cause whose text
/// ends the message already (errors such as "cannot write out.tmx: No space left on device"
/// show their cause themselves).
fn message(err: &anyhow::Error) -> String {
    let mut msg = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !msg.ends_with(&cause) {
            msg.push_str(": ");
            msg.push_str(&cause);
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::message;

    #[test]
    fn causes_are_joined_once() {
        let inner = || anyhow::Error::from(std::io::Error::other("No space left on device"));
        let shown = inner().context("cannot write /dev/full: No space left on device");
        assert_eq!(
            message(&shown),
            "cannot write /dev/full: No space left on device"
        );
        let hidden = inner().context("cannot write out.tmx");
        assert_eq!(
            message(&hidden),
            "cannot write out.tmx: No space left on device"
        );
    }
}
