//! Attend's web app: a Leptos single-page app. This is the only crate that
//! touches the DOM, the canvas, the network and workers; the numbers come
//! from `attend-core` and the pictures from `attend-charts`.

mod chart_canvas;
mod navigation;
pub mod params;
pub mod route;
pub mod sections;
pub mod model;
mod shell;

pub use shell::App;
