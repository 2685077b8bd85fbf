//! The static file server for `dist/` lives with the end-to-end tests
//! (`attend_e2e::static_server`), which also need one they can stop.

pub use attend_e2e::static_server::{serve_forever, spawn};
