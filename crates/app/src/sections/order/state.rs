//! The settings of the "Attention is blind to order" section and their URL
//! form (`#/order?text=the+dog+bit+the+man&order=0,4,2,3,1&pe=0&seed=42`),
//! and what it computes: one toy attention head run on a sentence and on
//! the same words shuffled, with and without position codes, and how far
//! each word's output moved.

use crate::lesson::sentences::{key_of, read_seed, read_sentence, toy_inputs, words};
use crate::platform::params::index_list;
use crate::platform::route::Route;
use attend_core::attention::{toy_embeddings, Mask, Matrix, ToyAttention};
use attend_core::rng::{derive_seed, fnv1a64, SplitMix64};

pub const SLUG: &str = "order";
/// Toy word vectors and position codes are this wide.
pub const D_MODEL: usize = 16;
/// The head's queries, keys and values.
pub const D_K: usize = 8;
/// The same five words can say two opposite things.
pub const DEFAULT_TEXT: &str = "the dog bit the man";
/// "the man bit the dog".
const DEFAULT_ORDER: [usize; 5] = [0, 4, 2, 3, 1];
/// Stream of the head's weights, apart from the word vectors'.
const HEAD_STREAM: u64 = 1;

#[derive(Clone, Debug, PartialEq)]
pub struct OrderState {
    pub text: String,
    /// Position `i` of the shuffled sentence holds word `order[i]` of the
    /// sentence as written: a permutation of `0..words`.
    pub order: Vec<usize>,
    /// Add the sinusoidal position codes to the word vectors.
    pub positions: bool,
    pub seed: u64,
}

impl Default for OrderState {
    fn default() -> Self {
        OrderState::from_route(&Route::new(SLUG)).0
    }
}

impl OrderState {
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let text = match route.get("text") {
            None => DEFAULT_TEXT.to_string(),
            Some(raw) => read_sentence(Some(raw), &mut notes),
        };
        let n = words(&text).len();
        let default = default_order(&text, n);
        let order = match route.get("order") {
            None => default,
            Some(raw) => {
                let read = index_list("Order", Some(raw), &default, n, n, &mut notes);
                if read.len() == n {
                    read
                } else {
                    notes.push(format!(
                        "Order must name each of the {n} words once (0 to {}); using the default order.",
                        n.saturating_sub(1)
                    ));
                    default
                }
            }
        };
        let positions = match route.get("pe").map(str::trim) {
            None | Some("0") => false,
            Some("1") => true,
            Some(other) => {
                notes.push(format!(
                    "pe must be 1 or 0, not “{}”; leaving the position codes out.",
                    other.chars().take(24).collect::<String>()
                ));
                false
            }
        };
        let seed = read_seed(route.get("seed"), &mut notes);
        (
            OrderState {
                text,
                order,
                positions,
                seed,
            },
            notes,
        )
    }

    pub fn to_route(&self) -> Route {
        let order: Vec<String> = self.order.iter().map(usize::to_string).collect();
        Route::with_query(
            SLUG,
            vec![
                ("text".into(), self.text.clone()),
                ("order".into(), order.join(",")),
                ("pe".into(), if self.positions { "1" } else { "0" }.into()),
                ("seed".into(), self.seed.to_string()),
            ],
        )
    }

    /// Another shuffle of the same words, the same on every machine (so a
    /// link or a test can predict it), never the order already shown when
    /// there is a choice.
    pub fn reshuffled(&self) -> Vec<usize> {
        let n = self.order.len();
        let stamp: Vec<String> = self.order.iter().map(usize::to_string).collect();
        let mut rng = SplitMix64::new(derive_seed(self.seed, fnv1a64(&stamp.join(","))));
        for _ in 0..8 {
            let mut next: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                let j = (rng.next_u64() % (i as u64 + 1)) as usize;
                next.swap(i, j);
            }
            if next != self.order || n < 2 {
                return next;
            }
        }
        // Eight identical draws in a row: rotate instead.
        let mut next = self.order.clone();
        next.rotate_left(1);
        next
    }
}

/// "the man bit the dog" for the example; the words reversed otherwise.
fn default_order(text: &str, n: usize) -> Vec<usize> {
    if text == DEFAULT_TEXT {
        DEFAULT_ORDER.to_vec()
    } else {
        (0..n).rev().collect()
    }
}

impl crate::platform::section_state::RouteState for OrderState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        OrderState::from_route(route)
    }

    fn to_route(&self) -> Route {
        OrderState::to_route(self)
    }
}

/// One run of the head on one arrangement of the words.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrangement {
    pub words: Vec<String>,
    /// Attention weights, queries × keys.
    pub weights: Matrix,
    /// One output vector per word, words × d_k.
    pub output: Matrix,
}

/// The sentence as written, the shuffled one, and how they compare.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderData {
    pub written: Arrangement,
    pub shuffled: Arrangement,
    /// The shuffled outputs with each row moved back to its word's place in
    /// the written sentence: equal to `written.output` when attention cannot
    /// see order.
    pub put_back: Matrix,
    /// Per word of the written sentence, the largest |difference| between
    /// its output in the two sentences.
    pub differences: Vec<f32>,
    /// The largest |difference| between the mean of the outputs of the two
    /// sentences (a bag-of-vectors sentence summary).
    pub mean_difference: f32,
}

impl OrderData {
    pub fn compute(state: &OrderState) -> Result<Self, String> {
        let written_words = words(&state.text);
        if state.order.len() != written_words.len() {
            return Err(format!(
                "The order names {} words, the sentence has {}.",
                state.order.len(),
                written_words.len()
            ));
        }
        let shuffled_words: Vec<String> = state
            .order
            .iter()
            .map(|&i| written_words[i].clone())
            .collect();
        let head = ToyAttention::new(derive_seed(state.seed, HEAD_STREAM), D_MODEL, D_K)
            .map_err(|e| e.to_string())?;
        let run = |w: Vec<String>| -> Result<Arrangement, String> {
            let x = inputs(&w, state.positions, state.seed)?;
            let steps = head.forward(&x, &Mask::None).map_err(|e| e.to_string())?;
            Ok(Arrangement {
                words: w,
                weights: steps.weights,
                output: steps.output,
            })
        };
        let written = run(written_words)?;
        let shuffled = run(shuffled_words)?;

        let n = state.order.len();
        let mut rows = vec![vec![0.0f32; D_K]; n];
        for (at, &from) in state.order.iter().enumerate() {
            rows[from] = shuffled
                .output
                .row(at)
                .map(<[f32]>::to_vec)
                .unwrap_or_default();
        }
        let put_back = Matrix::from_rows(&rows).map_err(|e| e.to_string())?;
        let differences = written
            .output
            .iter_rows()
            .zip(put_back.iter_rows())
            .map(|(a, b)| largest_gap(a, b))
            .collect();
        let mean_difference = largest_gap(
            &column_means(&written.output),
            &column_means(&shuffled.output),
        );
        Ok(OrderData {
            written,
            shuffled,
            put_back,
            differences,
            mean_difference,
        })
    }

    pub fn max_difference(&self) -> f32 {
        self.differences.iter().fold(0.0, |m, &d| m.max(d))
    }
}

/// Toy word vectors, plus position `i`'s code on row `i` when asked (the
/// toy sections' shared [`toy_inputs`]).
fn inputs(w: &[String], positions: bool, seed: u64) -> Result<Matrix, String> {
    if positions {
        return toy_inputs(w, D_MODEL, seed);
    }
    let keys: Vec<String> = w.iter().map(|w| key_of(w)).collect();
    toy_embeddings(&keys, D_MODEL, seed).map_err(|e| e.to_string())
}

fn largest_gap(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).fold(0.0, |m, (x, y)| m.max((x - y).abs()))
}

fn column_means(m: &Matrix) -> Vec<f32> {
    let mut sums = vec![0.0f64; m.cols()];
    for row in m.iter_rows() {
        for (s, &x) in sums.iter_mut().zip(row) {
            *s += x as f64;
        }
    }
    let n = m.rows().max(1) as f64;
    sums.into_iter().map(|s| (s / n) as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(hash: &str) -> (OrderState, Vec<String>) {
        OrderState::from_route(&Route::parse(hash))
    }

    #[test]
    fn without_positions_shuffled_words_get_the_same_outputs() {
        let (s, notes) = state("#/order");
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(s.order, vec![0, 4, 2, 3, 1]);
        let d = OrderData::compute(&s).unwrap();
        assert_eq!(d.shuffled.words.join(" "), "the man bit the dog");
        // only rounding: the sums run over the keys in another order
        assert!(d.max_difference() < 1e-5, "{:?}", d.differences);
        assert!(d.mean_difference < 1e-5);
        // the two "the"s cannot be told apart either
        let out = &d.written.output;
        assert_eq!(out.row(0), out.row(3));
        // the weights are the written ones, rows and columns permuted
        for (i, &oi) in s.order.iter().enumerate() {
            for (j, &oj) in s.order.iter().enumerate() {
                let (a, b) = (d.shuffled.weights.get(i, j), d.written.weights.get(oi, oj));
                assert!((a.unwrap() - b.unwrap()).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn position_codes_make_the_outputs_depend_on_order() {
        let (s, _) = state("#/order?pe=1");
        let d = OrderData::compute(&s).unwrap();
        assert!(d.max_difference() > 0.05, "{:?}", d.differences);
        assert!(d.mean_difference > 1e-3, "{}", d.mean_difference);
        // "bit" stays in place, yet its output moves: its neighbours did
        assert!(d.differences[2] > 1e-3, "{:?}", d.differences);
        assert_ne!(d.written.output.row(0), d.written.output.row(3));
    }

    #[test]
    fn links_round_trip_and_bad_orders_are_repaired() {
        let (s, notes) = state("#/order?text=a+b+c&order=2,0,1&pe=1&seed=7");
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            (s.order.clone(), s.positions, s.seed),
            (vec![2, 0, 1], true, 7)
        );
        assert_eq!(
            OrderState::from_route(&Route::parse(&s.to_route().to_hash())).0,
            s
        );

        let (s, notes) = state("#/order?text=a+b+c&order=0,0,9&pe=maybe");
        assert_eq!(s.order, vec![2, 1, 0]);
        assert!(!s.positions);
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(OrderData::compute(&s).is_ok());
    }

    #[test]
    fn reshuffling_gives_another_permutation() {
        let (mut s, _) = state("#/order");
        for _ in 0..20 {
            let next = s.reshuffled();
            assert_ne!(next, s.order);
            let mut sorted = next.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..5).collect::<Vec<_>>());
            s.order = next;
        }
        let (one, _) = state("#/order?text=alone");
        assert_eq!(one.reshuffled(), vec![0]);
    }
}
