//! The note that goes wherever exact numbers from the model are shown: the
//! default download is the half-precision copy of the weights, which moves
//! attention weights by up to about 0.001 against the float32 original.

use crate::state::model_store::ModelStore;
use leptos::prelude::*;

/// Whether the loaded model's weights are the half-precision copy.
pub fn is_half_precision(weights_file: &str) -> bool {
    weights_file.contains("f16") || weights_file.contains("fp16")
}

/// Shown while the loaded model runs on f16 weights.
#[component]
pub fn PrecisionNote(testid: &'static str) -> impl IntoView {
    let store = ModelStore::get();
    move || {
        let info = store.info()?;
        is_half_precision(&info.weights_file).then(|| view! {
            <p class="note" data-testid=testid>
                {format!(
                    "These numbers come from {} (half precision, half the download): they can differ \
                     from the float32 original by up to about 0.001. Choose f32 weights in “Attention, live” \
                     for the exact numbers.",
                    info.weights_file
                )}
            </p>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_half_precision_files_are_recognised() {
        assert!(is_half_precision("model.f16.safetensors"));
        assert!(!is_half_precision("model.safetensors"));
    }
}
