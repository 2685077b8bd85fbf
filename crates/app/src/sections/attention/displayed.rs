//! Which matrix the attention views draw, as plain data: one head, the
//! mean over heads, or the rollout; with or without [CLS]/[SEP].

use attend_core::analysis::{self, CLS_TOKEN, SEP_TOKEN};
use attend_core::attention::Matrix;

/// Every attention map of one forward pass, `[layer][head][query][key]`.
#[derive(Clone, Copy)]
pub struct Maps<'a> {
    pub tokens: &'a [String],
    pub attentions: &'a [f32],
    pub layers: usize,
    pub heads: usize,
}

/// A matrix ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Displayed {
    pub tokens: Vec<String>,
    /// For each shown row/column, its index among all tokens.
    pub kept: Vec<usize>,
    /// `T×T` row-major, rows = queries.
    pub weights: Vec<f32>,
    pub title: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Which {
    Head { layer: usize, head: usize },
    Mean { layer: usize },
    Rollout,
}

impl<'a> Maps<'a> {
    pub fn t(&self) -> usize {
        self.tokens.len()
    }

    pub fn head(&self, layer: usize, head: usize) -> Result<Matrix, String> {
        let t = self.t();
        let n = t * t;
        let start = (layer * self.heads + head) * n;
        let data = self
            .attentions
            .get(start..start + n)
            .filter(|_| layer < self.layers && head < self.heads)
            .ok_or_else(|| format!("layer {layer}, head {head} is not in this result"))?;
        Matrix::new(t, t, data.to_vec()).map_err(|e| e.to_string())
    }

    fn layer_mean(&self, layer: usize) -> Result<Matrix, String> {
        let heads: Vec<Matrix> = (0..self.heads)
            .map(|h| self.head(layer, h))
            .collect::<Result<_, _>>()?;
        analysis::mean_over_heads(&heads).map_err(|e| e.to_string())
    }

    /// The matrix `which` names; with `hide_special`, [CLS] and [SEP] rows
    /// and columns are removed and each row renormalised to sum to 1.
    pub fn displayed(&self, which: Which, hide_special: bool) -> Result<Displayed, String> {
        let (matrix, title) = match which {
            Which::Head { layer, head } => (
                self.head(layer, head)?,
                format!("Layer {layer}, head {head}"),
            ),
            Which::Mean { layer } => (
                self.layer_mean(layer)?,
                format!("Layer {layer}, mean of {} heads", self.heads),
            ),
            Which::Rollout => {
                let means: Vec<Matrix> = (0..self.layers)
                    .map(|l| self.layer_mean(l))
                    .collect::<Result<_, _>>()?;
                let rolled = analysis::rollout(&means).map_err(|e| e.to_string())?;
                (
                    rolled,
                    format!("Attention rollout through {} layers", self.layers),
                )
            }
        };
        if !hide_special {
            return Ok(Displayed {
                tokens: self.tokens.to_vec(),
                kept: (0..self.t()).collect(),
                weights: matrix.into_data(),
                title,
            });
        }
        let (kept_matrix, kept) =
            analysis::hide_special(&matrix, self.tokens, &[CLS_TOKEN, SEP_TOKEN])
                .map_err(|e| e.to_string())?;
        Ok(Displayed {
            tokens: kept.iter().map(|&i| self.tokens[i].clone()).collect(),
            kept,
            weights: kept_matrix.into_data(),
            title: format!("{title} — [CLS]/[SEP] hidden, rows renormalised"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1 layer × 2 heads over "[CLS] dog bites [SEP]".
    struct Fixture {
        tokens: Vec<String>,
        data: Vec<f32>,
    }

    impl Fixture {
        fn new() -> Self {
            let tokens = ["[CLS]", "dog", "bites", "[SEP]"];
            Fixture {
                tokens: tokens.iter().map(|s| s.to_string()).collect(),
                data: maps_data(),
            }
        }

        fn maps(&self) -> Maps<'_> {
            Maps {
                tokens: &self.tokens,
                attentions: &self.data,
                layers: 1,
                heads: 2,
            }
        }
    }

    /// Head 0 looks at itself, head 1 mostly at [SEP].
    fn maps_data() -> Vec<f32> {
        let mut data = Vec::new();
        for q in 0..4 {
            for k in 0..4 {
                data.push(if q == k { 1.0 } else { 0.0 });
            }
        }
        for _ in 0..4 {
            data.extend([0.0, 0.25, 0.25, 0.5]);
        }
        data
    }

    #[test]
    fn picks_one_head() {
        let fixture = Fixture::new();
        let maps = fixture.maps();
        let d = maps
            .displayed(Which::Head { layer: 0, head: 1 }, false)
            .unwrap();
        assert_eq!(&d.weights[..4], &[0.0, 0.25, 0.25, 0.5]);
        assert_eq!(d.title, "Layer 0, head 1");
        assert!(maps
            .displayed(Which::Head { layer: 1, head: 0 }, false)
            .is_err());
    }

    #[test]
    fn mean_averages_the_heads() {
        let fixture = Fixture::new();
        let maps = fixture.maps();
        let d = maps.displayed(Which::Mean { layer: 0 }, false).unwrap();
        // row 1: (0,1,0,0) and (0,.25,.25,.5) → (0, .625, .125, .25)
        assert_eq!(&d.weights[4..8], &[0.0, 0.625, 0.125, 0.25]);
    }

    #[test]
    fn hiding_specials_renormalises_rows() {
        let fixture = Fixture::new();
        let maps = fixture.maps();
        let d = maps
            .displayed(Which::Head { layer: 0, head: 1 }, true)
            .unwrap();
        assert_eq!(d.tokens, vec!["dog", "bites"]);
        assert_eq!(d.kept, vec![1, 2]);
        assert_eq!(d.weights, vec![0.5, 0.5, 0.5, 0.5]);
        assert!(d.title.contains("renormalised"));
    }

    #[test]
    fn rollout_rows_sum_to_one() {
        let fixture = Fixture::new();
        let maps = fixture.maps();
        let d = maps.displayed(Which::Rollout, false).unwrap();
        for row in d.weights.chunks(4) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        }
    }
}
