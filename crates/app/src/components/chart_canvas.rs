//! A `<canvas>` that a chart function draws on, with hover tooltips.
//!
//! The chart function returns a `HoverMap` that maps canvas pixels back to
//! data (plotters' coordinate transform); this component only converts the
//! mouse position from CSS pixels to canvas pixels and shows the label.
//! `data-summary` exposes what was drawn so tests can read it instead of
//! pixels.

use super::page_canvas::PageCanvas;
use attend_charts::HoverMap;
use leptos::html;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;

pub type CanvasArea = DrawingArea<PageCanvas, Shift>;

/// Canvas size in CSS pixels; the backing store is scaled by the device
/// pixel ratio so that text stays sharp on a projector or a phone.
const DEFAULT_WIDTH_PX: u32 = 900;
const DEFAULT_HEIGHT_PX: u32 = 520;

#[component]
pub fn ChartCanvas<F>(
    /// `data-testid` of the canvas.
    testid: &'static str,
    /// Text under the chart, also its accessible label.
    caption: &'static str,
    /// Draws the chart; re-run whenever a signal it reads changes.
    draw: F,
    /// What was drawn, for tests and screen readers (JSON).
    #[prop(into)]
    summary: Signal<String>,
    /// Called with what lies under a click or tap (e.g. a head in the
    /// model view).
    #[prop(optional, into)]
    on_pick: Option<Callback<attend_charts::HoverValue>>,
    /// Called with what lies under the pointer as it moves (None when it
    /// leaves), e.g. to isolate a token's lines in the head view.
    #[prop(optional, into)]
    on_hover: Option<Callback<Option<attend_charts::HoverValue>>>,
    #[prop(default = DEFAULT_WIDTH_PX)] width_px: u32,
    #[prop(default = DEFAULT_HEIGHT_PX)] height_px: u32,
) -> impl IntoView
where
    F: Fn(&CanvasArea) -> Result<HoverMap, String> + 'static,
{
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let hover = StoredValue::new_local(None::<HoverMap>);
    let (error, set_error) = signal(None::<String>);
    let (tip, set_tip) = signal(None::<Tooltip>);

    Effect::new(move |_| {
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        let scale = window().device_pixel_ratio().clamp(1.0, 3.0);
        canvas.set_width((width_px as f64 * scale) as u32);
        canvas.set_height((height_px as f64 * scale) as u32);
        let Some(backend) = PageCanvas::new(canvas) else {
            set_error.set(Some("This browser cannot draw on a canvas.".into()));
            return;
        };
        let area = backend.into_drawing_area();
        let cleared = area
            .fill(&WHITE)
            .map_err(|e| format!("The chart could not be cleared ({e})."));
        match cleared.and_then(|()| draw(&area)) {
            Ok(map) => {
                hover.set_value(Some(map));
                set_error.set(None);
            }
            Err(message) => {
                hover.set_value(None);
                set_error.set(Some(message));
            }
        }
        if let Err(e) = area.present() {
            set_error.set(Some(format!("The chart could not be shown ({e}).")));
        }
        set_tip.set(None);
    });

    // The data under the pointer, and where the pointer is in CSS pixels.
    let under_pointer = move |ev: &web_sys::PointerEvent| {
        let canvas = canvas_ref.get_untracked()?;
        let rect = canvas.get_bounding_client_rect();
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return None;
        }
        let css_x = ev.client_x() as f64 - rect.left();
        let css_y = ev.client_y() as f64 - rect.top();
        let px = css_x * canvas.width() as f64 / rect.width();
        let py = css_y * canvas.height() as f64 / rect.height();
        let value = hover.with_value(|map| {
            map.as_ref()
                .and_then(|m| m.at((px.floor() as i32, py.floor() as i32)))
        })?;
        Some((value, css_x, css_y, css_x > rect.width() * 0.6))
    };
    let on_pointer = move |ev: web_sys::PointerEvent| {
        let under = under_pointer(&ev);
        if let Some(hovered) = on_hover {
            hovered.run(under.as_ref().map(|(value, ..)| value.clone()));
        }
        set_tip.set(under.map(|(value, x, y, flip)| Tooltip {
            x,
            y,
            flip,
            label: value.label,
        }));
    };
    let on_click = move |ev: web_sys::PointerEvent| {
        let picked = under_pointer(&ev);
        on_pointer(ev);
        if let (Some(pick), Some((value, ..))) = (on_pick, picked) {
            pick.run(value);
        }
    };

    view! {
        <figure class="chart">
            <canvas
                node_ref=canvas_ref
                data-testid=testid
                data-summary=move || summary.get()
                role="img"
                aria-label=caption
                style=format!("aspect-ratio: {width_px} / {height_px}")
                on:pointermove=on_pointer
                on:pointerdown=on_click
                on:pointerleave=move |_| {
                    set_tip.set(None);
                    if let Some(hovered) = on_hover {
                        hovered.run(None);
                    }
                }
            ></canvas>
            {move || {
                tip.get()
                    .map(|t| {
                        let style = if t.flip {
                            format!("right: calc(100% - {:.0}px + 12px); top: {:.0}px", t.x, t.y + 12.0)
                        } else {
                            format!("left: {:.0}px; top: {:.0}px", t.x + 12.0, t.y + 12.0)
                        };
                        view! {
                            <div class="tooltip" data-testid=format!("{testid}-tooltip") style=style>
                                {t.label}
                            </div>
                        }
                    })
            }}
            {move || error.get().map(|e| view! { <p class="notice error">{e}</p> })}
            <figcaption>{caption}</figcaption>
        </figure>
    }
}

#[derive(Clone)]
struct Tooltip {
    x: f64,
    y: f64,
    flip: bool,
    label: String,
}
