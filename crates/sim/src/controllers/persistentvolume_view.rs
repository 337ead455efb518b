//! The storage listers the PersistentVolume controller's informers keep and share with the
//! scheduler's VolumeBinding plugin: claims, volumes and classes, plus the class rules both
//! need (a claim naming no class gets the default one; `WaitForFirstConsumer` delays binding).

use super::persistentvolume::ANN_DEFAULT_CLASS;
use crate::meta;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

/// The claims, volumes and classes as the controller's informers see them, shared with the
/// scheduler's VolumeBinding plugin (its PVC/PV/StorageClass listers).
#[derive(Debug, Default)]
pub struct StorageView {
    pub claims: BTreeMap<super::NsName, Arc<Value>>,
    pub volumes: BTreeMap<String, Arc<Value>>,
    pub classes: BTreeMap<String, Arc<Value>>,
}

pub type SharedView = Rc<RefCell<StorageView>>;

impl StorageView {
    pub fn claim(&self, ns: &str, name: &str) -> Option<&Arc<Value>> {
        self.claims.get(&super::NsName::new(ns, name))
    }

    /// The class a claim names; a claim naming none gets the default class, as the
    /// DefaultStorageClass admission plugin would have set (None: not found).
    pub fn class_of(&self, claim: &Value) -> Option<&Arc<Value>> {
        match meta::at(claim, &["spec", "storageClassName"]) {
            None | Some(Value::Null) => self.default_class(),
            Some(name) => self.classes.get(name.as_str()?),
        }
    }

    /// `WaitForFirstConsumer` binding mode of the claim's class.
    pub fn delayed_binding(&self, claim: &Value) -> bool {
        self.class_of(claim)
            .and_then(|c| meta::str_at(c, &["volumeBindingMode"]))
            == Some("WaitForFirstConsumer")
    }

    /// The default StorageClass (the newest one annotated default, as the admission plugin picks).
    pub fn default_class(&self) -> Option<&Arc<Value>> {
        let defaults = self.classes.values().filter(|c| {
            meta::str_at(c, &["metadata", "annotations", ANN_DEFAULT_CLASS]) == Some("true")
        });
        defaults.max_by(|a, b| {
            meta::str_at(a, &["metadata", "creationTimestamp"])
                .cmp(&meta::str_at(b, &["metadata", "creationTimestamp"]))
                .then(meta::name(b).cmp(meta::name(a)))
        })
    }
}
