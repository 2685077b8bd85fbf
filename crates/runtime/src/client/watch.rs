//! The client's side of the [`Watchdog`]: a one-second clock that runs
//! while a load or a run is awaited, and stops the worker that missed its
//! deadline.

use super::Inner;
#[cfg(doc)]
use super::Watchdog;
use wasm_bindgen::JsCast;

/// How often the watchdog looks, while it waits for something.
const WATCH_EVERY_MS: i32 = 1_000;

/// The page's clock.
pub(super) fn now_ms() -> f64 {
    js_sys::Date::now()
}

impl Inner {
    /// Starts the watchdog's clock, if it is not running.
    pub(super) fn watch(&self) {
        if self.ticking.get().is_some() {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let tick = self.tick.borrow();
        let Some(tick) = tick.as_ref() else { return };
        match window.set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            WATCH_EVERY_MS,
        ) {
            Ok(handle) => self.ticking.set(Some(handle)),
            Err(e) => web_sys::console::warn_1(
                &format!(
                    "Attend: no watchdog for the model worker: {}",
                    crate::fetch::js_error_text(&e)
                )
                .into(),
            ),
        }
    }

    pub(super) fn stop_watching(&self) {
        if let (Some(handle), Some(window)) = (self.ticking.take(), web_sys::window()) {
            window.clear_interval_with_handle(handle);
        }
    }

    /// A worker past its deadline is treated as crashed.
    pub(super) fn on_tick(&self) {
        let (stall, waiting, serial) = {
            let state = self.state.borrow();
            (
                state.watchdog.overdue(now_ms()),
                state.watchdog.is_waiting(),
                state.worker.as_ref().map(|w| w.serial),
            )
        };
        match (stall, serial) {
            (Some(stall), Some(serial)) => self.lose_worker(serial, stall.to_string()),
            _ if !waiting || serial.is_none() => self.stop_watching(),
            _ => {}
        }
    }
}

impl Drop for Inner {
    /// The interval would otherwise call a closure that is gone.
    fn drop(&mut self) {
        self.stop_watching();
    }
}
