//! Attention across heads and layers: the mean of a layer, the rollout
//! through all layers, and hiding the special tokens.

use super::head_stats::{check_head, check_weights};
use super::*;
use crate::attention::Matrix;

/// The element-wise mean of the heads of one layer (all the same shape).
pub fn mean_over_heads(layer: &[Matrix]) -> Result<Matrix, AnalysisError> {
    let first = layer.first().ok_or(AnalysisError::NoHeads)?;
    let mut sum = vec![0.0f64; first.data().len()];
    for (index, head) in layer.iter().enumerate() {
        if head.shape() != first.shape() {
            return Err(AnalysisError::InconsistentShape {
                what: "head",
                index,
                expected: first.shape(),
                found: head.shape(),
            });
        }
        for (s, &x) in sum.iter_mut().zip(head.data()) {
            *s += x as f64;
        }
    }
    let count = layer.len() as f64;
    let data = sum.into_iter().map(|s| (s / count) as f32).collect();
    Ok(Matrix::new(first.rows(), first.cols(), data)?)
}

/// Attention rollout (Abnar & Zuidema, 2020): how much each input token
/// flows into each token at the top, through every layer.
///
/// `layers_mean[0]` is the first layer (closest to the input), e.g. from
/// [`mean_over_heads`]. Each layer is first mixed with the residual
/// connection, `Â_l = rownorm(A_l + I)` (for rows summing to 1 this is the
/// paper's `0.5·A + 0.5·I`), then the layers are chained from the input up:
///
/// `R = Â_L · Â_{L−1} · … · Â_1`
///
/// so `R[i, j]` is the share of top-layer token `i` that comes from input
/// token `j`. A product of matrices whose rows sum to 1 has rows summing to
/// 1, so every row of `R` does too.
pub fn rollout(layers_mean: &[Matrix]) -> Result<Matrix, AnalysisError> {
    let first = layers_mean.first().ok_or(AnalysisError::NoLayers)?;
    let (rows, cols) = first.shape();
    if rows != cols {
        return Err(AnalysisError::NotSquare { rows, cols });
    }
    if rows == 0 {
        return Err(AnalysisError::Empty);
    }
    let mut flow: Option<Matrix> = None;
    for (index, layer) in layers_mean.iter().enumerate() {
        if layer.shape() != first.shape() {
            return Err(AnalysisError::InconsistentShape {
                what: "layer",
                index,
                expected: first.shape(),
                found: layer.shape(),
            });
        }
        check_weights(layer)?;
        let mut mixed = layer.clone();
        for i in 0..rows {
            let row = mixed.row_slice_mut(i);
            row[i] += 1.0;
            // ≥ 1 thanks to the identity, so the division is always safe.
            let total: f32 = row.iter().sum();
            row.iter_mut().for_each(|x| *x /= total);
        }
        // Later layers multiply from the left.
        flow = Some(match flow {
            None => mixed,
            Some(below) => mixed.matmul(&below)?,
        });
    }
    // `layers_mean` is non-empty, so the loop ran at least once.
    flow.ok_or(AnalysisError::NoLayers)
}

/// Removes the rows and columns of special tokens (e.g. `[CLS]`, `[SEP]`)
/// and renormalises every remaining row to sum to 1, so the attention
/// between ordinary words becomes visible when sinks dominate the picture.
///
/// Returns the smaller matrix and the original indices of the tokens kept,
/// in order. A row whose whole weight sat on removed tokens has nothing left
/// to renormalise; it becomes uniform over the kept tokens, "no preference",
/// so that every row still sums to 1 and no NaN appears. If every token is
/// special the result is a 0×0 matrix.
pub fn hide_special<S: AsRef<str>>(
    matrix: &Matrix,
    tokens: &[S],
    special: &[&str],
) -> Result<(Matrix, Vec<usize>), AnalysisError> {
    check_head(matrix, tokens)?;
    let kept: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !special.contains(&t.as_ref()))
        .map(|(i, _)| i)
        .collect();
    let k = kept.len();
    let mut data = Vec::with_capacity(k * k);
    for &i in &kept {
        let row = matrix.row_slice(i);
        let picked: Vec<f32> = kept.iter().map(|&j| row[j]).collect();
        let total: f64 = picked.iter().map(|&w| w as f64).sum();
        if total > 0.0 {
            data.extend(picked.iter().map(|&w| (w as f64 / total) as f32));
        } else {
            data.extend(std::iter::repeat_n(1.0 / k as f32, k));
        }
    }
    Ok((Matrix::new(k, k, data)?, kept))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use crate::attention::test_util::{assert_close, m};

    #[test]
    fn rollout_of_identity_layers_is_identity() {
        let eye = Matrix::identity(3);
        assert_eq!(
            rollout(&[eye.clone(), eye.clone(), eye.clone()]).unwrap(),
            eye
        );
    }

    #[test]
    fn rollout_two_by_two_by_hand() {
        // Layer 1: everyone looks at token 0.  A₁ + I = [[2, 0], [1, 1]],
        //   Â₁ = [[1, 0], [0.5, 0.5]].
        // Layer 2: everyone looks at token 1.  A₂ + I = [[1, 1], [0, 2]],
        //   Â₂ = [[0.5, 0.5], [0, 1]].
        // R = Â₂ · Â₁ = [[0.5·1 + 0.5·0.5, 0.5·0 + 0.5·0.5], [0·1 + 1·0.5, 0 + 1·0.5]]
        //   = [[0.75, 0.25], [0.5, 0.5]].
        // (The other order, Â₁ · Â₂, would give [[0.5, 0.5], [0.25, 0.75]].)
        let a1 = m(&[&[1.0, 0.0], &[1.0, 0.0]]);
        let a2 = m(&[&[0.0, 1.0], &[0.0, 1.0]]);
        let r = rollout(&[a1, a2]).unwrap();
        assert_close(r.data(), &[0.75, 0.25, 0.5, 0.5]);
    }

    #[test]
    fn rollout_rows_sum_to_one() {
        let a = m(&[&[0.2, 0.3, 0.5], &[0.6, 0.1, 0.3], &[0.0, 0.9, 0.1]]);
        let b = m(&[&[0.1, 0.1, 0.8], &[0.3, 0.3, 0.4], &[0.5, 0.0, 0.5]]);
        let r = rollout(&[a.clone(), b, a]).unwrap();
        for sum in r.row_sums() {
            assert!((sum - 1.0).abs() < 1e-5);
        }
        assert_eq!(rollout(&[]), Err(AnalysisError::NoLayers));
        assert!(matches!(
            rollout(&[Matrix::identity(2), Matrix::identity(3)]),
            Err(AnalysisError::InconsistentShape {
                what: "layer",
                index: 1,
                ..
            })
        ));
    }

    #[test]
    fn mean_over_heads_by_hand() {
        let h0 = m(&[&[1.0, 0.0], &[0.0, 1.0]]);
        let h1 = m(&[&[0.0, 1.0], &[0.5, 0.5]]);
        let mean = mean_over_heads(&[h0, h1]).unwrap();
        assert_close(mean.data(), &[0.5, 0.5, 0.25, 0.75]);
        assert_eq!(mean_over_heads(&[]), Err(AnalysisError::NoHeads));
    }

    #[test]
    fn hide_special_renormalises() {
        let tokens = ["[CLS]", "a", "b", "c", "[SEP]"];
        let a = m(&[
            &[0.2, 0.2, 0.2, 0.2, 0.2],
            // [0.1, 0.2, 0.1] / 0.4 = [0.25, 0.5, 0.25]
            &[0.5, 0.1, 0.2, 0.1, 0.1],
            // nothing left on a, b, c: uniform
            &[0.2, 0.0, 0.0, 0.0, 0.8],
            // [0.6, 0.1, 0.1] / 0.8 = [0.75, 0.125, 0.125]
            &[0.1, 0.6, 0.1, 0.1, 0.1],
            &[0.0, 0.0, 0.0, 0.0, 1.0],
        ]);
        let (hidden, kept) = hide_special(&a, &tokens, &[CLS_TOKEN, SEP_TOKEN]).unwrap();
        assert_eq!(kept, vec![1, 2, 3]);
        let third = 1.0 / 3.0;
        assert_close(
            hidden.data(),
            &[0.25, 0.5, 0.25, third, third, third, 0.75, 0.125, 0.125],
        );
        let (nothing, kept) = hide_special(&m(&[&[1.0]]), &["[CLS]"], &["[CLS]"]).unwrap();
        assert_eq!((nothing.shape(), kept.len()), ((0, 0), 0));
    }
}
