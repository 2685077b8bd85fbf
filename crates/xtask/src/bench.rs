//! `cargo xtask bench`: forward-pass latency, natively and in the browser.

use anyhow::{bail, Result};
use std::path::Path;

pub fn run(_root: &Path, _gpu: bool) -> Result<()> {
    bail!("the benchmark arrives with the BERT forward pass")
}
