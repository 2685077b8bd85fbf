//! Attend's web app: a Leptos single-page app. This is the only crate that
//! touches the DOM, the canvas, the network and workers; the numbers come
//! from `attend-core` and the pictures from `attend-charts`.

mod backend_panel;
mod chart_canvas;
mod classroom;
mod model_badge;
mod model_store;
mod navigation;
pub mod params;
pub mod route;
mod section_state;
pub mod sections;
mod shell;

pub use shell::App;
