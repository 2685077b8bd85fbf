//! The settings of the live attention section and their URL form:
//! `#/attention?text=…&pair=…&layer=L&head=H&view=heatmap&hide_special=0`
//! plus `compare=…` (second sentence of the compare view), `scale`,
//! `palette`, `weights` and `model` (a base URL to load instead of the
//! default model).

use crate::lesson::layer_head::LayerHead;
use crate::platform::route::Route;

pub const SLUG: &str = "attention";
/// Typing is not limited, but a pasted book is cut before it reaches the
/// tokenizer (the model would truncate it anyway).
pub const MAX_TEXT_CHARS: usize = 5_000;
pub const DEFAULT_TEXT: &str = "The animal didn't cross the street because it was too tired.";
pub const DEFAULT_COMPARE: &str = "Man bites dog.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Heatmap,
    Lines,
    Model,
    Mean,
    Rollout,
    Compare,
}

impl View {
    pub const ALL: [View; 6] = [
        View::Heatmap,
        View::Lines,
        View::Model,
        View::Mean,
        View::Rollout,
        View::Compare,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            View::Heatmap => "heatmap",
            View::Lines => "lines",
            View::Model => "model",
            View::Mean => "mean",
            View::Rollout => "rollout",
            View::Compare => "compare",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            View::Heatmap => "Heatmap",
            View::Lines => "Head view",
            View::Model => "All heads",
            View::Mean => "Mean over heads",
            View::Rollout => "Rollout",
            View::Compare => "Compare",
        }
    }

    fn parse(raw: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.slug() == raw)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// 0 … 1 for every map: maps can be compared with each other.
    Fixed,
    /// Each map uses its own range: faint patterns become visible.
    PerMatrix,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Palette {
    Viridis,
    Cividis,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weights {
    /// Half-precision copy: half the download.
    F16,
    /// The original float32 weights: exactly the published numbers.
    F32,
}

impl Weights {
    pub fn file(self) -> &'static str {
        match self {
            Weights::F16 => "model.f16.safetensors",
            Weights::F32 => "model.safetensors",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AttentionState {
    pub text: String,
    pub pair: Option<String>,
    pub compare: String,
    /// Layer and head as asked for; checked against the model once loaded.
    pub layer: usize,
    pub head: usize,
    pub view: View,
    pub hide_special: bool,
    pub scale: Scale,
    pub palette: Palette,
    pub weights: Weights,
    /// A base URL of another model; None = the default model.
    pub model: Option<String>,
}

impl Default for AttentionState {
    fn default() -> Self {
        AttentionState {
            text: DEFAULT_TEXT.into(),
            pair: None,
            compare: DEFAULT_COMPARE.into(),
            layer: 0,
            head: 0,
            view: View::Heatmap,
            hide_special: false,
            scale: Scale::Fixed,
            palette: Palette::Viridis,
            weights: Weights::F16,
            model: None,
        }
    }
}

impl AttentionState {
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let d = Self::default();
        let mut notes = Vec::new();
        let text = route
            .get("text")
            .map(|t| clip(t, &mut notes))
            .unwrap_or(d.text);
        let pair = route
            .get("pair")
            .filter(|p| !p.trim().is_empty())
            .map(|p| clip(p, &mut notes));
        let compare = route
            .get("compare")
            .map(|t| clip(t, &mut notes))
            .unwrap_or(d.compare);
        let LayerHead { layer, head } = LayerHead::read(route, &mut notes);
        let view = match route.get("view") {
            None => d.view,
            Some(raw) => View::parse(raw).unwrap_or_else(|| {
                notes.push(format!(
                    "There is no view called “{}”; showing the heatmap.",
                    short(raw)
                ));
                View::Heatmap
            }),
        };
        let hide_special = flag("hide_special", route.get("hide_special"), &mut notes);
        let scale = match route.get("scale") {
            Some("matrix") => Scale::PerMatrix,
            Some("fixed") | None => Scale::Fixed,
            Some(other) => {
                notes.push(format!(
                    "Unknown colour scale “{}”; using 0–1.",
                    short(other)
                ));
                Scale::Fixed
            }
        };
        let palette = match route.get("palette") {
            Some("cividis") => Palette::Cividis,
            Some("viridis") | None => Palette::Viridis,
            Some(other) => {
                notes.push(format!(
                    "Unknown palette “{}”; using viridis.",
                    short(other)
                ));
                Palette::Viridis
            }
        };
        let weights = match route.get("weights") {
            Some("f32") => Weights::F32,
            Some("f16") | None => Weights::F16,
            Some(other) => {
                notes.push(format!("Unknown weights “{}”; using f16.", short(other)));
                Weights::F16
            }
        };
        let model = route
            .get("model")
            .filter(|m| !m.trim().is_empty())
            .map(str::to_string);
        (
            AttentionState {
                text,
                pair,
                compare,
                layer,
                head,
                view,
                hide_special,
                scale,
                palette,
                weights,
                model,
            },
            notes,
        )
    }

    /// The canonical link; defaults are left out to keep it short.
    pub fn to_route(&self) -> Route {
        let d = Self::default();
        let mut q: Vec<(String, String)> = vec![("text".into(), self.text.clone())];
        if let Some(pair) = &self.pair {
            q.push(("pair".into(), pair.clone()));
        }
        q.extend(self.layer_head().query());
        q.push(("view".into(), self.view.slug().into()));
        q.push((
            "hide_special".into(),
            if self.hide_special { "1" } else { "0" }.into(),
        ));
        if self.view == View::Compare || self.compare != d.compare {
            q.push(("compare".into(), self.compare.clone()));
        }
        if self.scale == Scale::PerMatrix {
            q.push(("scale".into(), "matrix".into()));
        }
        if self.palette == Palette::Cividis {
            q.push(("palette".into(), "cividis".into()));
        }
        if self.weights == Weights::F32 {
            q.push(("weights".into(), "f32".into()));
        }
        if let Some(model) = &self.model {
            q.push(("model".into(), model.clone()));
        }
        Route::with_query(SLUG, q)
    }

    /// Layer and head clamped to what the loaded model has, with a notice
    /// when the link asked for more.
    pub fn fit_to_model(&self, layers: usize, heads: usize) -> (usize, usize, Option<String>) {
        let (fitted, note) = self.layer_head().fit(layers, heads);
        (fitted.layer, fitted.head, note)
    }

    pub fn layer_head(&self) -> LayerHead {
        LayerHead {
            layer: self.layer,
            head: self.head,
        }
    }
}

fn flag(name: &str, raw: Option<&str>, notes: &mut Vec<String>) -> bool {
    match raw {
        None | Some("0") | Some("false") => false,
        Some("1") | Some("true") => true,
        Some(other) => {
            notes.push(format!(
                "{name} is 0 or 1, not “{}”; using 0.",
                short(other)
            ));
            false
        }
    }
}

fn clip(text: &str, notes: &mut Vec<String>) -> String {
    if text.chars().count() > MAX_TEXT_CHARS {
        notes.push(format!(
            "The text was cut to its first {MAX_TEXT_CHARS} characters."
        ));
        text.chars().take(MAX_TEXT_CHARS).collect()
    } else {
        text.to_string()
    }
}

fn short(raw: &str) -> String {
    raw.chars().take(24).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_setting() {
        let state = AttentionState {
            text: "Dog bites man & 🐕".into(),
            pair: Some("Why?".into()),
            compare: "Man bites dog".into(),
            layer: 3,
            head: 11,
            view: View::Rollout,
            hide_special: true,
            scale: Scale::PerMatrix,
            palette: Palette::Cividis,
            weights: Weights::F32,
            model: Some("https://example.org/bert-base-uncased/resolve/main/".into()),
        };
        let route = Route::parse(&state.to_route().to_hash());
        assert_eq!(AttentionState::from_route(&route), (state, vec![]));
    }

    #[test]
    fn the_documented_link_parses() {
        let route = Route::parse(
            "#/attention?text=Dog%20bites%20man&layer=2&head=5&view=lines&hide_special=1",
        );
        let (s, notes) = AttentionState::from_route(&route);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            (s.text.as_str(), s.layer, s.head, s.view, s.hide_special),
            ("Dog bites man", 2, 5, View::Lines, true)
        );
    }

    #[test]
    fn unknown_values_fall_back_with_notices() {
        let route = Route::parse("#/attention?layer=x&head=-1&view=3d&hide_special=maybe&scale=log&palette=jet&weights=int4");
        let (s, notes) = AttentionState::from_route(&route);
        assert_eq!(s, AttentionState::default());
        assert_eq!(notes.len(), 7, "{notes:?}");
    }

    #[test]
    fn layer_and_head_are_fitted_to_the_model() {
        let s = AttentionState {
            layer: 9,
            head: 3,
            ..Default::default()
        };
        let (layer, head, note) = s.fit_to_model(6, 12);
        assert_eq!((layer, head), (0, 3));
        assert!(note.unwrap().contains("6 layers × 12 heads"));
        assert_eq!(s.fit_to_model(12, 12), (9, 3, None));
    }

    #[test]
    fn huge_text_is_clipped() {
        let text = "a ".repeat(10_000);
        let route = Route::with_query(SLUG, vec![("text".into(), text)]);
        let (s, notes) = AttentionState::from_route(&route);
        assert_eq!(s.text.chars().count(), MAX_TEXT_CHARS);
        assert_eq!(notes.len(), 1);
    }
}
