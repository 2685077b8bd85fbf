//! Mouse position → data, for tooltips.
//!
//! Every chart returns a [`HoverMap`]. It owns what it needs (no borrow of the
//! chart's input), is cheap to clone and can be kept in the app's state until
//! the next redraw. Positions are in *backend pixels*: the coordinates the
//! chart was drawn in. On a canvas whose backing store is scaled by
//! `devicePixelRatio`, the app multiplies CSS pixels by that ratio first.

use std::fmt;
use std::sync::Arc;

use crate::attention_lines::TokenSide;
use crate::embedding_scatter::PointKind;

/// A half-open pixel rectangle `[x0, x1) × [y0, y1)` in backend coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PixelRect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl PixelRect {
    pub fn width(&self) -> i32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> i32 {
        self.y1 - self.y0
    }

    pub fn contains(&self, (x, y): (i32, i32)) -> bool {
        x >= self.x0 && x < self.x1 && y >= self.y0 && y < self.y1
    }

    /// The same rectangle moved by `(dx, dy)` pixels, e.g. from backend
    /// pixels to those of a drawing area.
    pub(crate) fn shifted(self, (dx, dy): (i32, i32)) -> PixelRect {
        PixelRect {
            x0: self.x0 + dx,
            y0: self.y0 + dy,
            x1: self.x1 + dx,
            y1: self.y1 + dy,
        }
    }
}

/// What the cursor is over, with exact values.
#[derive(Debug, Clone, PartialEq)]
pub enum HoverTarget {
    /// A cell of a heatmap. In the positional-encoding heatmap `row` is the
    /// dimension and `col` the position; in the similarity matrix `row` is
    /// `q` and `col` is `p`; in an attention map `row` is the query and
    /// `col` the key.
    Cell { row: usize, col: usize, value: f64 },
    /// A dimension of the line chart with the value of every plotted
    /// position there, as `(position, value)` in legend order.
    Dimension {
        dim: usize,
        values: Vec<(usize, f64)>,
    },
    /// A point of the embedding scatter: `index` is the word's index.
    Point {
        kind: PointKind,
        index: usize,
        x: f64,
        y: f64,
    },
    /// A token of the attention head view: a query in the left column or a
    /// key in the right one. `index` is its position in the sentence.
    Token { side: TokenSide, index: usize },
    /// One head's thumbnail in the attention model view.
    Head { layer: usize, head: usize },
    /// A cell of one of two heatmaps side by side: `panel` 0 is the left
    /// one; `row` is the query and `col` the key.
    PanelCell {
        panel: usize,
        row: usize,
        col: usize,
        value: f64,
    },
}

/// The answer of [`HoverMap::at`].
#[derive(Debug, Clone, PartialEq)]
pub struct HoverValue {
    pub target: HoverTarget,
    /// Backend pixel of the hovered item (cell centre, point, the
    /// dimension's column at the first line), to anchor a tooltip.
    pub anchor: (i32, i32),
    /// Ready to show; lines separated by `\n`.
    pub label: String,
}

type Lookup = dyn Fn((i32, i32)) -> Option<HoverValue> + Send + Sync;

/// Maps a backend pixel to the data under it. See the module docs.
#[derive(Clone)]
pub struct HoverMap {
    plot: PixelRect,
    lookup: Option<Arc<Lookup>>,
}

impl HoverMap {
    /// A map that never finds anything (charts that drew only a message).
    pub fn empty() -> Self {
        HoverMap {
            plot: PixelRect::default(),
            lookup: None,
        }
    }

    /// `lookup` is only asked about pixels inside `plot`.
    pub(crate) fn new(
        plot: PixelRect,
        lookup: impl Fn((i32, i32)) -> Option<HoverValue> + Send + Sync + 'static,
    ) -> Self {
        HoverMap {
            plot,
            lookup: Some(Arc::new(lookup)),
        }
    }

    /// The plotting area (inside the axes) in backend pixels.
    pub fn plot_rect(&self) -> PixelRect {
        self.plot
    }

    pub fn is_empty(&self) -> bool {
        self.lookup.is_none()
    }

    /// The data under backend pixel `px`, or `None` outside the plotting area.
    pub fn at(&self, px: (i32, i32)) -> Option<HoverValue> {
        let lookup = self.lookup.as_ref()?;
        if !self.plot.contains(px) {
            return None;
        }
        lookup(px)
    }
}

impl fmt::Debug for HoverMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HoverMap")
            .field("plot", &self.plot)
            .field("empty", &self.is_empty())
            .finish()
    }
}

/// How the tooltips write numbers.
pub(crate) fn fmt_value(v: f64) -> String {
    if v.is_nan() {
        "n/a".to_string()
    } else {
        format!("{v:.4}")
    }
}
