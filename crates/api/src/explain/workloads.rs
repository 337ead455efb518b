//! Explain data for the controllers that create Pods from a template: Deployment (apps/v1),
//! ReplicaSet (apps/v1) and Job (batch/v1), with the Pod template they share.

use super::{f, top_level, Schema};

const POD_TEMPLATE_SPEC: Schema = Schema {
    name: "PodTemplateSpec",
    description: "The blueprint a controller stamps Pods from: metadata (labels must match the selector) and a Pod spec.",
    fields: &[
        f!("metadata", "ObjectMeta", false, Some("ObjectMeta"), "Labels and annotations every Pod made from the template gets."),
        f!("spec", "PodSpec", false, Some("PodSpec"), "The spec every Pod made from the template gets."),
    ],
};

const DEPLOYMENT: Schema = Schema {
    name: "Deployment",
    description: "A Deployment keeps a number of identical Pods running and rolls them from one version to the next through ReplicaSets, one per version of the Pod template.",
    fields: top_level!("DeploymentSpec", "The Pods you want and how to replace them when the template changes.", "DeploymentStatus", "How far the Deployment is: replica counts and conditions such as Available and Progressing. Read-only."),
};

const DEPLOYMENT_SPEC: Schema = Schema {
    name: "DeploymentSpec",
    description: "The desired state of a Deployment.",
    fields: &[
        f!("minReadySeconds", "integer", false, None, "How long a new Pod must be ready, without crashing, before it counts as available. Defaults to 0."),
        f!("paused", "boolean", false, None, "Stop rolling out template changes until unpaused (kubectl rollout pause/resume)."),
        f!("progressDeadlineSeconds", "integer", false, None, "How long a rollout may make no progress before the Progressing condition turns False with ProgressDeadlineExceeded. Defaults to 600."),
        f!("replicas", "integer", false, None, "How many Pods to run. Defaults to 1."),
        f!("revisionHistoryLimit", "integer", false, None, "How many old ReplicaSets to keep for kubectl rollout undo. Defaults to 10."),
        f!("selector", "LabelSelector", true, Some("LabelSelector"), "Which Pods belong to the Deployment. Must match the template's labels and cannot be changed in apps/v1."),
        f!("strategy", "DeploymentStrategy", false, Some("DeploymentStrategy"), "How old Pods are replaced by new ones."),
        f!("template", "PodTemplateSpec", true, Some("PodTemplateSpec"), "The Pods to create. Its restartPolicy must be Always."),
    ],
};

const DEPLOYMENT_STRATEGY: Schema = Schema {
    name: "DeploymentStrategy",
    description: "How a Deployment replaces old Pods with new ones.",
    fields: &[
        f!("rollingUpdate", "RollingUpdateDeployment", false, Some("RollingUpdateDeployment"), "Tuning of a RollingUpdate. Only with type RollingUpdate."),
        f!("type", "string", false, None, "Recreate deletes every old Pod before creating new ones; RollingUpdate (the default) replaces them a few at a time.", ["Recreate", "RollingUpdate"]),
    ],
};

const ROLLING_UPDATE: Schema = Schema {
    name: "RollingUpdateDeployment",
    description: "The pace of a rolling update.",
    fields: &[
        f!("maxSurge", "IntOrString", false, Some("IntOrString"), "How many Pods may exist above the desired count during the update, as a number or a percentage (rounded up). Defaults to 25%."),
        f!("maxUnavailable", "IntOrString", false, Some("IntOrString"), "How many Pods may be unavailable during the update, as a number or a percentage (rounded down). Defaults to 25%."),
    ],
};

const DEPLOYMENT_STATUS: Schema = Schema {
    name: "DeploymentStatus",
    description: "The most recently observed state of a Deployment.",
    fields: &[
        f!("availableReplicas", "integer", false, None, "Pods ready for at least minReadySeconds."),
        f!("collisionCount", "integer", false, None, "A counter that changes the name of new ReplicaSets when a name collides."),
        f!("conditions", "[]DeploymentCondition", false, None, "Available, Progressing and ReplicaFailure, each with a reason and message."),
        f!("observedGeneration", "integer", false, None, "The generation the controller last acted on."),
        f!("readyReplicas", "integer", false, None, "Pods with a Ready condition."),
        f!("replicas", "integer", false, None, "Pods, old and new, that are not terminating."),
        f!("terminatingReplicas", "integer", false, None, "Pods being shut down. Needs the DeploymentReplicaSetTerminatingReplicas feature."),
        f!("unavailableReplicas", "integer", false, None, "Pods still needed for the Deployment to be fully available."),
        f!("updatedReplicas", "integer", false, None, "Pods made from the current template."),
    ],
};

const REPLICA_SET: Schema = Schema {
    name: "ReplicaSet",
    description: "A ReplicaSet keeps a number of Pods matching its selector running, creating or deleting Pods as needed. Deployments manage ReplicaSets; you rarely create one yourself.",
    fields: top_level!("ReplicaSetSpec", "The Pods you want.", "ReplicaSetStatus", "The Pods the ReplicaSet last saw. Read-only."),
};

const REPLICA_SET_SPEC: Schema = Schema {
    name: "ReplicaSetSpec",
    description: "The desired state of a ReplicaSet.",
    fields: &[
        f!("minReadySeconds", "integer", false, None, "How long a new Pod must be ready before it counts as available. Defaults to 0."),
        f!("replicas", "integer", false, None, "How many Pods to run. Defaults to 1."),
        f!("selector", "LabelSelector", true, Some("LabelSelector"), "Which Pods count toward replicas. Must match the template's labels."),
        f!("template", "PodTemplateSpec", false, Some("PodTemplateSpec"), "The Pods to create when there are too few."),
    ],
};

const REPLICA_SET_STATUS: Schema = Schema {
    name: "ReplicaSetStatus",
    description: "The most recently observed state of a ReplicaSet.",
    fields: &[
        f!("availableReplicas", "integer", false, None, "Pods ready for at least minReadySeconds."),
        f!("conditions", "[]ReplicaSetCondition", false, None, "Problems such as ReplicaFailure when Pods cannot be created."),
        f!("fullyLabeledReplicas", "integer", false, None, "Pods whose labels match the template's labels."),
        f!("observedGeneration", "integer", false, None, "The generation the controller last acted on."),
        f!("readyReplicas", "integer", false, None, "Pods with a Ready condition."),
        f!("replicas", "integer", true, None, "Pods that are not terminating."),
        f!("terminatingReplicas", "integer", false, None, "Pods being shut down. Needs the DeploymentReplicaSetTerminatingReplicas feature."),
    ],
};

const JOB: Schema = Schema {
    name: "Job",
    description: "A Job runs Pods until a number of them finish successfully, retrying failures up to a limit. Use it for batch work that ends, unlike a Deployment.",
    fields: top_level!("JobSpec", "The work to do: the Pod template, how many completions, how much parallelism and how many retries.", "JobStatus", "How far the Job is: active, succeeded and failed Pods and conditions such as Complete. Read-only."),
};

const JOB_SPEC: Schema = Schema {
    name: "JobSpec",
    description: "The desired state of a Job.",
    fields: &[
        f!("activeDeadlineSeconds", "integer", false, None, "How long the Job may run in total before its Pods are stopped and it fails with DeadlineExceeded."),
        f!("backoffLimit", "integer", false, None, "How many failed Pods to retry before the Job fails with BackoffLimitExceeded. Defaults to 6."),
        f!("backoffLimitPerIndex", "integer", false, None, "For Indexed Jobs: retries allowed for each index separately."),
        f!("completionMode", "string", false, None, "NonIndexed (the default): any completions count. Indexed: each Pod gets an index and each index must complete once.", ["Indexed", "NonIndexed"]),
        f!("completions", "integer", false, None, "How many Pods must finish successfully. Defaults to 1."),
        f!("managedBy", "string", false, None, "The controller that manages the Job, when not the built-in one."),
        f!("manualSelector", "boolean", false, None, "Use your own selector instead of the generated one. Rarely a good idea."),
        f!("maxFailedIndexes", "integer", false, None, "For Indexed Jobs with backoffLimitPerIndex: how many indexes may fail before the Job fails."),
        f!("parallelism", "integer", false, None, "How many Pods may run at once. Defaults to 1; 0 pauses the Job."),
        f!("podFailurePolicy", "PodFailurePolicy", false, None, "Rules that fail the Job at once, or ignore a failure, by exit code or Pod condition."),
        f!("podReplacementPolicy", "string", false, None, "When a replacement Pod is created: once the old one is terminating, or only once it has failed.", ["Failed", "TerminatingOrFailed"]),
        f!("selector", "LabelSelector", false, Some("LabelSelector"), "Which Pods belong to the Job. Generated from the Job's UID unless manualSelector is set."),
        f!("successPolicy", "SuccessPolicy", false, None, "For Indexed Jobs: which indexes succeeding is enough for the Job to succeed."),
        f!("suspend", "boolean", false, None, "Stop running Pods until unsuspended; the Job's active deadline timer stops too."),
        f!("template", "PodTemplateSpec", true, Some("PodTemplateSpec"), "The Pods to run. Its restartPolicy must be OnFailure or Never."),
        f!("ttlSecondsAfterFinished", "integer", false, None, "Delete the Job and its Pods this many seconds after it finishes."),
    ],
};

const JOB_STATUS: Schema = Schema {
    name: "JobStatus",
    description: "The most recently observed state of a Job.",
    fields: &[
        f!("active", "integer", false, None, "Pods running or pending."),
        f!("completedIndexes", "string", false, None, "For Indexed Jobs: the indexes that completed, as ranges such as 1,3-5."),
        f!("completionTime", "string", false, Some("Time"), "When the Job completed successfully."),
        f!("conditions", "[]JobCondition", false, None, "Complete, Failed, Suspended and the like, each with a reason and message."),
        f!("failed", "integer", false, None, "Pods that failed."),
        f!("failedIndexes", "string", false, None, "For Indexed Jobs with backoffLimitPerIndex: the indexes that failed."),
        f!("ready", "integer", false, None, "Active Pods with a Ready condition."),
        f!("startTime", "string", false, Some("Time"), "When the Job controller started the Job."),
        f!("succeeded", "integer", false, None, "Pods that finished successfully."),
        f!("terminating", "integer", false, None, "Pods being shut down."),
        f!("uncountedTerminatedPods", "UncountedTerminatedPods", false, None, "Finished Pods the controller has not counted yet."),
    ],
};

pub(super) const SCHEMAS: &[Schema] = &[
    POD_TEMPLATE_SPEC,
    DEPLOYMENT,
    DEPLOYMENT_SPEC,
    DEPLOYMENT_STRATEGY,
    ROLLING_UPDATE,
    DEPLOYMENT_STATUS,
    REPLICA_SET,
    REPLICA_SET_SPEC,
    REPLICA_SET_STATUS,
    JOB,
    JOB_SPEC,
    JOB_STATUS,
];
