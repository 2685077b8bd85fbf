//! What a BERT costs in memory, worked out from `config.json` alone — before
//! a single weight is downloaded — with checked arithmetic throughout, so a
//! config with absurd sizes (`hidden_size` 10⁶, say) is refused with a
//! sentence instead of wrapping around on wasm32's 32-bit `usize` or
//! aborting on a failed allocation.

use super::{BertConfig, BertError};

/// Bytes of one f32.
const F32_BYTES: u64 = 4;

/// The memory a model needs, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryEstimate {
    /// Trainable values of the encoder (embeddings, layers, pooler).
    pub parameters: u64,
    /// The encoder's weights as the forward pass keeps them (f32).
    pub weights_bytes: u64,
    /// The longest input the model takes (`max_position_embeddings`).
    pub max_tokens: u64,
    /// One forward pass at `max_tokens`: every attention matrix, every
    /// hidden state and the pass's own buffers.
    pub forward_bytes_at_max: u64,
}

impl MemoryEstimate {
    /// Weights plus one forward pass at the longest input.
    pub fn total_bytes(&self) -> u64 {
        self.weights_bytes.saturating_add(self.forward_bytes_at_max)
    }

    /// `Err` with a sentence giving the sizes when `total_bytes` exceeds
    /// `budget_bytes` (`what` names the place, e.g. "this browser tab").
    pub fn check_fits(&self, budget_bytes: u64, what: &str) -> Result<(), BertError> {
        if self.total_bytes() <= budget_bytes {
            return Ok(());
        }
        Err(BertError::TooLarge(format!(
            "this model needs about {} ({} weights as f32, plus {} for one {}-token input), \
             more than the {} {what} can use",
            format_bytes(self.total_bytes()),
            format_count(self.parameters),
            format_bytes(self.forward_bytes_at_max),
            self.max_tokens,
            format_bytes(budget_bytes),
        )))
    }
}

fn overflow(what: &str) -> BertError {
    BertError::TooLarge(format!(
        "config.json describes a model too large to address ({what} overflows)"
    ))
}

/// `a · b · …` or `None` on overflow.
fn product(factors: &[u64]) -> Option<u64> {
    factors.iter().try_fold(1u64, |acc, &f| acc.checked_mul(f))
}

/// `a + b + …` or `None` on overflow.
fn sum(terms: &[Option<u64>]) -> Option<u64> {
    terms
        .iter()
        .try_fold(0u64, |acc, &t| t.and_then(|t| acc.checked_add(t)))
}

fn u(n: usize) -> u64 {
    n as u64
}

impl BertConfig {
    /// The memory this model needs, or [`BertError::TooLarge`] when its sizes
    /// overflow (u64 here; [`BertConfig::forward_sizes`] checks `usize`).
    pub fn memory_estimate(&self) -> Result<MemoryEstimate, BertError> {
        let (h, i) = (u(self.hidden_size), u(self.intermediate_size));
        let h3 = h.checked_mul(3).ok_or_else(|| overflow("hidden_size"))?;
        let dense = |inp: u64, out: u64| sum(&[product(&[inp, out]), Some(out)]);
        let layer = sum(&[
            dense(h, h3),     // fused query, key, value
            dense(h, h),      // attention output
            product(&[2, h]), // its LayerNorm
            dense(h, i),      // intermediate
            dense(i, h),      // output
            product(&[2, h]), // its LayerNorm
        ]);
        let parameters = sum(&[
            product(&[u(self.vocab_size), h]),
            product(&[u(self.max_position_embeddings), h]),
            product(&[u(self.type_vocab_size), h]),
            product(&[2, h]),
            layer.and_then(|l| l.checked_mul(u(self.num_hidden_layers))),
            dense(h, h), // pooler
        ])
        .ok_or_else(|| overflow("the parameter count"))?;
        let weights_bytes = parameters
            .checked_mul(F32_BYTES)
            .ok_or_else(|| overflow("the weights' size"))?;
        let max_tokens = u(self.max_position_embeddings);
        Ok(MemoryEstimate {
            parameters,
            weights_bytes,
            max_tokens,
            forward_bytes_at_max: self.forward_bytes(max_tokens)?,
        })
    }

    /// Bytes one forward pass over `tokens` tokens allocates: the attention
    /// results `[L, H, T, T]`, the hidden states `[L + 1, T, hidden]` and the
    /// last one again, and the pass's scratch buffers.
    pub fn forward_bytes(&self, tokens: u64) -> Result<u64, BertError> {
        let (h, i, t) = (u(self.hidden_size), u(self.intermediate_size), tokens);
        let layers = u(self.num_hidden_layers);
        let floats = sum(&[
            product(&[layers, u(self.num_attention_heads), t, t]),
            product(&[layers + 1, t, h]),
            product(&[t, h]),
            product(&[t, 6, h]), // fused QKV (3), context, attended, packed K/V
            product(&[t, i]),
        ])
        .ok_or_else(|| overflow("one forward pass's size"))?;
        floats
            .checked_mul(F32_BYTES)
            .ok_or_else(|| overflow("one forward pass's size"))
    }

    /// Element counts of one forward pass at `t` tokens, checked against this
    /// platform's `usize` (32 bits on wasm32): `(attentions, hidden_states)`.
    pub fn forward_sizes(&self, t: usize) -> Result<(usize, usize), BertError> {
        let attentions = [self.num_hidden_layers, self.num_attention_heads, t, t]
            .iter()
            .try_fold(1usize, |acc, &f| acc.checked_mul(f));
        let hidden = [self.num_hidden_layers + 1, t, self.hidden_size]
            .iter()
            .try_fold(1usize, |acc, &f| acc.checked_mul(f));
        // Bytes must fit too: every element is 4 of them.
        let fits = |n: Option<usize>| n.filter(|n| n.checked_mul(4).is_some());
        match (fits(attentions), fits(hidden)) {
            (Some(a), Some(h)) => Ok((a, h)),
            _ => Err(BertError::TooLarge(format!(
                "a {t}-token input is too large for this model on this platform \
                 ({} layers × {} heads × {t}² attention values)",
                self.num_hidden_layers, self.num_attention_heads
            ))),
        }
    }
}

/// A vector of `n` zeros, or [`BertError::TooLarge`] when the allocator
/// cannot provide it. In the browser a failed allocation would otherwise
/// abort the whole worker ("RuntimeError: unreachable").
pub(crate) fn try_zeros(n: usize, what: &str) -> Result<Vec<f32>, BertError> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| out_of_memory(n, what))?;
    v.resize(n, 0.0);
    Ok(v)
}

/// The error for `n` f32 values that could not be allocated.
pub(crate) fn out_of_memory(n: usize, what: &str) -> BertError {
    BertError::TooLarge(format!(
        "not enough memory for {what} ({} more were needed)",
        format_bytes((n as u64).saturating_mul(F32_BYTES))
    ))
}

/// `1.2 GB`, `440 MB`, `512 kB`: decimal units, as download sizes are shown.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [(&str, f64); 3] = [("GB", 1e9), ("MB", 1e6), ("kB", 1e3)];
    let b = bytes as f64;
    for (unit, size) in UNITS {
        if b >= size {
            let digits = if b >= 10.0 * size { 0 } else { 1 };
            return format!("{:.*} {unit}", digits, b / size);
        }
    }
    format!("{bytes} B")
}

/// `110 million`, `4.4 billion`, `32,000`.
fn format_count(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 => format!("{:.1} billion", n as f64 / 1e9),
        n if n >= 1_000_000 => format!("{:.0} million", n as f64 / 1e6),
        n => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(hidden: usize, layers: usize, heads: usize, inter: usize) -> BertConfig {
        let json = format!(
            r#"{{"model_type":"bert","vocab_size":30522,"hidden_size":{hidden},
            "num_hidden_layers":{layers},"num_attention_heads":{heads},
            "intermediate_size":{inter},"max_position_embeddings":512,"type_vocab_size":2}}"#
        );
        BertConfig::from_json(json.as_bytes()).expect("valid config")
    }

    #[test]
    fn bert_base_has_its_published_parameter_count() {
        // bert-base-uncased: 109,482,240 parameters with the pooler (the
        // figure PyTorch's `sum(p.numel())` prints for `BertModel`).
        let est = config(768, 12, 12, 3072)
            .memory_estimate()
            .expect("fits u64");
        assert_eq!(est.parameters, 109_482_240);
        assert_eq!(est.weights_bytes, 437_928_960);
        // 12·12·512² attention values alone are 151 MB.
        let attentions = 12 * 12 * 512 * 512 * 4;
        assert!(est.forward_bytes_at_max > attentions);
        assert!(est.forward_bytes_at_max < attentions + 40_000_000);
        assert!(est.check_fits(3 << 30, "this tab").is_ok());
    }

    #[test]
    fn minilm_has_its_published_parameter_count() {
        // all-MiniLM-L6-v2: 22,713,216 parameters.
        let est = config(384, 6, 12, 1536)
            .memory_estimate()
            .expect("fits u64");
        assert_eq!(est.parameters, 22_713_216);
    }

    #[test]
    fn a_huge_config_is_refused_with_its_size() {
        let est = config(1_000_000, 12, 10, 4_000_000)
            .memory_estimate()
            .expect("fits u64");
        let err = est.check_fits(3 << 30, "this browser tab").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("needs about"), "{text}");
        assert!(text.contains("this browser tab"), "{text}");
        assert!(text.contains("3.2 GB"), "{text}");
    }

    #[test]
    fn overflowing_sizes_are_an_error_not_a_wrap() {
        let cfg = config(usize::MAX / 8 * 8, 1, 8, 8);
        assert!(matches!(
            cfg.memory_estimate(),
            Err(BertError::TooLarge(m)) if m.contains("overflows")
        ));
        let cfg = config(768, 12, 12, 3072);
        assert!(cfg.forward_sizes(512).is_ok());
        assert!(matches!(
            cfg.forward_sizes(usize::MAX / 2),
            Err(BertError::TooLarge(_))
        ));
    }

    #[test]
    fn an_impossible_allocation_is_an_error() {
        let err = try_zeros(usize::MAX / 4, "the attention maps").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("not enough memory for the attention maps"),
            "{err}"
        );
        assert_eq!(try_zeros(3, "x").expect("small"), vec![0.0; 3]);
    }

    #[test]
    fn bytes_are_formatted_in_decimal_units() {
        assert_eq!(format_bytes(437_928_960), "438 MB");
        assert_eq!(format_bytes(3 << 30), "3.2 GB");
        assert_eq!(format_bytes(999), "999 B");
        assert_eq!(format_bytes(1_500), "1.5 kB");
    }
}
