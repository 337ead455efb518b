//! `kubectl create service clusterip|nodeport|loadbalancer|externalname` (kubectl 1.33's
//! `create_service.go`): the Service it generates (`app: NAME` as label and selector, one TCP
//! port per `--tcp=port[:targetPort]`, named after the pair), its checks in kubectl's order and
//! words, and its own wording when the API server refuses the object. Sending, `--dry-run` and
//! `-o` are `create`'s ([`super::run::emit`]).

use super::run::{emit_or_refused, generated_meta, name_arg};
use super::{fail, CmdResult, Ctx, Fail};
use podlab_api::validation::names::{is_dns1123_subdomain, is_valid_port_name, is_valid_port_num};
use serde_json::{json, Value};

/// Go's `strconv.ParseUint(s, 10, 16)` as `utilsnet.ParsePort(s, true)` calls it: digits
/// only, at most 65535, zero allowed.
fn parse_port(s: &str) -> Result<i64, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.ParseUint: parsing {s:?}: invalid syntax"));
    }
    match s.parse::<u64>() {
        Ok(p) if p <= 65535 => Ok(p as i64),
        _ => Err(format!("strconv.ParseUint: parsing {s:?}: value out of range")),
    }
}

/// `parsePorts`: `port[:targetPort]`, the target a number (1-65535) or a port name; anything
/// after a second colon is ignored, as kubectl ignores it.
fn port_pair(spec: &str) -> Result<(i64, Value), String> {
    let mut parts = spec.split(':');
    let port = parse_port(parts.next().unwrap_or_default())?;
    let Some(target) = parts.next() else { return Ok((port, json!(port))) };
    let errs = match target.parse::<i64>() {
        Ok(n) => {
            let errs = is_valid_port_num(n);
            if errs.is_empty() {
                return Ok((port, json!(n)));
            }
            errs
        }
        Err(_) => {
            let errs = is_valid_port_name(target);
            if errs.is_empty() {
                return Ok((port, json!(target)));
            }
            errs
        }
    };
    Err(errs.join(","))
}

/// `kubectl create service <kind> NAME ...`; `kind` is the subcommand.
pub fn create_service(ctx: &mut Ctx, kind: &str) -> CmdResult {
    let svc_type = match kind {
        "clusterip" => "ClusterIP",
        "nodeport" => "NodePort",
        "loadbalancer" => "LoadBalancer",
        _ => "ExternalName",
    };
    // cobra checks the required flag before the command runs, so before the name.
    let external = ctx.flags.get("external-name").map(str::to_string);
    if svc_type == "ExternalName" && external.is_none() {
        return fail("required flag(s) \"external-name\" not set");
    }
    let name = name_arg(ctx)?;
    let cluster_ip = ctx.flags.get("clusterip").unwrap_or("").to_string();
    let tcp = ctx.flags.all("tcp");
    if cluster_ip == "None" && svc_type != "ClusterIP" {
        return fail("ClusterIP=None can only be used with ClusterIP service type");
    }
    if cluster_ip != "None" && tcp.is_empty() && svc_type != "ExternalName" {
        return fail("at least one tcp port specifier must be provided");
    }
    let external = external.unwrap_or_default();
    if svc_type == "ExternalName" && !is_dns1123_subdomain(&external).is_empty() {
        return fail(format!("invalid service external name {external}"));
    }
    let node_port = ctx.flags.int("node-port").unwrap_or(0);
    let mut ports = Vec::new();
    for spec in &tcp {
        let (port, target) = port_pair(spec).map_err(Fail::Error)?;
        let mut p = json!({"name": spec.replace(':', "-"), "port": port, "protocol": "TCP", "targetPort": target});
        if node_port != 0 {
            p["nodePort"] = json!(node_port);
        }
        ports.push(p);
    }
    let mut metadata = generated_meta(ctx, &name, true);
    metadata["labels"] = json!({"app": name});
    let mut spec = json!({"selector": {"app": name}, "type": svc_type});
    if !ports.is_empty() {
        spec["ports"] = Value::Array(ports);
    }
    if !external.is_empty() {
        spec["externalName"] = json!(external);
    }
    if !cluster_ip.is_empty() {
        spec["clusterIP"] = json!(cluster_ip);
    }
    let obj = json!({"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec, "status": {"loadBalancer": {}}});
    emit_or_refused(ctx, obj, &format!("{svc_type} service"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `--tcp` table of kubectl 1.33 (outputs read from the real binary).
    #[test]
    fn port_pairs_read_as_kubectl_reads_them() {
        let ok = [("80", 80, json!(80)), ("80:8080", 80, json!(8080)), ("443:https", 443, json!("https")), ("0", 0, json!(0)), ("80:8080:9", 80, json!(8080))];
        for (spec, port, target) in ok {
            assert_eq!(port_pair(spec), Ok((port, target)), "{spec}");
        }
        let bad = [
            ("abc", "strconv.ParseUint: parsing \"abc\": invalid syntax"),
            ("+80", "strconv.ParseUint: parsing \"+80\": invalid syntax"),
            ("", "strconv.ParseUint: parsing \"\": invalid syntax"),
            ("70000", "strconv.ParseUint: parsing \"70000\": value out of range"),
            ("80:0", "must be between 1 and 65535, inclusive"),
            ("80:Bad_Name", "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"),
        ];
        for (spec, message) in bad {
            assert_eq!(port_pair(spec), Err(message.to_string()), "{spec}");
        }
    }
}
