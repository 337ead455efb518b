//! Explain data for the namespaced objects Pods use: Service (with its ports), ConfigMap,
//! Secret, ServiceAccount and Event.

use super::{f, top_level, Schema};

const SERVICE: Schema = Schema {
    name: "Service",
    description: "A Service gives a changing set of Pods, chosen by a label selector, one stable virtual IP and DNS name, and spreads connections over the Pods that are ready.",
    fields: top_level!("ServiceSpec", "How the Service is reached and which Pods receive its traffic.", "ServiceStatus", "What the cloud load balancer reports, for type LoadBalancer. Read-only."),
};

const SERVICE_SPEC: Schema = Schema {
    name: "ServiceSpec",
    description: "The desired state of a Service.",
    fields: &[
        f!("allocateLoadBalancerNodePorts", "boolean", false, None, "For type LoadBalancer: whether node ports are allocated too. Defaults to true."),
        f!("clusterIP", "string", false, None, "The virtual IP of the Service, normally allocated by the server. None makes a headless Service whose DNS name returns the Pod IPs. Cannot be changed."),
        f!("clusterIPs", "[]string", false, None, "The virtual IPs of the Service, one per IP family; the first equals clusterIP."),
        f!("externalIPs", "[]string", false, None, "Extra addresses, routed to a node by someone else, on which the Service also accepts traffic."),
        f!("externalName", "string", false, None, "For type ExternalName: the DNS name the Service's name is an alias (CNAME) of."),
        f!("externalTrafficPolicy", "string", false, None, "For traffic from outside: Cluster spreads it over every ready Pod, Local only to Pods on the node it arrived on (keeping the client's address).", ["Cluster", "Local"]),
        f!("healthCheckNodePort", "integer", false, None, "For type LoadBalancer with externalTrafficPolicy Local: the node port the load balancer checks."),
        f!("internalTrafficPolicy", "string", false, None, "For traffic from inside the cluster: Cluster spreads it over every ready Pod, Local only to Pods on the same node.", ["Cluster", "Local"]),
        f!("ipFamilies", "[]string", false, None, "The IP families (IPv4, IPv6) of the Service's IPs."),
        f!("ipFamilyPolicy", "string", false, None, "Whether the Service gets one IP family or both.", ["PreferDualStack", "RequireDualStack", "SingleStack"]),
        f!("loadBalancerClass", "string", false, None, "For type LoadBalancer: which load balancer implementation provisions it."),
        f!("loadBalancerIP", "string", false, None, "Deprecated: the address asked of the load balancer."),
        f!("loadBalancerSourceRanges", "[]string", false, None, "Client address ranges the load balancer lets through."),
        f!("ports", "[]ServicePort", false, Some("ServicePort"), "The ports the Service exposes and where each one goes on the Pods."),
        f!("publishNotReadyAddresses", "boolean", false, None, "Send traffic to, and publish DNS for, Pods that are not ready."),
        f!("selector", "map[string]string", false, None, "The labels of the Pods that receive the traffic. Without a selector, endpoints are managed by hand."),
        f!("sessionAffinity", "string", false, None, "ClientIP sends each client to the same Pod; None (the default) does not.", ["ClientIP", "None"]),
        f!("sessionAffinityConfig", "SessionAffinityConfig", false, None, "How long ClientIP affinity lasts."),
        f!("trafficDistribution", "string", false, None, "A preference for where traffic goes, such as PreferClose to Pods in the same zone."),
        f!("type", "string", false, None, "ClusterIP (the default) is reachable inside the cluster; NodePort also on a port of every node; LoadBalancer also through a cloud load balancer; ExternalName is a DNS alias.", ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]),
    ],
};

const SERVICE_PORT: Schema = Schema {
    name: "ServicePort",
    description: "One port of a Service.",
    fields: &[
        f!("appProtocol", "string", false, None, "The application protocol, such as http or kubernetes.io/h2c, as a hint to implementations."),
        f!("name", "string", false, None, "The port's name, required when there is more than one port. It names the port in EndpointSlices."),
        f!("nodePort", "integer", false, None, "For NodePort and LoadBalancer: the port on every node, allocated from 30000-32767 unless given."),
        f!("port", "integer", true, None, "The port the Service listens on."),
        f!("protocol", "string", false, None, "The protocol of the port. Defaults to TCP.", ["SCTP", "TCP", "UDP"]),
        f!("targetPort", "IntOrString", false, Some("IntOrString"), "The port on the Pods, as a number or the name of a container port. Defaults to port."),
    ],
};

const SERVICE_STATUS: Schema = Schema {
    name: "ServiceStatus",
    description: "The most recently observed state of a Service.",
    fields: &[
        f!("conditions", "[]Condition", false, None, "The current conditions of the Service."),
        f!("loadBalancer", "LoadBalancerStatus", false, None, "The addresses of the load balancer, once provisioned."),
    ],
};

const CONFIG_MAP: Schema = Schema {
    name: "ConfigMap",
    description: "A ConfigMap holds non-secret configuration as key/value pairs that Pods read as environment variables, command arguments or files in a volume.",
    fields: &[
        f!("apiVersion", "string", false, None, "The versioned schema this object is written in, such as v1 or apps/v1. The API server converts between versions it serves."),
        f!("binaryData", "map[string]string", false, None, "Keys whose values are binary, base64-encoded. Keys must not repeat those of data."),
        f!("data", "map[string]string", false, None, "The configuration, as text values. Keys may contain letters, digits, '-', '_' and '.'."),
        f!("immutable", "boolean", false, None, "When true, data can no longer be changed; only deleting and recreating the ConfigMap does."),
        f!("kind", "string", false, None, "The type of object this is, in CamelCase. It selects which schema the rest of the document follows."),
        f!("metadata", "ObjectMeta", false, Some("ObjectMeta"), "Identity and bookkeeping shared by every object: name, namespace, labels, annotations and more."),
    ],
};

const SECRET: Schema = Schema {
    name: "Secret",
    description: "A Secret holds a small amount of sensitive data, such as a password, token or key, that Pods read as environment variables or files. Values are only base64-encoded, not encrypted, unless the cluster encrypts them at rest.",
    fields: &[
        f!("apiVersion", "string", false, None, "The versioned schema this object is written in, such as v1 or apps/v1. The API server converts between versions it serves."),
        f!("data", "map[string]string", false, None, "The secret values, base64-encoded."),
        f!("immutable", "boolean", false, None, "When true, data can no longer be changed; only deleting and recreating the Secret does."),
        f!("kind", "string", false, None, "The type of object this is, in CamelCase. It selects which schema the rest of the document follows."),
        f!("metadata", "ObjectMeta", false, Some("ObjectMeta"), "Identity and bookkeeping shared by every object: name, namespace, labels, annotations and more."),
        f!("stringData", "map[string]string", false, None, "Write-only convenience: plain-text values the server encodes into data. Never returned on reads."),
        f!("type", "string", false, None, "What the Secret is for, which decides the keys it must have: Opaque (the default), kubernetes.io/dockerconfigjson, kubernetes.io/tls and others."),
    ],
};

const SERVICE_ACCOUNT: Schema = Schema {
    name: "ServiceAccount",
    description: "A ServiceAccount is an identity for processes running in Pods, so they can authenticate to the API server and be granted permissions through RBAC.",
    fields: &[
        f!("apiVersion", "string", false, None, "The versioned schema this object is written in, such as v1 or apps/v1. The API server converts between versions it serves."),
        f!("automountServiceAccountToken", "boolean", false, None, "Whether Pods using this account get its token mounted by default. A Pod's own setting wins."),
        f!("imagePullSecrets", "[]LocalObjectReference", false, Some("LocalObjectReference"), "Registry credentials added to every Pod that uses this account."),
        f!("kind", "string", false, None, "The type of object this is, in CamelCase. It selects which schema the rest of the document follows."),
        f!("metadata", "ObjectMeta", false, Some("ObjectMeta"), "Identity and bookkeeping shared by every object: name, namespace, labels, annotations and more."),
        f!("secrets", "[]ObjectReference", false, None, "Deprecated: Secrets holding tokens for this account. Tokens are now requested on demand."),
    ],
};

const EVENT: Schema = Schema {
    name: "Event",
    description: "An Event is a report of something that happened to an object, such as a Pod being scheduled or an image failing to pull. Events are kept for a limited time (one hour by default).",
    fields: &[
        f!("action", "string", false, None, "What was done, or failed to be done, to the object."),
        f!("apiVersion", "string", false, None, "The versioned schema this object is written in, such as v1 or apps/v1. The API server converts between versions it serves."),
        f!("count", "integer", false, None, "How many times this event has happened."),
        f!("eventTime", "MicroTime", false, None, "When the event was first seen, with microsecond precision."),
        f!("firstTimestamp", "string", false, Some("Time"), "When the event was first recorded."),
        f!("involvedObject", "ObjectReference", true, None, "The object the event is about."),
        f!("kind", "string", false, None, "The type of object this is, in CamelCase. It selects which schema the rest of the document follows."),
        f!("lastTimestamp", "string", false, Some("Time"), "When the event was most recently seen."),
        f!("message", "string", false, None, "A human-readable description of what happened."),
        f!("metadata", "ObjectMeta", true, Some("ObjectMeta"), "Identity and bookkeeping shared by every object: name, namespace, labels, annotations and more."),
        f!("reason", "string", false, None, "A short CamelCase reason, such as Scheduled, Pulled or BackOff."),
        f!("related", "ObjectReference", false, None, "A second object involved, if any."),
        f!("reportingComponent", "string", false, None, "The component that reported the event, such as kubelet."),
        f!("reportingInstance", "string", false, None, "The instance of that component, such as the node name."),
        f!("series", "EventSeries", false, None, "Data about a series of repeated events."),
        f!("source", "EventSource", false, None, "The component (and host) that reported the event."),
        f!("type", "string", false, None, "Normal or Warning."),
    ],
};

pub(super) const SCHEMAS: &[Schema] = &[SERVICE, SERVICE_SPEC, SERVICE_PORT, SERVICE_STATUS, CONFIG_MAP, SECRET, SERVICE_ACCOUNT, EVENT];
