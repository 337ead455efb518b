//! API-server defaulting (pkg/apis/core/v1/defaults.go, apps/v1 and batch/v1 defaults) as pure
//! functions on typed objects. The simulated API server runs these after decoding and before
//! validation, exactly where the real one does, so learners see the same filled-in fields in
//! `kubectl get -o yaml`. Admission-time additions (service-account volume, default
//! tolerations, priority) are not defaulting and belong to the simulation.

use crate::core::container::{Container, Probe, ResourceRequirements};
use crate::core::misc::{Secret, Service};
use crate::core::pod::{Pod, PodSecurityContext, PodSpec};
use crate::intstr::IntOrString;
use crate::object::Object;
use crate::workloads::{Deployment, Job, PodTemplateSpec, ReplicaSet, RollingUpdateDeployment};

/// Applies every defaulter for the object's kind.
pub fn apply(obj: &mut Object) {
    match obj {
        Object::Pod(p) => pod(p),
        Object::Service(s) => service(s),
        Object::ReplicaSet(r) => replica_set(r),
        Object::Deployment(d) => deployment(d),
        Object::DaemonSet(d) => crate::daemonset::default_daemon_set(d),
        Object::Job(j) => job(j),
        Object::Secret(s) => secret(s),
        Object::PersistentVolumeClaim(c) => volume_mode(&mut c.spec.volume_mode),
        Object::PersistentVolume(v) => volume_mode(&mut v.spec.volume_mode),
        _ => {}
    }
}

/// SetDefaults_PersistentVolumeClaim / SetDefaults_PersistentVolume: `volumeMode: Filesystem`
/// (what `kubectl describe` shows as `VolumeMode:`).
fn volume_mode(mode: &mut Option<String>) {
    if mode.is_none() {
        *mode = Some("Filesystem".into());
    }
}

pub fn pod(p: &mut Pod) {
    pod_spec(&mut p.spec);
}

/// SetDefaults_PodSpec plus the per-container defaulters it triggers.
pub fn pod_spec(spec: &mut PodSpec) {
    if spec.dns_policy.is_empty() {
        spec.dns_policy = "ClusterFirst".into();
    }
    if spec.restart_policy.is_empty() {
        spec.restart_policy = "Always".into();
    }
    if spec.security_context.is_none() {
        spec.security_context = Some(PodSecurityContext::default());
    }
    if spec.termination_grace_period_seconds.is_none() {
        spec.termination_grace_period_seconds = Some(30);
    }
    if spec.scheduler_name.is_empty() {
        spec.scheduler_name = "default-scheduler".into();
    }
    if spec.enable_service_links.is_none() {
        spec.enable_service_links = Some(true);
    }
    volumes(&mut spec.volumes);
    // The API server mirrors serviceAccountName into the deprecated serviceAccount field.
    if spec.service_account.is_empty() && !spec.service_account_name.is_empty() {
        spec.service_account = spec.service_account_name.clone();
    }
    if spec.service_account_name.is_empty() && !spec.service_account.is_empty() {
        spec.service_account_name = spec.service_account.clone();
    }
    for c in spec
        .init_containers
        .iter_mut()
        .chain(spec.containers.iter_mut())
    {
        container(c);
    }
    for e in spec.ephemeral_containers.iter_mut() {
        if e.termination_message_path.is_empty() {
            e.termination_message_path = "/dev/termination-log".into();
        }
        if e.termination_message_policy.is_empty() {
            e.termination_message_policy = "File".into();
        }
        if e.image_pull_policy.is_empty() {
            e.image_pull_policy = image_pull_policy_for(&e.image).into();
        }
    }
}

/// Volume source defaults: modes 0644, token expiry 3600s, hostPath type "" (SetDefaults_*VolumeSource).
fn volumes(vols: &mut [crate::core::volume::Volume]) {
    for v in vols.iter_mut() {
        if let Some(s) = &mut v.secret {
            s.default_mode.get_or_insert(0o644);
        }
        if let Some(c) = &mut v.config_map {
            c.default_mode.get_or_insert(0o644);
        }
        if let Some(d) = &mut v.downward_api {
            d.default_mode.get_or_insert(0o644);
            for f in d.items.iter_mut() {
                if let Some(fr) = &mut f.field_ref {
                    if fr.api_version.is_empty() {
                        fr.api_version = "v1".into();
                    }
                }
            }
        }
        if let Some(p) = &mut v.projected {
            p.default_mode.get_or_insert(0o644);
            for s in p.sources.iter_mut() {
                if let Some(t) = &mut s.service_account_token {
                    t.expiration_seconds.get_or_insert(3600);
                }
            }
        }
        if let Some(h) = &mut v.host_path {
            h.type_.get_or_insert_with(String::new);
        }
    }
}

/// `Always` for `:latest` or an untagged image (unless pinned by digest), else `IfNotPresent`.
pub fn image_pull_policy_for(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    // The tag is what follows the last ':' after the last '/', so registry ports don't count.
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) if tag != "latest" => "IfNotPresent",
        _ => "Always",
    }
}

/// SetDefaults_Container, the ports/probe/resources defaulters and the requests-from-limits rule.
pub fn container(c: &mut Container) {
    if c.image_pull_policy.is_empty() {
        c.image_pull_policy = image_pull_policy_for(c.image.as_str()).into();
    }
    if c.termination_message_path.is_empty() {
        c.termination_message_path = "/dev/termination-log".into();
    }
    if c.termination_message_policy.is_empty() {
        c.termination_message_policy = "File".into();
    }
    for p in c.ports.iter_mut() {
        if p.protocol.is_empty() {
            p.protocol = "TCP".into();
        }
    }
    for probe in [
        &mut c.liveness_probe,
        &mut c.readiness_probe,
        &mut c.startup_probe,
    ]
    .into_iter()
    .flatten()
    {
        self::probe(probe);
    }
    if let Some(lc) = &mut c.lifecycle {
        for h in [&mut lc.post_start, &mut lc.pre_stop].into_iter().flatten() {
            if let Some(g) = &mut h.http_get {
                if g.path.is_empty() {
                    g.path = "/".into();
                }
                if g.scheme.is_empty() {
                    g.scheme = "HTTP".into();
                }
            }
        }
    }
    for e in c.env.iter_mut() {
        if let Some(fr) = e.value_from.as_mut().and_then(|f| f.field_ref.as_mut()) {
            if fr.api_version.is_empty() {
                fr.api_version = "v1".into();
            }
        }
    }
    requests_from_limits(&mut c.resources);
}

/// SetDefaults_Probe and SetDefaults_HTTPGetAction.
pub fn probe(p: &mut Probe) {
    if p.timeout_seconds == 0 {
        p.timeout_seconds = 1;
    }
    if p.period_seconds == 0 {
        p.period_seconds = 10;
    }
    if p.success_threshold == 0 {
        p.success_threshold = 1;
    }
    if p.failure_threshold == 0 {
        p.failure_threshold = 3;
    }
    if let Some(g) = &mut p.http_get {
        if g.path.is_empty() {
            g.path = "/".into();
        }
        if g.scheme.is_empty() {
            g.scheme = "HTTP".into();
        }
    }
}

/// A container that sets only limits gets equal requests (SetDefaults_Pod).
pub fn requests_from_limits(r: &mut ResourceRequirements) {
    for (name, q) in &r.limits {
        r.requests.entry(name.clone()).or_insert(*q);
    }
}

/// SetDefaults_Service and SetDefaults_ServicePort (protocol TCP, targetPort = port).
pub fn service(s: &mut Service) {
    let spec = &mut s.spec;
    if spec.session_affinity.is_empty() {
        spec.session_affinity = "None".into();
    }
    if spec.type_.is_empty() {
        spec.type_ = "ClusterIP".into();
    }
    if spec.internal_traffic_policy.is_none() && spec.type_ != "ExternalName" {
        spec.internal_traffic_policy = Some("Cluster".into());
    }
    for p in spec.ports.iter_mut() {
        if p.protocol.is_empty() {
            p.protocol = "TCP".into();
        }
        if p.target_port.is_none()
            || p.target_port == Some(IntOrString::Int(0))
            || p.target_port == Some(IntOrString::String(String::new()))
        {
            p.target_port = Some(IntOrString::Int(p.port));
        }
    }
    if matches!(spec.type_.as_str(), "NodePort" | "LoadBalancer")
        && spec.external_traffic_policy.is_empty()
    {
        spec.external_traffic_policy = "Cluster".into();
    }
}

fn template(t: &mut PodTemplateSpec) {
    pod_spec(&mut t.spec);
}

/// apps/v1 SetDefaults_ReplicaSet: replicas 1.
pub fn replica_set(r: &mut ReplicaSet) {
    if r.spec.replicas.is_none() {
        r.spec.replicas = Some(1);
    }
    template(&mut r.spec.template);
}

/// apps/v1 SetDefaults_Deployment: replicas 1, RollingUpdate 25%/25%, history 10, deadline 600.
pub fn deployment(d: &mut Deployment) {
    let spec = &mut d.spec;
    if spec.replicas.is_none() {
        spec.replicas = Some(1);
    }
    if spec.strategy.type_.is_empty() {
        spec.strategy.type_ = "RollingUpdate".into();
    }
    if spec.strategy.type_ == "RollingUpdate" {
        let ru = spec
            .strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDeployment::default);
        if ru.max_unavailable.is_none() {
            ru.max_unavailable = Some(IntOrString::String("25%".into()));
        }
        if ru.max_surge.is_none() {
            ru.max_surge = Some(IntOrString::String("25%".into()));
        }
    }
    if spec.revision_history_limit.is_none() {
        spec.revision_history_limit = Some(10);
    }
    if spec.progress_deadline_seconds.is_none() {
        spec.progress_deadline_seconds = Some(600);
    }
    template(&mut spec.template);
}

/// batch/v1 SetDefaults_Job: completions/parallelism 1, backoffLimit 6, NonIndexed,
/// suspend false, manualSelector false, podReplacementPolicy TerminatingOrFailed.
pub fn job(j: &mut Job) {
    let spec = &mut j.spec;
    if spec.completions.is_none() && spec.parallelism.is_none() {
        spec.completions = Some(1);
        spec.parallelism = Some(1);
    }
    if spec.parallelism.is_none() {
        spec.parallelism = Some(1);
    }
    if spec.backoff_limit.is_none() {
        spec.backoff_limit = Some(6);
    }
    if spec.completion_mode.is_none() {
        spec.completion_mode = Some("NonIndexed".into());
    }
    if spec.suspend.is_none() {
        spec.suspend = Some(false);
    }
    if spec.pod_replacement_policy.is_none() {
        spec.pod_replacement_policy = Some("TerminatingOrFailed".into());
    }
    if spec.manual_selector.is_none() {
        spec.manual_selector = Some(false);
    }
    template(&mut spec.template);
}

/// SetDefaults_Secret: type Opaque. The API server also folds stringData into data on write.
pub fn secret(s: &mut Secret) {
    if s.type_.is_empty() {
        s.type_ = "Opaque".into();
    }
    let string_data = std::mem::take(&mut s.string_data);
    for (k, v) in string_data {
        s.data.insert(k, crate::Bytes(v.into_bytes()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_pull_policy_table() {
        let cases = [
            ("nginx", "Always"),
            ("nginx:latest", "Always"),
            ("nginx:1.27", "IfNotPresent"),
            ("localhost:5000/app", "Always"),
            ("localhost:5000/app:v1", "IfNotPresent"),
            ("busybox@sha256:abcd", "IfNotPresent"),
            ("", "Always"),
        ];
        for (image, want) in cases {
            assert_eq!(image_pull_policy_for(image), want, "{image}");
        }
    }

    #[test]
    fn pod_defaults_match_the_api_server() {
        let mut p = Pod::default();
        let mut c = Container {
            name: "app".into(),
            image: "nginx:1.27".into(),
            ..Default::default()
        };
        c.ports.push(crate::ContainerPort {
            container_port: 80,
            ..Default::default()
        });
        c.resources
            .limits
            .insert("cpu".into(), crate::Quantity::parse("500m").unwrap());
        c.liveness_probe = Some(Probe {
            http_get: Some(crate::HTTPGetAction {
                port: IntOrString::Int(80),
                ..Default::default()
            }),
            ..Default::default()
        });
        p.spec.containers.push(c);
        pod(&mut p);
        let s = &p.spec;
        assert_eq!(
            (
                s.restart_policy.as_str(),
                s.dns_policy.as_str(),
                s.scheduler_name.as_str()
            ),
            ("Always", "ClusterFirst", "default-scheduler")
        );
        assert_eq!(
            (s.termination_grace_period_seconds, s.enable_service_links),
            (Some(30), Some(true))
        );
        let c = &s.containers[0];
        assert_eq!(
            (
                c.image_pull_policy.as_str(),
                c.termination_message_path.as_str(),
                c.termination_message_policy.as_str()
            ),
            ("IfNotPresent", "/dev/termination-log", "File")
        );
        assert_eq!(c.ports[0].protocol, "TCP");
        assert_eq!(c.resources.requests["cpu"].to_string(), "500m");
        let lp = c.liveness_probe.as_ref().unwrap();
        assert_eq!(
            (
                lp.timeout_seconds,
                lp.period_seconds,
                lp.success_threshold,
                lp.failure_threshold
            ),
            (1, 10, 1, 3)
        );
        let g = lp.http_get.as_ref().unwrap();
        assert_eq!((g.path.as_str(), g.scheme.as_str()), ("/", "HTTP"));
    }
}
