//! Pieces of UI that several sections use: the chart canvas, the model
//! badge, the backend panel, glossary term links and the classroom tools.

pub mod backend_panel;
pub mod chart_canvas;
pub mod check_yourself;
pub mod classroom;
pub mod model_badge;
pub mod page_canvas;
pub mod precision_note;
mod rect_batch;
pub mod term_link;
