//! Two attention maps side by side, e.g. "Dog bites man" and "Man bites
//! dog", on one colour scale with one colour bar, so that equal colours
//! are equal weights in both.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::attention_heatmap::{attention_heatmap_spec, check_attention, AttentionOptions};
use crate::colorbar::draw_colorbar;
use crate::error::ChartError;
use crate::hover::{HoverMap, HoverTarget, HoverValue, PixelRect};
use crate::matrix_heatmap::{draw_with_layout, HeatmapSpec, Layout};
use crate::message::draw_message;
use crate::style::{font, Sizes};

/// One of the two sentences.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttentionPanel<'a> {
    /// Written above its map and first in its tooltips, e.g. "Dog bites man".
    pub name: &'a str,
    pub tokens: &'a [String],
    /// `T×T` row-major: rows are queries, columns keys.
    pub weights: &'a [f32],
}

impl AttentionPanel<'_> {
    fn spec(&self, options: &AttentionOptions) -> Result<HeatmapSpec, ChartError> {
        let options = AttentionOptions {
            title: Some(self.name.to_string()).filter(|n| !n.is_empty()),
            ..options.clone()
        };
        attention_heatmap_spec(self.tokens, self.weights, &options)
    }
}

/// Draws `left` and `right` side by side as in
/// [`crate::draw_attention_heatmap`], both on the scale `options` asks for
/// (fitted: to the weights of both), under `options.title`. Hover:
/// [`HoverTarget::PanelCell`] (`panel` 0 left, 1 right, `row` = query,
/// `col` = key), labelled with the sentence's name first.
pub fn draw_attention_compare<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    left: &AttentionPanel<'_>,
    right: &AttentionPanel<'_>,
    options: &AttentionOptions,
) -> Result<HoverMap, ChartError> {
    check_attention(left.tokens, left.weights)?;
    check_attention(right.tokens, right.weights)?;
    if left.tokens.is_empty() && right.tokens.is_empty() {
        return draw_message(area, "no tokens to show");
    }
    area.fill(&WHITE)?;
    let body = match &options.title {
        Some(title) => {
            // above the maps, where there is room for it
            let style = font(Sizes::of(area).title * 1.1);
            let (_, th) = area.estimate_text_size(title, &style)?;
            if th * 4 < area.dim_in_pixel().1 {
                area.titled(title, style)?
            } else {
                area.clone()
            }
        }
        None => area.clone(),
    };
    let (w, _) = body.dim_in_pixel();
    let half_sizes = Sizes::of(&body.split_horizontally(w / 2).0);
    let bar_w = ((half_sizes.tick * 5.0) as u32).min(w / 5);
    let (panels, bar) = body.split_horizontally(w - bar_w);
    let (pw, _) = panels.dim_in_pixel();
    let (left_area, right_area) = panels.split_horizontally(pw / 2);

    let both: Vec<f32> = [left.weights, right.weights].concat();
    let scale = options.scale.color_scale(&both, options.palette);
    let mut specs = Vec::with_capacity(2);
    for panel in [left, right] {
        let mut spec = panel.spec(options)?;
        spec.scale = scale;
        spec.colorbar = false;
        specs.push(spec);
    }

    // The higher of the two x label areas under both, so that the maps
    // line up.
    let areas = [&left_area, &right_area];
    let mut x_area = None;
    for (spec, panel_area) in specs.iter().zip(areas) {
        if !spec.matrix.is_empty() {
            let own = Layout::of(panel_area, spec)?.x_area;
            x_area = Some(x_area.map_or(own, |a: i32| a.max(own)));
        }
    }
    let mut maps = Vec::with_capacity(2);
    let mut plot_rows = None;
    for (spec, panel_area) in specs.iter().zip(areas) {
        match x_area.filter(|_| !spec.matrix.is_empty()) {
            Some(x_area) => {
                let layout = Layout::with_x_area(panel_area, spec, x_area)?;
                let (map, rect) = draw_with_layout(panel_area, spec, &layout)?;
                plot_rows.get_or_insert((rect.y0, rect.y1));
                maps.push(map);
            }
            None => maps.push(draw_message(panel_area, "no tokens to show")?),
        }
    }
    if let Some(rows) = plot_rows {
        draw_colorbar(&bar, &scale, rows, &Sizes::of(&left_area))?;
    }
    Ok(combine(maps, [left.name, right.name]))
}

/// One map over both panels: each answers for its own cells.
fn combine(maps: Vec<HoverMap>, names: [&str; 2]) -> HoverMap {
    let rects: Vec<PixelRect> = maps
        .iter()
        .filter(|m| !m.is_empty())
        .map(|m| m.plot_rect())
        .collect();
    let plot = PixelRect {
        x0: rects.iter().map(|r| r.x0).min().unwrap_or(0),
        y0: rects.iter().map(|r| r.y0).min().unwrap_or(0),
        x1: rects.iter().map(|r| r.x1).max().unwrap_or(0),
        y1: rects.iter().map(|r| r.y1).max().unwrap_or(0),
    };
    let names = names.map(String::from);
    HoverMap::new(plot, move |px| {
        let (panel, hit) = maps
            .iter()
            .enumerate()
            .find_map(|(panel, map)| Some((panel, map.at(px)?)))?;
        let HoverTarget::Cell { row, col, value } = hit.target else {
            return None;
        };
        Some(HoverValue {
            target: HoverTarget::PanelCell {
                panel,
                row,
                col,
                value,
            },
            anchor: hit.anchor,
            label: if names[panel].is_empty() {
                hit.label
            } else {
                format!("{}\n{}", names[panel], hit.label)
            },
        })
    })
}
