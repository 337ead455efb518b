//! The kubelet's image manager and the node's containerd image store: pull policies
//! (Always / IfNotPresent / Never), the per-node cache, serialized pulls whose duration grows
//! with the image size (so "in X (Y including waiting)" is real), the per `<podUID>_<image>`
//! pull back-off, and the exact event texts and containerd error messages.

use super::backoff::Backoff;
use crate::rng::Rng;
use crate::time::{SimDuration, SimTime};
use podlab_runtime::{lookup, ImageLookupError, ResolvedImage};
use std::collections::BTreeMap;

/// Fixed cost of a pull (resolve, manifest, unpack setup) in milliseconds.
const PULL_SETUP_MS: u64 = 350;
/// Simulated registry throughput: bytes per millisecond (~30 MB/s).
const PULL_BYTES_PER_MS: u64 = 30_000;
/// How long a failing pull takes to come back (resolve round trips).
const PULL_FAILURE_MS: u64 = 900;

/// The node's image store and pull queue.
#[derive(Debug, Default)]
pub struct ImageStore {
    /// Full references present on the node (`docker.io/library/nginx:1.27`) and their size.
    pub present: BTreeMap<String, u64>,
    /// Pulls are serialized (`serializeImagePulls: true`): the next pull starts then.
    pull_free_at: SimTime,
    pub backoff: Backoff,
    /// `prevPullErrMsg`: the last failure per back-off key, shown in ImagePullBackOff.
    pub prev_error: BTreeMap<String, String>,
}

/// The outcome of a pull, known when it is requested, revealed when it completes.
#[derive(Clone, Debug)]
pub struct Pull {
    pub image: String,
    pub requested_at: SimTime,
    pub started_at: SimTime,
    pub done_at: SimTime,
    pub result: Result<ResolvedImage, String>,
}

/// What `EnsureImageExists` decides before any pulling.
pub enum Ensure {
    Present(ResolvedImage),
    NeedPull,
    /// `waiting.reason`, `waiting.message`, and the events to record `(type, reason, message)`.
    Fail { reason: &'static str, message: String, events: Vec<(bool, &'static str, String)> },
}

/// imagePullPolicy as defaulted: `Always` for `:latest` or untagged images.
pub fn effective_policy(image: &str, policy: &str) -> String {
    if !policy.is_empty() {
        return policy.to_string();
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    let untagged = !last.contains(':') && !image.contains('@');
    if untagged || last.ends_with(":latest") {
        "Always".into()
    } else {
        "IfNotPresent".into()
    }
}

/// containerd's error for a failed pull, as the kubelet receives it over CRI.
pub fn pull_error(err: &ImageLookupError) -> String {
    match err {
        ImageLookupError::UnknownTag { full_reference: r } => format!(
            "rpc error: code = NotFound desc = failed to pull and unpack image \"{r}\": failed to resolve reference \"{r}\": {r}: not found"
        ),
        ImageLookupError::UnknownRepository { full_reference: r } => private_error(r),
        ImageLookupError::InvalidReference(why) => why.clone(),
    }
}

fn private_error(r: &str) -> String {
    format!(
        "rpc error: code = Unknown desc = failed to pull and unpack image \"{r}\": failed to resolve reference \"{r}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
    )
}

impl ImageStore {
    pub fn new(preloaded: &[String]) -> Self {
        let mut s = ImageStore::default();
        for name in preloaded {
            if let Ok(r) = lookup(name) {
                s.present.insert(r.full_reference.clone(), r.size_bytes);
            }
        }
        s
    }

    pub fn is_present(&self, r: &ResolvedImage) -> bool {
        self.present.contains_key(&r.full_reference)
    }

    /// The pre-pull decision for `image` with `policy` for pod `uid`.
    pub fn ensure(&mut self, uid: &str, image: &str, policy: &str, now: SimTime) -> Ensure {
        let resolved = match lookup(image) {
            Ok(r) => Some(r),
            Err(ImageLookupError::InvalidReference(why)) => {
                let msg = format!("Failed to apply default image tag \"{image}\": couldn't parse image name \"{image}\": {why}");
                return Ensure::Fail {
                    reason: "InvalidImageName",
                    message: msg.clone(),
                    events: vec![(true, "InspectFailed", msg), (true, "Failed", "Error: InvalidImageName".into())],
                };
            }
            Err(_) => None,
        };
        let policy = effective_policy(image, policy);
        if let Some(r) = resolved.as_ref().filter(|r| self.is_present(r)) {
            if policy != "Always" {
                return Ensure::Present(r.clone());
            }
        }
        if policy == "Never" {
            let msg = format!("Container image \"{image}\" is not present with pull policy of Never");
            return Ensure::Fail {
                reason: "ErrImageNeverPull",
                message: msg.clone(),
                events: vec![(true, "ErrImageNeverPull", msg), (true, "Failed", "Error: ErrImageNeverPull".into())],
            };
        }
        let key = format!("{uid}_{image}");
        if self.backoff.in_backoff_since_update(&key, now) {
            let mut message = format!("Back-off pulling image \"{image}\"");
            let event = message.clone();
            if let Some(prev) = self.prev_error.get(&key) {
                message = format!("{message}: {prev}");
            }
            return Ensure::Fail {
                reason: "ImagePullBackOff",
                message,
                events: vec![(false, "BackOff", event), (true, "Failed", "Error: ImagePullBackOff".into())],
            };
        }
        Ensure::NeedPull
    }

    /// Queues a pull behind the ones already running and decides its outcome.
    pub fn start_pull(&mut self, image: &str, has_pull_secret: bool, now: SimTime, rng: &mut Rng) -> Pull {
        let started_at = now.max(self.pull_free_at);
        let result = match lookup(image) {
            Ok(r) if r.image.private && !has_pull_secret => Err(private_error(&r.full_reference)),
            Ok(r) => Ok(r),
            Err(e) => Err(pull_error(&e)),
        };
        let base = match &result {
            Ok(r) => PULL_SETUP_MS + r.size_bytes / PULL_BYTES_PER_MS,
            Err(_) => PULL_FAILURE_MS,
        };
        // Registry latency varies a little from pull to pull (±10%), from the kubelet's stream.
        let jitter = rng.below(base / 5 + 1);
        let duration = SimDuration(base - base / 10 + jitter);
        let done_at = started_at.plus(duration);
        self.pull_free_at = done_at;
        Pull { image: image.to_string(), requested_at: now, started_at, done_at, result }
    }

    /// Applies a finished pull: caches the image or arms the back-off.
    pub fn finish_pull(&mut self, uid: &str, pull: &Pull) {
        let key = format!("{uid}_{}", pull.image);
        match &pull.result {
            Ok(r) => {
                self.present.insert(r.full_reference.clone(), r.size_bytes);
                self.backoff.forget(&key);
                self.prev_error.remove(&key);
            }
            Err(msg) => {
                self.backoff.next(&key, pull.done_at);
                self.prev_error.insert(key, format!("ErrImagePull: {msg}"));
            }
        }
    }
}

impl Pull {
    /// The `Pulled` event text of a successful pull.
    pub fn pulled_message(&self, size_bytes: u64) -> String {
        let pull = self.done_at.since(self.started_at).go_string();
        let total = self.done_at.since(self.requested_at).go_string();
        format!("Successfully pulled image \"{}\" in {pull} ({total} including waiting). Image size: {size_bytes} bytes.", self.image)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_defaults() {
        assert_eq!(effective_policy("busybox", ""), "Always");
        assert_eq!(effective_policy("nginx:latest", ""), "Always");
        assert_eq!(effective_policy("nginx:1.27", ""), "IfNotPresent");
        assert_eq!(effective_policy("localhost:5000/app", ""), "Always");
        assert_eq!(effective_policy("nginx:1.27", "Never"), "Never");
    }

    #[test]
    fn pulls_are_serialized_and_worded_like_the_kubelet() {
        let mut s = ImageStore::default();
        let mut rng = Rng::new(1);
        let a = s.start_pull("nginx:1.27", false, SimTime(1_000), &mut rng);
        let b = s.start_pull("busybox:1.36", false, SimTime(1_000), &mut rng);
        assert_eq!(b.started_at, a.done_at);
        let size = a.result.as_ref().map(|r| r.size_bytes).unwrap_or(0);
        let msg = a.pulled_message(size);
        assert!(msg.starts_with("Successfully pulled image \"nginx:1.27\" in "), "{msg}");
        assert!(msg.ends_with(&format!("including waiting). Image size: {size} bytes.")), "{msg}");
        let bmsg = b.pulled_message(0);
        assert_ne!(b.done_at.since(b.started_at), b.done_at.since(b.requested_at), "{bmsg}");
    }

    #[test]
    fn unknown_tag_fails_then_backs_off() {
        let mut s = ImageStore::default();
        let mut rng = Rng::new(2);
        let p = s.start_pull("nginx:1.2777", false, SimTime(0), &mut rng);
        let err = p.result.clone().err().unwrap_or_default();
        assert_eq!(err, "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.2777\": failed to resolve reference \"docker.io/library/nginx:1.2777\": docker.io/library/nginx:1.2777: not found");
        s.finish_pull("u", &p);
        match s.ensure("u", "nginx:1.2777", "IfNotPresent", p.done_at.plus(SimDuration(5_000))) {
            Ensure::Fail { reason, message, .. } => {
                assert_eq!(reason, "ImagePullBackOff");
                assert!(message.starts_with("Back-off pulling image \"nginx:1.2777\": ErrImagePull: rpc error"), "{message}");
            }
            _ => panic!("expected back-off"),
        }
        assert!(matches!(s.ensure("u", "nginx:1.2777", "IfNotPresent", p.done_at.plus(SimDuration(10_000))), Ensure::NeedPull));
    }
}
