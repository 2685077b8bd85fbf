//! Which backend runs one input: the reader's setting, whether WebGPU is
//! ready, and a calibration per length bucket. Plain Rust, tested natively;
//! the worker carries out the [`Plan`].
//!
//! Why buckets: the GPU pays a fixed cost per pass (dispatches, readback)
//! while the CPU's cost grows with length, so which is faster depends on the
//! number of tokens. Lengths are grouped by powers of two (≤16, ≤32, … ≤512):
//! the first input of each group is timed on both backends, and later inputs
//! of that group use the faster one.

use super::protocol::{Backend, BackendChoice, CalibrationPoint, GpuState};

/// The shortest bucket: below 16 tokens every pass is quick.
const MIN_BUCKET: usize = 16;

/// The bucket an input of `tokens` falls in (its upper bound).
pub fn bucket(tokens: usize) -> usize {
    tokens.max(1).next_power_of_two().max(MIN_BUCKET)
}

/// What to do with one input.
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    Run(Backend),
    /// The CPU, although the reader asked for WebGPU; the reason is shown.
    CpuInstead(String),
    /// Answer from the CPU, then time WebGPU on the same input.
    Calibrate,
    /// The reader asked for WebGPU and it is still starting: wait.
    WaitForGpu,
}

/// The measured buckets of the current model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Calibration {
    points: Vec<CalibrationPoint>,
    /// A GPU timing is under way; other inputs do not start a second one.
    pub in_progress: bool,
}

impl Calibration {
    /// The measurement of `tokens`'s bucket, if taken.
    pub fn for_tokens(&self, tokens: usize) -> Option<&CalibrationPoint> {
        let max_tokens = bucket(tokens);
        self.points.iter().find(|p| p.max_tokens == max_tokens)
    }

    /// Stores (or replaces) the timing of `tokens`'s bucket.
    pub fn record(&mut self, tokens: usize, cpu_ms: f64, gpu_ms: Option<f64>) -> &CalibrationPoint {
        let point = CalibrationPoint {
            max_tokens: bucket(tokens),
            tokens,
            cpu_ms,
            gpu_ms,
        };
        self.points.retain(|p| p.max_tokens != point.max_tokens);
        let at = self
            .points
            .partition_point(|p| p.max_tokens < point.max_tokens);
        self.points.insert(at, point);
        &self.points[at]
    }

    /// Shortest bucket first.
    pub fn points(&self) -> &[CalibrationPoint] {
        &self.points
    }
}

/// Decides how to run an input of `tokens` tokens.
pub fn plan(
    choice: BackendChoice,
    gpu: &GpuState,
    calibration: &Calibration,
    tokens: usize,
) -> Plan {
    match (choice, gpu) {
        (BackendChoice::Cpu, _) => Plan::Run(Backend::Cpu),
        (BackendChoice::Gpu, GpuState::Ready { .. }) => Plan::Run(Backend::Gpu),
        (BackendChoice::Gpu, GpuState::Starting) => Plan::WaitForGpu,
        (BackendChoice::Gpu, GpuState::Unavailable { reason } | GpuState::Failed { reason }) => {
            Plan::CpuInstead(format!(
                "WebGPU is not usable here ({reason}); this ran on the CPU."
            ))
        }
        (BackendChoice::Gpu, GpuState::Unknown) => {
            Plan::CpuInstead("WebGPU has not started yet; this ran on the CPU.".into())
        }
        (BackendChoice::Auto, GpuState::Ready { .. }) => match calibration.for_tokens(tokens) {
            Some(point) => Plan::Run(point.winner()),
            None if calibration.in_progress => Plan::Run(Backend::Cpu),
            None => Plan::Calibrate,
        },
        // Until WebGPU is ready (or where it never will be) the CPU answers.
        (BackendChoice::Auto, _) => Plan::Run(Backend::Cpu),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::GpuAdapter;

    fn ready() -> GpuState {
        GpuState::Ready {
            adapter: GpuAdapter {
                name: "test adapter".into(),
                software: false,
            },
        }
    }

    #[test]
    fn lengths_fall_in_power_of_two_buckets_from_16() {
        let buckets: Vec<usize> = [1, 9, 16, 17, 100, 128, 129, 512]
            .into_iter()
            .map(bucket)
            .collect();
        assert_eq!(buckets, [16, 16, 16, 32, 128, 128, 256, 512]);
    }

    #[test]
    fn automatic_calibrates_each_bucket_once_then_uses_the_winner() {
        let mut cal = Calibration::default();
        let auto = BackendChoice::Auto;
        assert_eq!(plan(auto, &ready(), &cal, 9), Plan::Calibrate);
        cal.in_progress = true;
        // While one timing runs, others do not start a second one.
        assert_eq!(plan(auto, &ready(), &cal, 100), Plan::Run(Backend::Cpu));
        cal.in_progress = false;
        cal.record(9, 30.0, Some(90.0));
        cal.record(100, 400.0, Some(120.0));
        assert_eq!(plan(auto, &ready(), &cal, 14), Plan::Run(Backend::Cpu));
        assert_eq!(plan(auto, &ready(), &cal, 128), Plan::Run(Backend::Gpu));
        assert_eq!(plan(auto, &ready(), &cal, 200), Plan::Calibrate);
        let maxima: Vec<usize> = cal.points().iter().map(|p| p.max_tokens).collect();
        assert_eq!(maxima, [16, 128]);
        // A new timing of a bucket replaces the old one.
        cal.record(12, 30.0, Some(10.0));
        assert_eq!(cal.points().len(), 2);
        assert_eq!(plan(auto, &ready(), &cal, 5), Plan::Run(Backend::Gpu));
    }

    #[test]
    fn automatic_uses_the_cpu_until_webgpu_is_ready() {
        let cal = Calibration::default();
        for gpu in [
            GpuState::Unknown,
            GpuState::Starting,
            GpuState::Unavailable {
                reason: "no adapter".into(),
            },
            GpuState::Failed {
                reason: "device lost".into(),
            },
        ] {
            assert_eq!(
                plan(BackendChoice::Auto, &gpu, &cal, 9),
                Plan::Run(Backend::Cpu),
                "{gpu:?}"
            );
        }
    }

    #[test]
    fn an_explicit_choice_overrides_the_calibration() {
        let mut cal = Calibration::default();
        cal.record(9, 10.0, Some(500.0));
        assert_eq!(
            plan(BackendChoice::Gpu, &ready(), &cal, 9),
            Plan::Run(Backend::Gpu)
        );
        assert_eq!(
            plan(BackendChoice::Cpu, &ready(), &cal, 9),
            Plan::Run(Backend::Cpu)
        );
        assert_eq!(
            plan(BackendChoice::Gpu, &GpuState::Starting, &cal, 9),
            Plan::WaitForGpu
        );
        let lost = GpuState::Failed {
            reason: "the GPU device was lost".into(),
        };
        match plan(BackendChoice::Gpu, &lost, &cal, 9) {
            Plan::CpuInstead(why) => assert!(why.contains("device was lost"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
