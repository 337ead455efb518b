//! RBAC's decisions remembered per (user, groups, verb, API group, resource, subresource,
//! namespace), valid for one `Store::rbac_revision` (bumped by any Role, ClusterRole,
//! RoleBinding or ClusterRoleBinding write). The real authorizer has no such cache; it exists
//! because every in-cluster component asks the same question over and over (the scheduler's
//! bind of every pod walks the same role's rules), and the answer is a pure function of those
//! objects and these attributes. The request's name is the one attribute left out of the key,
//! so a decision in which a rule looked at the name (`resourceNames`) is never stored: the
//! caller only inserts decisions it computed without consulting a name. Entries are grouped by
//! user name so a lookup borrows the request's strings and allocates nothing.

use super::super::authn::UserInfo;
use super::{Attributes, Decision};
use std::collections::BTreeMap;

/// How many decisions are kept before starting over (a bound for many distinct users).
const DECISIONS_MAX: usize = 1024;

#[derive(Debug)]
struct Entry {
    groups: Vec<String>,
    verb: String,
    api_group: String,
    resource: String,
    subresource: String,
    namespace: String,
    decision: Decision,
}

impl Entry {
    fn answers(&self, user: &UserInfo, a: &Attributes) -> bool {
        self.resource == a.resource
            && self.verb == a.verb
            && self.subresource == a.subresource
            && self.namespace == a.namespace
            && self.api_group == a.api_group
            && self.groups == user.groups
    }
}

#[derive(Debug, Default)]
pub struct DecisionCache {
    revision: Option<u64>,
    by_user: BTreeMap<String, Vec<Entry>>,
    len: usize,
}

impl DecisionCache {
    /// The decision stored for this user and these attributes (but the name) while the RBAC
    /// objects are at `rbac_revision`; a different revision empties the cache first.
    pub fn get(&mut self, rbac_revision: u64, user: &UserInfo, a: &Attributes) -> Option<&Decision> {
        if self.revision != Some(rbac_revision) {
            self.by_user.clear();
            self.len = 0;
            self.revision = Some(rbac_revision);
            return None;
        }
        self.by_user.get(user.name.as_str())?.iter().find(|e| e.answers(user, a)).map(|e| &e.decision)
    }

    /// Remembers a decision computed at `rbac_revision` without consulting the request's name.
    pub fn insert(&mut self, rbac_revision: u64, user: &UserInfo, a: &Attributes, decision: &Decision) {
        if self.revision != Some(rbac_revision) || self.len >= DECISIONS_MAX {
            self.by_user.clear();
            self.len = 0;
            self.revision = Some(rbac_revision);
        }
        let entry = Entry {
            groups: user.groups.clone(),
            verb: a.verb.to_string(),
            api_group: a.api_group.to_string(),
            resource: a.resource.to_string(),
            subresource: a.subresource.to_string(),
            namespace: a.namespace.to_string(),
            decision: decision.clone(),
        };
        self.by_user.entry(user.name.clone()).or_default().push(entry);
        self.len += 1;
    }
}
