//! Loading and running the BERT model in the browser.

pub mod bench;
pub mod fetch;
pub mod protocol;
