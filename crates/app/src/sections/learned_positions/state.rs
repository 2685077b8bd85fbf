//! The settings of the learned-positions section and their URL form
//! (`#/learned-positions?n=512`), and what it reads from the two tables of
//! cosines: how alike positions at each distance are, on average and at
//! the most and least alike pair.

use crate::platform::params::int_in_range;
use crate::platform::route::Route;

pub const SLUG: &str = "learned-positions";
pub const MIN_N: usize = 8;
/// BERT-style models have 512 positions; a link may ask for fewer.
pub const MAX_N: usize = 512;
/// The distances the facts and the summary report.
pub const OFFSETS: [usize; 4] = [1, 4, 32, 128];

#[derive(Clone, Debug, PartialEq)]
pub struct LearnedPositionsState {
    /// Positions `0..n` are shown.
    pub n: usize,
}

impl Default for LearnedPositionsState {
    fn default() -> Self {
        LearnedPositionsState::from_route(&Route::new(SLUG)).0
    }
}

impl LearnedPositionsState {
    pub fn from_route(route: &Route) -> (Self, Vec<String>) {
        let mut notes = Vec::new();
        let n = int_in_range("Positions", route.get("n"), MAX_N, MIN_N, MAX_N, &mut notes);
        (LearnedPositionsState { n }, notes)
    }

    pub fn to_route(&self) -> Route {
        Route::with_query(SLUG, vec![("n".into(), self.n.to_string())])
    }
}

impl crate::platform::section_state::RouteState for LearnedPositionsState {
    fn from_route(route: &Route) -> (Self, Vec<String>) {
        LearnedPositionsState::from_route(route)
    }

    fn to_route(&self) -> Route {
        LearnedPositionsState::to_route(self)
    }
}

/// The cosines of all pairs of positions `offset` apart, among `0..n` of a
/// `size × size` row-major table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AtOffset {
    pub offset: usize,
    pub mean: f64,
    pub min: f32,
    pub max: f32,
}

pub fn at_offset(table: &[f32], size: usize, n: usize, offset: usize) -> Option<AtOffset> {
    let n = n.min(size);
    if offset >= n || table.len() != size * size {
        return None;
    }
    let values: Vec<f32> = (0..n - offset)
        .map(|p| table[p * size + p + offset])
        .collect();
    Some(AtOffset {
        offset,
        mean: values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64,
        min: values.iter().copied().fold(f32::INFINITY, f32::min),
        max: values.iter().copied().fold(f32::NEG_INFINITY, f32::max),
    })
}

/// The top-left `n × n` block of a `size × size` table.
pub fn top_left(table: &[f32], size: usize, n: usize) -> Vec<f32> {
    let n = n.min(size);
    (0..n)
        .flat_map(|p| table[p * size..p * size + n].iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_read_along_diagonals() {
        // 3 × 3: cos(p, q) = 1 − |p − q| / 10, except one odd pair
        let mut t: Vec<f32> = (0..9)
            .map(|i| 1.0 - ((i / 3) as f32 - (i % 3) as f32).abs() / 10.0)
            .collect();
        t[5] = 0.5; // (1, 2)
        let one = at_offset(&t, 3, 3, 1).unwrap();
        assert_eq!((one.min, one.max), (0.5, 0.9));
        assert!((one.mean - 0.7).abs() < 1e-6);
        assert_eq!(at_offset(&t, 3, 2, 1).unwrap().mean as f32, 0.9);
        assert!(at_offset(&t, 3, 3, 3).is_none());
        assert_eq!(top_left(&t, 3, 2), vec![1.0, 0.9, 0.9, 1.0]);
    }

    #[test]
    fn links_are_clamped() {
        let (s, notes) = LearnedPositionsState::from_route(&Route::parse("#/learned-positions"));
        assert_eq!((s.n, notes.len()), (MAX_N, 0));
        let (s, notes) =
            LearnedPositionsState::from_route(&Route::parse("#/learned-positions?n=3"));
        assert_eq!((s.n, notes.len()), (MIN_N, 1));
        let s = LearnedPositionsState { n: 64 };
        assert_eq!(
            LearnedPositionsState::from_route(&Route::parse(&s.to_route().to_hash())).0,
            s
        );
    }
}
