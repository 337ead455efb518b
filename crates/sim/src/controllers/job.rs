//! The Job controller (`pkg/controller/job`) for NonIndexed Jobs: runs up to `parallelism`
//! pods until `completions` succeeded, replaces failed pods after the exponential pod-failure
//! back-off (10s doubling, capped at 6m), and gives up after `backoffLimit` failures. It ends a
//! Job the 1.33 way — a `SuccessCriteriaMet` then `Complete` condition (reason
//! CompletionsReached), or `FailureTarget` then `Failed` (reason BackoffLimitExceeded) — with
//! the `Completed` / `BackoffLimitExceeded` events and status counts kubectl prints.

use super::queue::{Key, WorkQueue};
use super::shared_informer::Registration;
use super::{event, owner_ref, pods, sa_user, submit_obj, Informer};
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::request::ApiRequest;
use crate::time::SimDuration;
use serde_json::{json, Value};
use std::sync::Arc;

pub const NAME: &str = "job-controller";
/// `DefaultJobPodFailureBackOff` and `MaxJobPodFailureBackOff`.
pub const POD_FAILURE_BACKOFF_MS: u64 = 10_000;
pub const POD_FAILURE_BACKOFF_MAX_MS: u64 = 360_000;
pub const BACKOFF_LIMIT_MESSAGE: &str = "Job has reached the specified backoff limit";
pub const COMPLETIONS_MESSAGE: &str = "Reached expected number of succeeded pods";


#[derive(Default)]
pub struct JobController {
    jobs: Informer,
    pods: Registration,
    queue: WorkQueue,
}

impl Component for JobController {
    fn name(&self) -> String {
        NAME.into()
    }
    fn user(&self) -> String {
        sa_user(NAME)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.jobs = Informer::new("Job");
        self.jobs.start(ctx);
        self.pods.start(ctx, "Pod");
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake) {
        if let Wake::Timer(_) = wake {
            self.queue.release_due(ctx.now());
        }
        for c in self.jobs.pump(ctx) {
            self.queue.mark(c.key);
        }
        for c in self.pods.pump(ctx) {
            self.queue.note_controlled(&c, "Job");
        }
        for key in self.queue.take_dirty() {
            self.sync(ctx, &key);
        }
    }
}

fn int(v: &Value, path: &[&str], default: i64) -> i64 {
    meta::at(v, path).and_then(Value::as_i64).unwrap_or(default)
}

fn has_condition(job: &Value, ty: &str) -> bool {
    meta::at(job, &["status", "conditions"]).and_then(Value::as_array).is_some_and(|a| a.iter().any(|c| c["type"] == ty && c["status"] == "True"))
}

/// The pod-failure back-off before the next replacement after `failures` failures.
pub fn failure_backoff_ms(failures: u32) -> u64 {
    if failures == 0 {
        return 0;
    }
    POD_FAILURE_BACKOFF_MS.saturating_mul(1u64 << (failures - 1).min(20)).min(POD_FAILURE_BACKOFF_MAX_MS)
}

impl JobController {
    /// Uses the shared pod informer instead of a private one.
    pub fn with_pods(mut self, pods: Registration) -> Self {
        self.pods = pods;
        self
    }

    fn owned_pods(&self, uid: &str) -> Vec<Arc<Value>> {
        self.queue.controlled(uid, &self.pods)
    }

    fn sync(&mut self, ctx: &mut Ctx<'_>, key: &Key) {
        let Some(job) = self.jobs.get(&key.0, &key.1).map(|a| (**a).clone()) else { return };
        if meta::deletion_timestamp(&job).is_some() || has_condition(&job, "Complete") || has_condition(&job, "Failed") {
            return;
        }
        let all = self.owned_pods(meta::uid(&job));
        let active: Vec<&Arc<Value>> = all.iter().filter(|p| pods::is_active(p)).collect();
        let succeeded = all.iter().filter(|p| pods::phase(p) == "Succeeded").count() as i64;
        let failed = all.iter().filter(|p| pods::phase(p) == "Failed").count() as i64;
        let completions = meta::at(&job, &["spec", "completions"]).and_then(Value::as_i64);
        let parallelism = int(&job, &["spec", "parallelism"], 1);
        let backoff_limit = int(&job, &["spec", "backoffLimit"], 6);
        let now_s = ctx.epoch().rfc3339(ctx.now());
        let mut status = job.get("status").cloned().unwrap_or(json!({}));
        if status.get("startTime").is_none() {
            status["startTime"] = json!(now_s);
        }
        let done = match completions {
            Some(c) => succeeded >= c,
            None => succeeded > 0 && active.is_empty(),
        };
        let mut active_n = active.len() as i64;
        if failed > backoff_limit {
            for p in &active {
                self.delete_pod(ctx, &job, p);
            }
            active_n = 0;
            for ty in ["FailureTarget", "Failed"] {
                push_condition(&mut status, ty, "BackoffLimitExceeded", BACKOFF_LIMIT_MESSAGE, &now_s);
            }
            event(ctx, NAME, &job, true, "BackoffLimitExceeded", BACKOFF_LIMIT_MESSAGE.into());
        } else if done {
            for ty in ["SuccessCriteriaMet", "Complete"] {
                push_condition(&mut status, ty, "CompletionsReached", COMPLETIONS_MESSAGE, &now_s);
            }
            status["completionTime"] = json!(now_s);
            event(ctx, NAME, &job, false, "Completed", "Job completed".into());
        } else {
            let want = match completions {
                Some(c) => (c - succeeded).min(parallelism),
                None => parallelism,
            }
            .max(0);
            if want > active_n {
                active_n += self.maybe_create(ctx, &job, &all, failed, want - active_n);
            }
        }
        let ready = active.iter().filter(|p| pods::is_ready(p)).count() as i64;
        let terminating = all.iter().filter(|p| meta::deletion_timestamp(p).is_some() && !matches!(pods::phase(p), "Succeeded" | "Failed")).count() as i64;
        for (k, v) in [("active", active_n), ("succeeded", succeeded), ("failed", failed)] {
            if v > 0 {
                status[k] = json!(v);
            } else if let Some(m) = status.as_object_mut() {
                m.shift_remove(k);
            }
        }
        status["terminating"] = json!(terminating);
        status["ready"] = json!(ready);
        status["uncountedTerminatedPods"] = json!({});
        let mut copy = job.clone();
        copy["status"] = status;
        if super::canonical(&copy).get("status") != super::canonical(&job).get("status") {
            if let Ok(stored) = submit_obj(ctx, ApiRequest::update_status(copy)) {
                self.jobs.assume(stored);
            }
        }
    }

    /// Creates up to `n` pods unless the failure back-off since the last failure still runs
    /// (then requeues for when it ends). Returns how many were created.
    fn maybe_create(&mut self, ctx: &mut Ctx<'_>, job: &Value, all: &[Arc<Value>], failed: i64, n: i64) -> i64 {
        let epoch = ctx.epoch();
        let last_failure = all
            .iter()
            .filter(|p| pods::phase(p) == "Failed")
            .filter_map(|p| {
                let cs = meta::at(p, &["status", "containerStatuses"]).and_then(Value::as_array)?;
                cs.iter().filter_map(|c| c.pointer("/state/terminated/finishedAt").and_then(Value::as_str)).filter_map(|t| epoch.parse(t)).max()
            })
            .max();
        if let Some(t) = last_failure {
            let ready_at = t.plus(SimDuration::from_millis(failure_backoff_ms(u32::try_from(failed).unwrap_or(u32::MAX))));
            if ready_at > ctx.now() {
                self.queue.add_after(ready_at, super::NsName::new(meta::namespace(job), meta::name(job)));
                ctx.set_timer(ready_at, 1);
                return 0;
            }
        }
        let pod = pod_for(job);
        let mut made = 0;
        for _ in 0..n.min(500) {
            match submit_obj(ctx, ApiRequest::create(pod.clone())) {
                Ok(obj) => {
                    event(ctx, NAME, job, false, "SuccessfulCreate", format!("Created pod: {}", meta::name(&obj)));
                    self.queue.own(meta::uid(job), super::NsName::new(meta::namespace(&obj), meta::name(&obj)));
                    self.pods.assume(obj);
                    made += 1;
                }
                Err(msg) => {
                    event(ctx, NAME, job, true, "FailedCreate", format!("Error creating: {msg}"));
                    break;
                }
            }
        }
        made
    }

    fn delete_pod(&mut self, ctx: &mut Ctx<'_>, job: &Value, pod: &Value) {
        if submit_obj(ctx, super::delete_req("Pod", meta::namespace(pod), meta::name(pod), meta::uid(pod))).is_ok() {
            event(ctx, NAME, job, false, "SuccessfulDelete", format!("Deleted pod: {}", meta::name(pod)));
        }
    }
}

fn push_condition(status: &mut Value, ty: &str, reason: &str, message: &str, now: &str) {
    let c = json!({"type": ty, "status": "True", "lastProbeTime": now, "lastTransitionTime": now, "reason": reason, "message": message});
    meta::array_mut(status, "conditions").push(c);
}

/// The batch registry's `PrepareForCreate`/`generateSelector` on create (uid already set):
/// the selector on `batch.kubernetes.io/controller-uid`, the job labels on the pod template,
/// and those labels on the Job itself when it has none.
pub fn prepare_for_create(job: &mut Value) {
    if meta::at(job, &["spec", "manualSelector"]).and_then(Value::as_bool) == Some(true) {
        return;
    }
    let (uid, name) = (meta::uid(job).to_string(), meta::name(job).to_string());
    let labels = json!({"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name, "controller-uid": uid, "job-name": name});
    if job.pointer("/spec/selector").is_none() {
        job["spec"]["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
    }
    if job.pointer("/spec/template/metadata").is_none_or(|m| !m.is_object()) {
        job["spec"]["template"]["metadata"] = json!({});
    }
    let tm = &mut job["spec"]["template"]["metadata"];
    if tm.get("labels").is_none_or(|l| !l.is_object()) {
        tm["labels"] = json!({});
    }
    for (k, v) in labels.as_object().into_iter().flatten() {
        if tm["labels"].get(k).is_none() {
            tm["labels"][k] = v.clone();
        }
    }
    let template_labels = tm["labels"].clone();
    if meta::labels(job).is_empty() {
        meta::metadata_mut(job).insert("labels", template_labels);
    }
}

/// A Job's pod: the template with the job labels the API server's job strategy adds
/// (`batch.kubernetes.io/controller-uid`, `batch.kubernetes.io/job-name` and the legacy
/// `controller-uid`, `job-name`), `generateName: <job>-` and the controller reference.
pub fn pod_for(job: &Value) -> Value {
    let tm = meta::at(job, &["spec", "template", "metadata"]).cloned().unwrap_or(json!({}));
    let mut labels = tm.get("labels").cloned().filter(Value::is_object).unwrap_or(json!({}));
    let (uid, name) = (meta::uid(job), meta::name(job));
    for (k, v) in [("batch.kubernetes.io/controller-uid", uid), ("batch.kubernetes.io/job-name", name), ("controller-uid", uid), ("job-name", name)] {
        if labels.get(k).is_none() {
            labels[k] = json!(v);
        }
    }
    let mut m = json!({"generateName": format!("{name}-"), "namespace": meta::namespace(job), "labels": labels, "ownerReferences": [owner_ref(job)]});
    if let Some(a) = tm.get("annotations").filter(|a| a.is_object()) {
        m["annotations"] = a.clone();
    }
    let spec = meta::at(job, &["spec", "template", "spec"]).cloned().unwrap_or(json!({}));
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": spec})
}

#[cfg(test)]
mod tests {
    use super::failure_backoff_ms;

    #[test]
    fn pod_failure_backoff_doubles_and_caps() {
        let cases = [(0, 0), (1, 10_000), (2, 20_000), (3, 40_000), (6, 320_000), (7, 360_000), (40, 360_000)];
        for (n, want) in cases {
            assert_eq!(failure_backoff_ms(n), want, "{n}");
        }
    }
}
