//! Notices a model worker that stopped answering. A worker stuck in a loop,
//! or one whose download stalled, sends nothing at all — no error event —
//! so without a deadline the page would say "Loading…" or "Updating…"
//! forever. Plain Rust (the client ticks it with the page's clock), so the
//! rules are tested natively.
//!
//! - A load fails once the worker has been silent for [`LOAD_SILENCE_MS`]:
//!   a download reports progress many times a second, and parsing even
//!   bert-base takes seconds, so a minute of silence means it is stuck
//!   (not slow: a slow connection still reports progress).
//! - A run fails once it has taken longer than [`run_allowance_ms`]: a
//!   fixed margin plus its arithmetic at the rate of the slowest backend we
//!   have measured, so a phone computing a long text is never cut off,
//!   while a stuck worker is noticed within half a minute for a sentence.

use crate::protocol::ModelInfo;
use std::fmt;

/// How long a loading worker may say nothing.
pub const LOAD_SILENCE_MS: f64 = 60_000.0;

/// Every run gets this much, whatever its size (start-up of the GPU path,
/// a first calibration, a busy page).
const RUN_MARGIN_MS: f64 = 15_000.0;

/// The rate the allowance assumes: software WebGPU (SwiftShader, about
/// 0.1 GFLOP/s here), the slowest path we know; a phone's CPU path is
/// ten times faster or more.
const SLOWEST_FLOPS_PER_MS: f64 = 100_000.0;

/// An upper bound of the word pieces `text` (and `pair`) can become: every
/// piece covers at least one byte (byte-level tokenizers included), plus
/// the specials; never more than the model takes.
pub fn token_bound(text: &str, pair: Option<&str>, max_tokens: usize) -> usize {
    let bytes = text.len().saturating_add(pair.map_or(0, str::len));
    bytes.saturating_add(3).min(max_tokens.max(1))
}

/// The arithmetic of one forward pass over `tokens` (multiply-adds count
/// two): the projections and the feed-forward layer grow with T, the
/// attention scores and their use with T².
pub fn forward_flops(info: &ModelInfo, tokens: usize) -> f64 {
    let (t, h) = (tokens as f64, info.hidden_size as f64);
    let ffn = info.intermediate_size.max(info.hidden_size) as f64;
    let per_layer = 2.0 * t * (4.0 * h * h + 2.0 * h * ffn) + 4.0 * t * t * h;
    per_layer * info.layers as f64
}

/// How long a run over at most `tokens` word pieces may take.
pub fn run_allowance_ms(info: &ModelInfo, tokens: usize) -> f64 {
    RUN_MARGIN_MS + forward_flops(info, tokens) / SLOWEST_FLOPS_PER_MS
}

/// A worker that stopped answering, and for how long.
#[derive(Clone, Debug, PartialEq)]
pub enum Stall {
    Load { silent_ms: f64 },
    Run { waited_ms: f64 },
}

impl fmt::Display for Stall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stall::Load { silent_ms } => write!(
                f,
                "the model worker stopped answering while loading (nothing for {:.0} s), so it was stopped",
                silent_ms / 1000.0
            ),
            Stall::Run { waited_ms } => write!(
                f,
                "the model worker did not answer within {:.0} s, so it was stopped",
                waited_ms / 1000.0
            ),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Watchdog {
    /// A load is under way; when the worker last said anything.
    load_heard_ms: Option<f64>,
    /// The run in flight: its id, when it was sent, and its deadline.
    run: Option<(u64, f64, f64)>,
}

impl Watchdog {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn load_started(&mut self, now_ms: f64) {
        self.load_heard_ms = Some(now_ms);
    }

    pub fn load_finished(&mut self) {
        self.load_heard_ms = None;
    }

    /// The worker said something (progress, a notice): it is alive.
    pub fn heard(&mut self, now_ms: f64) {
        if let Some(heard) = &mut self.load_heard_ms {
            *heard = now_ms;
        }
    }

    pub fn run_sent(&mut self, request_id: u64, now_ms: f64, allowance_ms: f64) {
        self.run = Some((request_id, now_ms, now_ms + allowance_ms));
    }

    /// The worker answered (or failed) `request_id`.
    pub fn run_answered(&mut self, request_id: u64) {
        if self.run.is_some_and(|(id, _, _)| id == request_id) {
            self.run = None;
        }
    }

    /// Forget everything (the worker is gone).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Whether anything is being waited for (the clock need not tick otherwise).
    pub fn is_waiting(&self) -> bool {
        self.load_heard_ms.is_some() || self.run.is_some()
    }

    /// The stall at `now_ms`, if the worker is overdue.
    pub fn overdue(&self, now_ms: f64) -> Option<Stall> {
        if let Some(heard) = self.load_heard_ms {
            let silent_ms = now_ms - heard;
            if silent_ms >= LOAD_SILENCE_MS {
                return Some(Stall::Load { silent_ms });
            }
        }
        match self.run {
            Some((_, sent, deadline)) if now_ms >= deadline => Some(Stall::Run {
                waited_ms: now_ms - sent,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mini_lm() -> ModelInfo {
        ModelInfo {
            name: "all-MiniLM-L6-v2".into(),
            layers: 6,
            heads: 12,
            hidden_size: 384,
            intermediate_size: 1536,
            max_tokens: 512,
            weights_file: "model.safetensors".into(),
            load_ms: 0.0,
        }
    }

    fn bert_base() -> ModelInfo {
        ModelInfo {
            name: "bert-base-uncased".into(),
            layers: 12,
            heads: 12,
            hidden_size: 768,
            intermediate_size: 3072,
            ..mini_lm()
        }
    }

    #[test]
    fn the_token_bound_covers_every_tokenizer_and_stops_at_the_model_limit() {
        assert_eq!(token_bound("", None, 512), 3);
        assert_eq!(token_bound("dog bites man", Some("man"), 512), 13 + 3 + 3);
        // "é" is two bytes: a byte-level tokenizer may make two pieces of it.
        assert_eq!(token_bound("é", None, 512), 5);
        assert_eq!(token_bound(&"x".repeat(5_000), None, 512), 512);
    }

    #[test]
    fn flops_grow_with_the_model_and_the_square_of_the_length() {
        // 6 layers × 2 × 16 × (4·384² + 2·384·1536) + 6 × 4 × 16² × 384.
        assert_eq!(forward_flops(&mini_lm(), 16), 342_097_920.0);
        let short = forward_flops(&bert_base(), 128);
        let long = forward_flops(&bert_base(), 512);
        assert!(long > 4.0 * short, "{short} {long}");
    }

    #[test]
    fn allowances_leave_room_for_slow_devices() {
        // A sentence on MiniLM: under half a minute.
        let sentence = run_allowance_ms(&mini_lm(), 16);
        assert!((15_000.0..30_000.0).contains(&sentence), "{sentence}");
        // bert-base at 512 tokens (9.7e10 flops): a CPU at 1 GFLOP/s takes
        // about 100 s; the allowance is the 16 minutes of 0.1 GFLOP/s.
        let long = run_allowance_ms(&bert_base(), 512);
        assert!((960_000.0..1_000_000.0).contains(&long), "{long}");
    }

    #[test]
    fn a_silent_load_is_overdue_after_a_minute_and_progress_resets_the_clock() {
        let mut dog = Watchdog::new();
        dog.load_started(0.0);
        assert_eq!(dog.overdue(59_999.0), None);
        dog.heard(50_000.0);
        assert_eq!(dog.overdue(100_000.0), None);
        assert_eq!(
            dog.overdue(110_000.0),
            Some(Stall::Load {
                silent_ms: 60_000.0
            })
        );
        dog.load_finished();
        assert_eq!(dog.overdue(1e9), None);
        assert!(!dog.is_waiting());
    }

    #[test]
    fn a_run_is_overdue_after_its_allowance_unless_answered() {
        let mut dog = Watchdog::new();
        dog.run_sent(7, 1_000.0, 20_000.0);
        assert!(dog.is_waiting());
        assert_eq!(dog.overdue(20_999.0), None);
        assert_eq!(
            dog.overdue(21_000.0),
            Some(Stall::Run {
                waited_ms: 20_000.0
            })
        );
        // An answer to another id does not count.
        dog.run_answered(6);
        assert!(dog.overdue(21_000.0).is_some());
        dog.run_answered(7);
        assert_eq!(dog.overdue(1e9), None);
        // Progress is no answer to a run.
        dog.run_sent(8, 0.0, 10.0);
        dog.heard(5.0);
        assert!(dog.overdue(10.0).is_some());
        dog.reset();
        assert!(!dog.is_waiting());
    }

    #[test]
    fn stalls_read_well() {
        assert_eq!(
            Stall::Run {
                waited_ms: 27_400.0
            }
            .to_string(),
            "the model worker did not answer within 27 s, so it was stopped"
        );
        assert_eq!(
            Stall::Load { silent_ms: 60_000.0 }.to_string(),
            "the model worker stopped answering while loading (nothing for 60 s), so it was stopped"
        );
    }
}
