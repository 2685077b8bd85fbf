//! The run bookkeeping of the model client, without a browser: request
//! ids, the run in flight, the one waiting, and whether the worker can run.
//! Latest wins: at most one run is in flight and one waits behind it; a
//! newer request replaces the waiting one.

/// One run as sent to the worker.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRequest {
    pub request_id: u64,
    pub text: String,
    pub pair: Option<String>,
    /// Also return this layer's Q, K, V.
    pub qkv_layer: Option<usize>,
}

/// request in flight, the one waiting, and whether the worker can run.
#[derive(Clone, Debug, Default)]
pub struct RequestQueue {
    last_id: u64,
    in_flight: Option<RunRequest>,
    pending: Option<RunRequest>,
    /// The worker holds a model (from an earlier successful load).
    has_model: bool,
    /// A load is under way: runs wait for its outcome.
    loading: bool,
    /// The run in flight was sent to the model a load has since replaced:
    /// its answer is not delivered.
    flight_outdated: bool,
}

impl RequestQueue {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a run of `text` (and `pair`) as the newest request, replacing
    /// any waiting one; returns its id. Send what [`Self::take_next`] returns.
    pub fn request(&mut self, text: String, pair: Option<String>) -> u64 {
        self.request_with(text, pair, None)
    }

    /// [`Self::request`], also asking for one layer's Q, K, V.
    pub fn request_with(
        &mut self,
        text: String,
        pair: Option<String>,
        qkv_layer: Option<usize>,
    ) -> u64 {
        self.last_id += 1;
        self.pending = Some(RunRequest {
            request_id: self.last_id,
            text,
            pair,
            qkv_layer,
        });
        self.last_id
    }

    /// The request to send now, if any: the waiting one, when nothing is in
    /// flight and a model is ready. It is then in flight.
    pub fn take_next(&mut self) -> Option<RunRequest> {
        if self.in_flight.is_some() || !self.is_ready() {
            return None;
        }
        let request = self.pending.take()?;
        self.in_flight = Some(request.clone());
        Some(request)
    }

    /// A result for `request_id` arrived. Returns the request it answers if
    /// it is to be drawn: any answer to the run in flight, even when newer
    /// text is waiting, so the map follows fast typing. It can never land
    /// after a newer one: one run is in flight at a time, and the worker
    /// answers in order. Not delivered: answers from a model a load has
    /// replaced, and ids that are not in flight (a replaced worker).
    pub fn answered(&mut self, request_id: u64) -> Option<RunRequest> {
        if self.in_flight.as_ref()?.request_id != request_id {
            return None;
        }
        let request = self.in_flight.take()?;
        let outdated = std::mem::take(&mut self.flight_outdated);
        (!outdated).then_some(request)
    }

    /// A run failed. Only the newest request's failure is reported: an older
    /// text's error means nothing once the reader has typed on.
    pub fn failed(&mut self, request_id: u64) -> Option<RunRequest> {
        self.answered(request_id)
            .filter(|request| request.request_id == self.last_id)
    }

    /// A load was sent: new runs wait for its outcome, and the run in flight
    /// (on the old model) will not be delivered.
    pub fn load_started(&mut self) {
        self.loading = true;
        self.flight_outdated = self.in_flight.is_some();
    }

    /// The load finished; a failed one leaves the earlier model (if any).
    pub fn load_finished(&mut self, ok: bool) {
        self.loading = false;
        self.has_model |= ok;
    }

    /// The worker died: its model and the run in flight are gone. The
    /// waiting request (if any) stays, for the next worker.
    pub fn worker_lost(&mut self) {
        self.in_flight = None;
        self.flight_outdated = false;
        self.has_model = false;
        self.loading = false;
    }

    /// Whether runs can be sent.
    pub fn is_ready(&self) -> bool {
        self.has_model && !self.loading
    }

    /// Id of the most recent request (0 before any).
    pub fn newest(&self) -> u64 {
        self.last_id
    }

    pub fn in_flight(&self) -> Option<&RunRequest> {
        self.in_flight.as_ref()
    }

    pub fn pending(&self) -> Option<&RunRequest> {
        self.pending.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(q: &mut RequestQueue) -> Option<(u64, String)> {
        q.take_next().map(|r| (r.request_id, r.text))
    }

    fn ready_queue() -> RequestQueue {
        let mut q = RequestQueue::new();
        q.load_started();
        q.load_finished(true);
        q
    }

    #[test]
    fn runs_wait_for_a_model() {
        let mut q = RequestQueue::new();
        q.request("a".into(), None);
        assert_eq!(sent(&mut q), None);
        q.load_started();
        q.request("b".into(), None);
        assert_eq!(sent(&mut q), None);
        q.load_finished(false);
        assert_eq!(sent(&mut q), None, "a failed first load leaves no model");
        q.load_started();
        q.load_finished(true);
        assert_eq!(
            sent(&mut q),
            Some((2, "b".into())),
            "only the newest is sent"
        );
        assert_eq!(q.answered(2).map(|r| r.text), Some("b".into()));
        assert_eq!(sent(&mut q), None);
    }

    #[test]
    fn latest_wins_while_one_is_in_flight() {
        let mut q = ready_queue();
        assert_eq!(q.request("a".into(), None), 1);
        assert_eq!(sent(&mut q), Some((1, "a".into())));
        q.request("b".into(), None);
        q.request("c".into(), Some("d".into()));
        assert_eq!(sent(&mut q), None, "one in flight at a time");
        assert_eq!(q.pending().map(|r| r.request_id), Some(3));
        // The answer to "a" is older than "c" but still drawn (the map
        // follows typing); "c" goes out next, "b" never.
        assert_eq!(q.answered(1).map(|r| r.text), Some("a".into()));
        let next = q.take_next().unwrap();
        assert_eq!((next.request_id, next.pair.as_deref()), (3, Some("d")));
        let delivered = q.answered(3).unwrap();
        assert_eq!((delivered.request_id, delivered.text.as_str()), (3, "c"));
        assert_eq!(q.newest(), 3);
        assert!(q.in_flight().is_none() && q.pending().is_none());
    }

    #[test]
    fn only_the_newest_failure_is_reported() {
        let mut q = ready_queue();
        q.request("a".into(), None);
        q.take_next();
        q.request("b".into(), None);
        assert_eq!(q.failed(1), None, "a is older than b");
        assert_eq!(sent(&mut q), Some((2, "b".into())), "b still goes out");
        assert_eq!(q.failed(2).map(|r| r.text), Some("b".into()));
    }

    #[test]
    fn unknown_and_repeated_answers_are_ignored() {
        let mut q = ready_queue();
        q.request("a".into(), None);
        q.take_next();
        assert_eq!(q.answered(7), None);
        assert!(
            q.in_flight().is_some(),
            "a foreign id does not clear the flight"
        );
        assert!(q.answered(1).is_some());
        assert_eq!(q.answered(1), None, "delivered once");
    }

    #[test]
    fn loads_hold_runs_and_failures_keep_the_old_model() {
        let mut q = ready_queue();
        q.request("a".into(), None);
        q.take_next();
        q.load_started();
        q.request("b".into(), None);
        // The run in flight still answers, from the old model: not drawn …
        assert!(q.answered(1).is_none(), "outdated by the load");
        // … but nothing is sent until the load ends.
        assert_eq!(sent(&mut q), None);
        q.load_finished(false);
        assert!(q.is_ready(), "a failed load keeps the earlier model");
        assert_eq!(sent(&mut q), Some((2, "b".into())));
    }

    #[test]
    fn a_lost_worker_forgets_its_model_and_flight() {
        let mut q = ready_queue();
        q.request("a".into(), None);
        q.take_next();
        q.request("b".into(), None);
        q.worker_lost();
        assert!(!q.is_ready());
        assert!(q.in_flight().is_none());
        assert_eq!(sent(&mut q), None);
        q.load_started();
        q.load_finished(true);
        assert_eq!(sent(&mut q), Some((2, "b".into())));
    }
}
