//! "Nice" tick positions: steps of 1, 2 or 5 times a power of ten.

/// The nice step that gives at most `max_ticks` ticks over `span`.
pub fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let max_ticks = max_ticks.max(2) as f64;
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / (max_ticks - 1.0);
    let mag = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * mag >= raw {
            return m * mag;
        }
    }
    10.0 * mag
}

/// Multiples of a nice step inside `[lo, hi]`.
pub fn nice_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    let step = nice_step(hi - lo, max_ticks);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            // -0 prints as "-0"
            if v == 0.0 {
                0.0
            } else {
                v
            }
        })
        .collect()
}

/// Integer ticks `0, s, 2s, …` below `n` (cell indices), at most `max_ticks`.
pub fn index_ticks(n: usize, max_ticks: usize) -> Vec<usize> {
    if n == 0 {
        return vec![];
    }
    let step = nice_step((n - 1) as f64, max_ticks).max(1.0).round() as usize;
    (0..n).step_by(step).collect()
}

/// Decimals needed to tell ticks `step` apart.
pub fn decimals_for(step: f64) -> usize {
    if step >= 1.0 || step <= 0.0 {
        0
    } else {
        (-step.log10()).ceil().max(0.0) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_range() {
        assert_eq!(nice_ticks(-1.0, 1.0, 5), vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
    }

    #[test]
    fn indices() {
        assert_eq!(index_ticks(2048, 9), vec![0, 500, 1000, 1500, 2000]);
        assert_eq!(index_ticks(5, 9), vec![0, 1, 2, 3, 4]);
        assert_eq!(index_ticks(1, 9), vec![0]);
    }

    #[test]
    fn decimals() {
        assert_eq!(decimals_for(0.5), 1);
        assert_eq!(decimals_for(0.05), 2);
        assert_eq!(decimals_for(2.0), 0);
    }
}
