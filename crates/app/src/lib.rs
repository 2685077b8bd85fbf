//! Attend's web app: a Leptos single-page app. This is the only crate that
//! draws on the page; the numbers come from `attend-core`, the model runs in
//! `attend-runtime`'s worker and the pictures come from `attend-charts`.
//!
//! The modules are layers, each importing only from the ones above it in
//! this list (`cargo xtask test` checks it; see ARCHITECTURE.md):

mod components;
mod lesson;
pub mod platform;
pub mod sections;
mod shell;
mod state;

pub use shell::App;
