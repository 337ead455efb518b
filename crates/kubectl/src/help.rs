//! kubectl 1.33's own `--help` texts (captured from the real binary with kubectl-oracle), shown
//! for `kubectl`, `kubectl <command> -h` and command groups typed without a subcommand. Every
//! command path Podlab runs has its text here (a test holds the dispatcher to that); a command
//! Podlab does not simulate has none, and its `--help` says so instead of printing another
//! command's help.

/// `kubectl` with no arguments and `kubectl --help`.
pub const ROOT_HELP: &str = include_str!("help/root.txt");

static HELP: &[(&str, &str)] = &[
    ("annotate", include_str!("help/annotate.txt")),
    ("api-resources", include_str!("help/api-resources.txt")),
    ("api-versions", include_str!("help/api-versions.txt")),
    ("apply", include_str!("help/apply.txt")),
    ("auth", include_str!("help/auth.txt")),
    ("auth can-i", include_str!("help/auth_can-i.txt")),
    ("auth whoami", include_str!("help/auth_whoami.txt")),
    ("cluster-info", include_str!("help/cluster-info.txt")),
    ("config", include_str!("help/config.txt")),
    ("config current-context", include_str!("help/config_current-context.txt")),
    ("config get-contexts", include_str!("help/config_get-contexts.txt")),
    ("config set-context", include_str!("help/config_set-context.txt")),
    ("config use-context", include_str!("help/config_use-context.txt")),
    ("config view", include_str!("help/config_view.txt")),
    ("cordon", include_str!("help/cordon.txt")),
    ("create", include_str!("help/create.txt")),
    ("create clusterrole", include_str!("help/create_clusterrole.txt")),
    ("create clusterrolebinding", include_str!("help/create_clusterrolebinding.txt")),
    ("create configmap", include_str!("help/create_configmap.txt")),
    ("create deployment", include_str!("help/create_deployment.txt")),
    ("create job", include_str!("help/create_job.txt")),
    ("create namespace", include_str!("help/create_namespace.txt")),
    ("create poddisruptionbudget", include_str!("help/create_poddisruptionbudget.txt")),
    ("create role", include_str!("help/create_role.txt")),
    ("create rolebinding", include_str!("help/create_rolebinding.txt")),
    ("create secret", include_str!("help/create_secret.txt")),
    ("create secret docker-registry", include_str!("help/create_secret_docker-registry.txt")),
    ("create secret generic", include_str!("help/create_secret_generic.txt")),
    ("create service", include_str!("help/create_service.txt")),
    ("create service clusterip", include_str!("help/create_service_clusterip.txt")),
    ("create service externalname", include_str!("help/create_service_externalname.txt")),
    ("create service loadbalancer", include_str!("help/create_service_loadbalancer.txt")),
    ("create service nodeport", include_str!("help/create_service_nodeport.txt")),
    ("create serviceaccount", include_str!("help/create_serviceaccount.txt")),
    ("delete", include_str!("help/delete.txt")),
    ("describe", include_str!("help/describe.txt")),
    ("drain", include_str!("help/drain.txt")),
    ("edit", include_str!("help/edit.txt")),
    ("events", include_str!("help/events.txt")),
    ("exec", include_str!("help/exec.txt")),
    ("explain", include_str!("help/explain.txt")),
    ("expose", include_str!("help/expose.txt")),
    ("get", include_str!("help/get.txt")),
    ("label", include_str!("help/label.txt")),
    ("logs", include_str!("help/logs.txt")),
    ("patch", include_str!("help/patch.txt")),
    ("port-forward", include_str!("help/port-forward.txt")),
    ("replace", include_str!("help/replace.txt")),
    ("rollout", include_str!("help/rollout.txt")),
    ("rollout history", include_str!("help/rollout_history.txt")),
    ("rollout restart", include_str!("help/rollout_restart.txt")),
    ("rollout status", include_str!("help/rollout_status.txt")),
    ("rollout undo", include_str!("help/rollout_undo.txt")),
    ("run", include_str!("help/run.txt")),
    ("scale", include_str!("help/scale.txt")),
    ("set", include_str!("help/set.txt")),
    ("set image", include_str!("help/set_image.txt")),
    ("taint", include_str!("help/taint.txt")),
    ("top", include_str!("help/top.txt")),
    ("top node", include_str!("help/top_node.txt")),
    ("top pod", include_str!("help/top_pod.txt")),
    ("uncordon", include_str!("help/uncordon.txt")),
    ("version", include_str!("help/version.txt")),
    ("wait", include_str!("help/wait.txt")),
];

/// The help text of a command path (`[]` is kubectl itself); None for a command Podlab does
/// not simulate.
pub fn help_for(path: &[&str]) -> Option<&'static str> {
    if path.is_empty() {
        return Some(ROOT_HELP);
    }
    let key = path.join(" ");
    HELP.iter().find(|(k, _)| *k == key).map(|(_, t)| *t)
}
