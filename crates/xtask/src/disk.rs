//! Free disk space under the build directory, checked before a long build.
//!
//! When the disk fills during a build, the wasm linker (which maps its output
//! file into memory) dies with SIGBUS and no word about space; saying so
//! up front turns half an hour of building into a one-line explanation.

use crate::cmd;
use std::path::Path;

/// What a clean `cargo xtask test` writes under `target/`, with headroom
/// (measured: 4.5 GB at most, with line tables only; 18 GB before).
pub const TEST_NEEDS_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// Bytes free on the file system holding `path`, from POSIX `df -Pk`; None
/// where `df` is missing or prints something unexpected.
pub fn free_bytes(path: &Path) -> Option<u64> {
    let path = path.to_str()?;
    let out = cmd::output("df", &["-Pk", path])?;
    parse_df_available_kib(&out).map(|kib| kib * 1024)
}

/// The "Available" column (KiB) of the one data line of `df -Pk`.
fn parse_df_available_kib(df_output: &str) -> Option<u64> {
    let line = df_output.lines().nth(1)?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Prints a warning (never fails: the estimate may be pessimistic and a
/// warm `target/` needs far less) when less than `needed_bytes` are free.
pub fn warn_if_short(path: &Path, needed_bytes: u64) {
    let gib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0 * 1024.0);
    match free_bytes(path) {
        Some(free) if free < needed_bytes => println!(
            "warning: {:.1} GiB free under {}; a clean run writes about {:.0} GiB. \
             If a linker dies with SIGBUS, the disk is full.",
            gib(free),
            path.display(),
            gib(needed_bytes)
        ),
        Some(free) => println!("ok  {:.1} GiB free under {}", gib(free), path.display()),
        None => println!("note: could not read free disk space (df)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_available_column() {
        let out = "Filesystem     1024-blocks      Used Available Capacity Mounted on\n\
                   /dev/vda         263174212  79693580  16729932      83% /\n";
        assert_eq!(parse_df_available_kib(out), Some(16_729_932));
    }

    #[test]
    fn unexpected_output_is_none() {
        assert_eq!(parse_df_available_kib(""), None);
        assert_eq!(parse_df_available_kib("header only\n"), None);
        assert_eq!(parse_df_available_kib("h\n/dev/vda 1 2 lots 3% /\n"), None);
    }
}
