//! Presenter mode steps through a section one panel at a time: a panel
//! starts at the section's title or at one of its `<h2>` headings. This is
//! the arithmetic of that stepping, kept free of the DOM so it is tested.

/// How far below the top of the screen a heading may sit and still count
/// as "the panel being shown" (a smooth scroll can stop a pixel short).
pub const TOP_SLACK_PX: f64 = 48.0;

/// Where a step leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelStep {
    /// Scroll this panel (index into the headings) to the top.
    Panel(usize),
    /// Past the last panel: the next section.
    NextSection,
    /// Before the first panel: the previous section.
    PreviousSection,
}

/// The panel being shown: the last heading whose top is at or above the
/// top of the screen (plus slack). `tops_px` are the headings' tops relative
/// to the viewport, in document order.
pub fn current_panel(tops_px: &[f64]) -> usize {
    tops_px
        .iter()
        .rposition(|&top| top <= TOP_SLACK_PX)
        .unwrap_or(0)
}

/// One step forward (`forward`) or back from what is shown now.
pub fn step(tops_px: &[f64], forward: bool) -> PanelStep {
    if tops_px.is_empty() {
        return if forward {
            PanelStep::NextSection
        } else {
            PanelStep::PreviousSection
        };
    }
    let here = current_panel(tops_px);
    // Scrolled part-way into a panel: "back" first returns to its start.
    let at_start = tops_px[here] >= -TOP_SLACK_PX;
    match (forward, here) {
        (true, h) if h + 1 < tops_px.len() => PanelStep::Panel(h + 1),
        (true, _) => PanelStep::NextSection,
        (false, h) if !at_start => PanelStep::Panel(h),
        (false, 0) => PanelStep::PreviousSection,
        (false, h) => PanelStep::Panel(h - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_panel_is_the_last_heading_at_the_top() {
        assert_eq!(current_panel(&[0.0, 700.0, 1400.0]), 0);
        assert_eq!(current_panel(&[-700.0, 0.0, 700.0]), 1);
        assert_eq!(current_panel(&[-1400.0, -700.0, 30.0]), 2);
        // A heading 200 px down is not yet "shown as a panel".
        assert_eq!(current_panel(&[-500.0, 200.0]), 0);
        // Before the first heading (the page's top padding).
        assert_eq!(current_panel(&[90.0, 800.0]), 0);
    }

    #[test]
    fn forward_moves_one_panel_then_leaves_the_section() {
        assert_eq!(step(&[0.0, 700.0, 1400.0], true), PanelStep::Panel(1));
        assert_eq!(step(&[-700.0, 0.0, 700.0], true), PanelStep::Panel(2));
        assert_eq!(step(&[-1400.0, -700.0, 0.0], true), PanelStep::NextSection);
        assert_eq!(step(&[], true), PanelStep::NextSection);
    }

    #[test]
    fn back_returns_to_the_panel_start_before_going_further() {
        assert_eq!(step(&[-700.0, 0.0, 700.0], false), PanelStep::Panel(0));
        assert_eq!(step(&[0.0, 700.0], false), PanelStep::PreviousSection);
        // Half-way through panel 1: back shows panel 1 from its start.
        assert_eq!(step(&[-1100.0, -400.0, 300.0], false), PanelStep::Panel(1));
        assert_eq!(step(&[], false), PanelStep::PreviousSection);
    }
}
