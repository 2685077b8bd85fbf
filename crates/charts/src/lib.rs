//! Attend's charts. Every `draw_*` function is generic over plotters'
//! `DrawingBackend`: the app draws on a `<canvas>`, the tests on SVG.
//!
//! Each chart returns a [`HoverMap`]: hand it a mouse position in backend
//! pixels and it answers with the exact data under the cursor. On a canvas
//! whose backing store is `devicePixelRatio` times its CSS size, convert the
//! pointer first: `px = css_x * canvas.width() / bounding_rect.width()`.
//!
//! ```
//! use attend_charts::{draw_pe_heatmap, HoverTarget};
//! use plotters::prelude::*;
//!
//! let pe = attend_core::positional_encoding(64, 32, 10_000.0).unwrap();
//! let mut svg = String::new();
//! let hover = {
//!     let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
//!     draw_pe_heatmap(&area, &pe).unwrap()
//! };
//! let r = hover.plot_rect();
//! let hit = hover.at((r.x0, r.y1 - 1)).unwrap(); // bottom-left: position 0, dimension 0
//! assert_eq!(hit.target, HoverTarget::Cell { row: 0, col: 0, value: 0.0 });
//! assert!(hover.at((0, 0)).is_none()); // outside the plot
//! ```

mod arrow;
pub mod attention_arcs;
pub mod attention_compare;
pub mod attention_heatmap;
pub mod attention_lines;
pub mod attention_model_grid;
mod axes;
pub mod bars;
pub mod bipartite_attention;
pub mod colorbar;
pub mod colorscale;
pub mod embedding_scatter;
pub mod error;
pub mod grid;
pub mod hover;
mod legend;
pub mod masked_matrix;
pub mod matrix;
pub mod matrix_heatmap;
mod measure;
pub mod message;
pub mod palette;
pub mod pe_heatmap;
pub mod pe_lines;
pub mod pe_similarity;
pub mod rnn_flow;
pub mod stacked_bars;
pub mod style;
mod ticked_range;
mod ticks;
mod token_row;

pub use attention_arcs::{draw_attention_arcs, ArcSpec, ArcsSpec, ARC_MIN_OPACITY};
pub use attention_compare::{draw_attention_compare, AttentionPanel};
pub use attention_heatmap::{
    attention_heatmap_spec, draw_attention_heatmap, head_title, AttentionOptions, AttentionScale,
    MAX_TOKENS_WITH_NUMBERS,
};
pub use attention_lines::{draw_attention_lines, TokenSide, MIN_LINE_WEIGHT};
pub use attention_model_grid::{draw_attention_model_grid, AttentionShape, ModelGridOptions};
pub use bars::{draw_bars, BarSpec};
pub use bipartite_attention::{
    draw_bipartite_attention, BipartiteSpec, FOCUS_MIN_OPACITY, MAX_KEYS_WITH_NUMBERS,
};
pub use colorscale::ColorScale;
pub use embedding_scatter::{draw_embedding_scatter, EmbeddingScatterData, PointKind};
pub use error::ChartError;
pub use grid::{CellGrid, RowOrder};
pub use hover::{HoverMap, HoverTarget, HoverValue, PixelRect};
pub use masked_matrix::{draw_masked_matrix, MaskedMatrixSpec};
pub use matrix::Matrix;
pub use matrix_heatmap::{
    draw_matrix_heatmap, AxisSpec, CellText, HeatmapSpec, HoverLabel, LabelDirection, XAxisSide,
};
pub use palette::Palette;
pub use pe_heatmap::draw_pe_heatmap;
pub use pe_lines::draw_pe_lines;
pub use pe_similarity::draw_pe_similarity;
pub use rnn_flow::{draw_rnn_flow, rnn_retention, RnnFlowSpec};
pub use stacked_bars::{draw_stacked_values, StackedSpec};
