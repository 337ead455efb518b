//! Explain data for the types every object shares: ObjectMeta and its owner references, label
//! selectors, and the scalar wrappers (`Quantity`, `IntOrString`, `Time`) whose own
//! descriptions explain appends when a field uses them.

use super::{f, Schema};

const OBJECT_META: Schema = Schema {
    name: "ObjectMeta",
    description: "Standard metadata every persisted object carries: who it is (name, namespace, uid), how it is organised (labels, annotations) and the bookkeeping the server keeps about it.",
    fields: &[
        f!("annotations", "map[string]string", false, None, "Free-form key/value notes for tools and people. Unlike labels they are not used to select objects, and values may be long."),
        f!("creationTimestamp", "string", false, Some("Time"), "When the API server stored the object. Set by the server; read-only."),
        f!("deletionGracePeriodSeconds", "integer", false, None, "Seconds the object is allowed to shut down gracefully once deletion started. Set by the server; read-only."),
        f!("deletionTimestamp", "string", false, Some("Time"), "When the object will be removed; set by the server when a deletion is requested. A Pod shows as Terminating while this is set. Read-only."),
        f!("finalizers", "[]string", false, None, "Names of controllers that must finish clean-up before the object can disappear. A deleted object with finalizers stays until the list is empty."),
        f!("generateName", "string", false, None, "A prefix the server uses to invent a unique name when name is left empty, such as web- becoming web-7d4f9."),
        f!("generation", "integer", false, None, "A counter of changes to the desired state (spec). Set by the server; read-only."),
        f!("labels", "map[string]string", false, None, "Key/value pairs used to organise objects and to select them, for example by Services, ReplicaSets and kubectl get -l."),
        f!("managedFields", "[]ManagedFieldsEntry", false, None, "Which manager (kubectl, a controller) last set which fields, used by server-side apply. kubectl hides it unless --show-managed-fields is given."),
        f!("name", "string", false, None, "The object's name, unique among objects of its kind in its namespace. It cannot be changed later."),
        f!("namespace", "string", false, None, "The namespace the object lives in. Empty means the namespace of the request, usually default. Cluster-scoped objects have none."),
        f!("ownerReferences", "[]OwnerReference", false, Some("OwnerReference"), "Objects this one belongs to, such as the ReplicaSet of a Pod. When every owner is gone, the garbage collector deletes the object."),
        f!("resourceVersion", "string", false, None, "An opaque version the server changes on every write, used for optimistic concurrency and to resume watches. Read-only."),
        f!("selfLink", "string", false, None, "Deprecated and no longer set by the server."),
        f!("uid", "string", false, None, "A unique identifier assigned by the server that never repeats, even for objects with the same name. Read-only."),
    ],
};

const OWNER_REFERENCE: Schema = Schema {
    name: "OwnerReference",
    description: "A pointer from an object to the object that owns it, in the same namespace.",
    fields: &[
        f!("apiVersion", "string", true, None, "The API version of the owner."),
        f!("blockOwnerDeletion", "boolean", false, None, "With foreground deletion, the owner is not removed until this object is gone."),
        f!("controller", "boolean", false, None, "True for the one owner that manages this object, such as the ReplicaSet of a Pod."),
        f!("kind", "string", true, None, "The kind of the owner."),
        f!("name", "string", true, None, "The name of the owner."),
        f!("uid", "string", true, None, "The UID of the owner, so a new object with the same name is not mistaken for it."),
    ],
};

const LABEL_SELECTOR: Schema = Schema {
    name: "LabelSelector",
    description: "A query over labels. All the conditions must hold; an empty selector matches every object, a null one matches none.",
    fields: &[
        f!("matchExpressions", "[]LabelSelectorRequirement", false, Some("LabelSelectorRequirement"), "Conditions such as tier In (web, api) or env Exists."),
        f!("matchLabels", "map[string]string", false, None, "Labels that must all be present with exactly these values."),
    ],
};

const LABEL_SELECTOR_REQUIREMENT: Schema = Schema {
    name: "LabelSelectorRequirement",
    description: "One condition of a label selector.",
    fields: &[
        f!("key", "string", true, None, "The label key the condition is about."),
        f!("operator", "string", true, None, "In, NotIn, Exists or DoesNotExist."),
        f!("values", "[]string", false, None, "The values for In and NotIn. Must be empty for Exists and DoesNotExist."),
    ],
};

const LOCAL_OBJECT_REFERENCE: Schema = Schema {
    name: "LocalObjectReference",
    description: "A reference to an object by name in the same namespace.",
    fields: &[f!("name", "string", false, None, "The name of the referenced object.")],
};

const QUANTITY: Schema = Schema {
    name: "Quantity",
    description: "A number with an optional unit, written as a string: 500m is half a CPU, 128Mi is 128 mebibytes, 1G is a billion bytes. Binary suffixes (Ki, Mi, Gi) count in powers of 1024, decimal ones (k, M, G) in powers of 1000, and m means thousandths.",
    fields: &[],
};

const INT_OR_STRING: Schema = Schema {
    name: "IntOrString",
    description: "A value that may be written either as a number or as a string, such as a port number (8080) or a port name (http), or a count (1) or a percentage (25%).",
    fields: &[],
};

const TIME: Schema = Schema {
    name: "Time",
    description: "A point in time, written in RFC 3339 form with second precision, such as 2025-01-01T12:00:00Z.",
    fields: &[],
};

pub(super) const SCHEMAS: &[Schema] = &[OBJECT_META, OWNER_REFERENCE, LABEL_SELECTOR, LABEL_SELECTOR_REQUIREMENT, LOCAL_OBJECT_REFERENCE, QUANTITY, INT_OR_STRING, TIME];
