//! Which engine runs the BERT forward pass. Both give the same
//! [`crate::BertOutput`] within float rounding; they differ only in speed,
//! which depends on the machine and the sentence length (the GPU pays a fixed
//! cost per pass that only long inputs repay).

use serde::{Deserialize, Serialize};

/// The engine behind a forward pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// [`crate::BertModel`]: packed SIMD matrix products on the CPU.
    Cpu,
    /// `gpu::GpuBert` (feature `gpu`): WGSL kernels through wgpu — WebGPU
    /// in a browser, Vulkan or Metal natively.
    Gpu,
}

impl Backend {
    pub const ALL: [Backend; 2] = [Backend::Cpu, Backend::Gpu];

    /// The name used in links and on the command line: `cpu`, `gpu`.
    pub fn slug(self) -> &'static str {
        match self {
            Backend::Cpu => "cpu",
            Backend::Gpu => "gpu",
        }
    }

    /// Reads a [`Backend::slug`]; case and surrounding space are ignored.
    pub fn parse(raw: &str) -> Option<Backend> {
        let raw = raw.trim();
        Backend::ALL
            .into_iter()
            .find(|b| b.slug().eq_ignore_ascii_case(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_unknown_names_are_none() {
        for b in Backend::ALL {
            assert_eq!(Backend::parse(b.slug()), Some(b));
        }
        assert_eq!(Backend::parse(" GPU "), Some(Backend::Gpu));
        assert_eq!(Backend::parse("webgl"), None);
        assert_eq!(serde_json::to_string(&Backend::Gpu).unwrap(), "\"gpu\"");
    }
}
