//! Attend's charts. Every `draw_*` function is generic over plotters'
//! `DrawingBackend`: the app draws on a `<canvas>`, the tests on SVG.
//!
//! Each chart returns a [`HoverMap`]: hand it a mouse position in backend
//! pixels and it answers with the exact data under the cursor.

pub mod colorbar;
pub mod colorscale;
pub mod embedding_scatter;
pub mod error;
pub mod grid;
pub mod hover;
pub mod matrix;
pub mod matrix_heatmap;
pub mod message;
pub mod palette;
pub mod pe_heatmap;
pub mod pe_lines;
pub mod pe_similarity;
pub mod style;
pub mod ticks;

pub use colorscale::ColorScale;
pub use embedding_scatter::{draw_embedding_scatter, EmbeddingScatterData, PointKind};
pub use error::ChartError;
pub use hover::{HoverMap, HoverTarget, HoverValue, PixelRect};
pub use matrix::Matrix;
pub use matrix_heatmap::{draw_matrix_heatmap, AxisSpec, CellText, HeatmapSpec};
pub use pe_heatmap::draw_pe_heatmap;
pub use pe_lines::draw_pe_lines;
pub use pe_similarity::draw_pe_similarity;
