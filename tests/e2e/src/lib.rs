//! Harness for Attend's end-to-end tests: a minimal W3C WebDriver client
//! for Debian's chromedriver, over plain HTTP.
//!
//! `cargo xtask test` builds `dist/`, serves it on 127.0.0.1 and runs these
//! tests with `ATTEND_URL` (the site), `CHROMEDRIVER` and
//! `ATTEND_SCREENSHOTS` (where screenshots go) set, and for the Hub-layout
//! test `ATTEND_HUB_MODEL_URL` (a 12 × 12-head BERT in bert-base-uncased's
//! layout on a second origin) and `ATTEND_HUB_EXPECTED` (the CLI's JSON for
//! [`HUB_MODEL_TEXT`] on that model).

mod attention_view;
mod checks;
mod driver;
mod page;
pub mod static_server;

pub use attention_view::{open_table, table_cells, type_text, wait_map};
pub use checks::{
    attr_of, choose, fits_the_window, floats, hover_shows_a_number, shown_section, summary, testid,
    wait_section, wait_summary,
};
pub use driver::{Browser, Element};
pub use page::{
    app_url, confirm_other_host, encode_uri_component, host_of, open_app, open_app_and_reload,
    open_bench_page, open_bench_page_with, screenshot_dir,
};
pub use static_server::StoppableServer;

/// The sentence the Hub-layout test types; `cargo xtask test` asks the CLI
/// for its attentions on the same model beforehand.
pub const HUB_MODEL_TEXT: &str = "The teacher pasted the Hub link into the page.";

/// The broken checkpoints `cargo xtask test` serves under
/// `ATTEND_BAD_MODELS_URL` (one folder each), and a phrase the page's message
/// for each must contain.
pub const BAD_MODELS: [(&str, &str); 7] = [
    ("wrong-shapes", "does not match config.json: tensor `embeddings.word_embeddings.weight` has shape [99, 32]"),
    ("truncated", "model.safetensors is corrupt or not a safetensors file"),
    ("huge-hidden-size", "config.json describes a model too big for this page"),
    ("nan-weight", "model.safetensors is damaged: tensor `encoder.layer.2.output.dense.weight` holds NaN at index 0"),
    ("mismatched-tokenizer", "tokenizer.json has 30522 tokens but config.json says the model knows 99"),
    ("pytorch-only", "Attend reads safetensors weights only"),
    ("wrong-sha256", "model.safetensors does not match the sha256 that manifest.json gives for it"),
];
