//! Authentication. kubectl's default kubeconfig user `kubernetes-admin` (group
//! system:masters), scenario users from the ClusterSpec, service accounts
//! (`system:serviceaccount:<ns>:<name>`), nodes (`system:node:<name>`) and the control-plane
//! components. `--as` is impersonation by the admin: like the real API server it accepts any
//! user name (Kubernetes has no user database); only a scenario user whose credential is marked
//! invalid gets 401 Unauthorized.

use crate::cluster::UserSpec;
use crate::status::Status;

pub const ADMIN: &str = "kubernetes-admin";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    pub name: String,
    pub groups: Vec<String>,
    /// How the identity was established (for the trace).
    pub method: &'static str,
}

impl UserInfo {
    pub fn in_group(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }
}

pub fn authenticate(users: &[UserSpec], user: Option<&str>, extra_groups: &[String]) -> Result<UserInfo, Status> {
    let name = user.unwrap_or(ADMIN);
    let (mut groups, method): (Vec<String>, &'static str) = if name == ADMIN {
        (vec!["system:masters".into()], "x509 client certificate (kubeconfig)")
    } else if let Some(rest) = name.strip_prefix("system:serviceaccount:") {
        let ns = rest.split(':').next().unwrap_or("");
        if ns.is_empty() || rest.split(':').count() != 2 {
            return Err(Status::unauthorized());
        }
        (vec!["system:serviceaccounts".into(), format!("system:serviceaccounts:{ns}")], "service account token")
    } else if name.starts_with("system:node:") {
        (vec!["system:nodes".into()], "x509 client certificate (kubelet)")
    } else if matches!(name, "system:kube-scheduler" | "system:kube-controller-manager") {
        (Vec::new(), "x509 client certificate (control plane)")
    } else if let Some(u) = users.iter().find(|u| u.name == name) {
        if !u.credential_valid {
            return Err(Status::unauthorized());
        }
        (u.groups.clone(), "scenario user (impersonated by kubernetes-admin)")
    } else {
        (Vec::new(), "impersonated by kubernetes-admin")
    };
    if name.is_empty() {
        return Err(Status::unauthorized());
    }
    for g in extra_groups {
        if !groups.contains(g) {
            groups.push(g.clone());
        }
    }
    groups.push("system:authenticated".into());
    Ok(UserInfo { name: name.to_string(), groups, method })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_table() {
        let users = vec![
            UserSpec { name: "jane".into(), groups: vec!["dev".into()], credential_valid: true },
            UserSpec { name: "old".into(), groups: vec![], credential_valid: false },
        ];
        let cases: &[(Option<&str>, Result<&[&str], u16>)] = &[
            (None, Ok(&["system:masters", "system:authenticated"])),
            (Some("jane"), Ok(&["dev", "system:authenticated"])),
            (Some("bob"), Ok(&["system:authenticated"])),
            (Some("system:serviceaccount:dev:app"), Ok(&["system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated"])),
            (Some("system:node:node01"), Ok(&["system:nodes", "system:authenticated"])),
            (Some("old"), Err(401)),
            (Some("system:serviceaccount:broken"), Err(401)),
            (Some(""), Err(401)),
        ];
        for (user, want) in cases {
            let got = authenticate(&users, *user, &[]);
            match want {
                Ok(groups) => assert_eq!(got.unwrap().groups, groups.to_vec(), "{user:?}"),
                Err(code) => assert_eq!(got.unwrap_err().code, *code, "{user:?}"),
            }
        }
    }
}
