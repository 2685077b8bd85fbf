//! What the worker says, turned into the client's bookkeeping and the UI's
//! [`ClientEvent`]s (the other half of [`super::Inner`]).

use super::watch::now_ms;
use super::{
    version_mismatch, wire, AttentionResult, ClientEvent, FromWorker, Inner, PositionCosines,
    QkvArrays, Tokenized, PROTOCOL_VERSION,
};
use std::rc::Rc;
use wasm_bindgen::JsValue;

impl Inner {
    pub(super) fn on_message(&self, serial: u64, data: &JsValue) {
        if !self.is_current(serial) {
            return;
        }
        self.state.borrow_mut().watchdog.heard(now_ms());
        let (message, buffers) = match wire::receive::<FromWorker>(data) {
            Ok(parsed) => parsed,
            Err(why) => {
                web_sys::console::error_1(&format!("Attend: {why}").into());
                return;
            }
        };
        match message {
            FromWorker::Started { protocol } if protocol != PROTOCOL_VERSION => {
                self.on_worker_error(serial, Some(&version_mismatch(protocol)));
            }
            FromWorker::Started { .. } => {
                let waiting = {
                    let mut state = self.state.borrow_mut();
                    state.started = true;
                    state.waiting_load.take()
                };
                if let Some(packed) = waiting {
                    self.post_load(&packed);
                }
            }
            FromWorker::Progress {
                file,
                received_bytes,
                total_bytes,
                from_cache,
            } => self.emit(ClientEvent::Progress {
                file,
                received_bytes,
                total_bytes,
                from_cache,
            }),
            FromWorker::Loaded { info } => {
                {
                    let mut state = self.state.borrow_mut();
                    state.queue.load_finished(true);
                    state.watchdog.load_finished();
                    state.model = Some(info.clone());
                }
                self.emit(ClientEvent::Loaded(info));
            }
            FromWorker::LoadFailed { message } => {
                {
                    let mut state = self.state.borrow_mut();
                    state.queue.load_finished(false);
                    state.watchdog.load_finished();
                }
                self.emit(ClientEvent::LoadFailed(message));
            }
            FromWorker::Result { request_id, meta } => {
                let deliver = {
                    let mut state = self.state.borrow_mut();
                    state.watchdog.run_answered(request_id);
                    state.queue.answered(request_id)
                };
                // The newest text goes to the worker before this result is
                // unpacked and drawn, so the two overlap.
                self.pump();
                if let Some(request) = deliver {
                    crate::perf_marks::result(&request.text);
                    let result = wire::js_to_floats(&buffers, 0, "attentions").and_then(|att| {
                        let emb = wire::js_to_floats(&buffers, 1, "embedding")?;
                        let qkv = match meta.qkv.clone() {
                            Some(m) => Some(QkvArrays::new(
                                &m,
                                meta.tokens.len(),
                                wire::js_to_floats(&buffers, 2, "queries")?,
                                wire::js_to_floats(&buffers, 3, "keys")?,
                                wire::js_to_floats(&buffers, 4, "values")?,
                            )?),
                            None => None,
                        };
                        let mut result = AttentionResult::new(request, meta, att, emb)?;
                        result.qkv = qkv;
                        Ok(result)
                    });
                    match result {
                        Ok(result) => self.emit(ClientEvent::Result(Rc::new(result))),
                        Err(why) => self.emit(ClientEvent::RunFailed(why.to_string())),
                    }
                }
            }
            FromWorker::Backend { status } => self.emit(ClientEvent::Backend(status)),
            FromWorker::Stored { not_stored } => self.emit(ClientEvent::Stored { not_stored }),
            FromWorker::Tokenized {
                text,
                pair,
                outcome,
            } => self.emit(ClientEvent::Tokenized(Rc::new(Tokenized {
                text,
                pair,
                outcome,
            }))),
            FromWorker::StoredCopyChanged { message } => {
                self.emit(ClientEvent::StoredCopyChanged(message))
            }
            FromWorker::Positions {
                model,
                positions,
                hidden,
            } => {
                let table = wire::js_to_floats(&buffers, 0, "position cosines")
                    .and_then(|c| PositionCosines::new(model, positions, hidden, c));
                match table {
                    Ok(table) => self.emit(ClientEvent::Positions(Rc::new(table))),
                    Err(why) => web_sys::console::error_1(&format!("Attend: {why}").into()),
                }
            }
            FromWorker::RunFailed {
                request_id,
                message,
            } => {
                let deliver = {
                    let mut state = self.state.borrow_mut();
                    state.watchdog.run_answered(request_id);
                    state.queue.failed(request_id)
                };
                if deliver.is_some() {
                    self.emit(ClientEvent::RunFailed(message));
                }
            }
        }
        self.pump();
    }
}
