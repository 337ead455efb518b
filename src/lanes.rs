//! Per-pod swimlanes of container states over simulated time. The store holds only the
//! present, so the UI observes the cluster model as simulated time advances (every frame, and
//! every slice while replaying after time travel) and folds each container's state into
//! segments [from, to) — pulling/creating, running, back-off gaps and terminations become
//! visible as a strip. Bounded so a long session cannot grow it without end.

use crate::model::{CState, ClusterModel};
use std::collections::BTreeMap;

pub const MAX_PODS: usize = 40;
pub const MAX_SEGMENTS: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub from: u64,
    pub to: u64,
    pub state: CState,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodLanes {
    /// (container name, init?, segments)
    pub containers: Vec<(String, bool, Vec<Segment>)>,
    /// Still present in the store at the last observation.
    pub present: bool,
}

/// All lanes, keyed by `namespace/name`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lanes {
    pub pods: BTreeMap<String, PodLanes>,
    pub last: u64,
}

impl Lanes {
    /// Folds the model at simulated time `t` into the lanes.
    pub fn observe(&mut self, t: u64, model: &ClusterModel) {
        self.last = self.last.max(t);
        for lane in self.pods.values_mut() {
            lane.present = false;
        }
        let cards = model.nodes.iter().flat_map(|n| n.pods.iter()).chain(model.orbit.iter());
        for card in cards {
            let key = format!("{}/{}", card.namespace, card.name);
            if !self.pods.contains_key(&key) && self.pods.len() >= MAX_PODS {
                continue;
            }
            let lane = self.pods.entry(key).or_default();
            lane.present = true;
            for c in &card.containers {
                let idx = match lane.containers.iter().position(|(n, _, _)| *n == c.name) {
                    Some(i) => i,
                    None => {
                        lane.containers.push((c.name.clone(), c.init, Vec::new()));
                        lane.containers.len() - 1
                    }
                };
                extend(&mut lane.containers[idx].2, t, &c.state);
            }
        }
    }
}

fn extend(segments: &mut Vec<Segment>, t: u64, state: &CState) {
    match segments.last_mut() {
        Some(last) if last.state == *state => last.to = last.to.max(t),
        Some(last) => {
            last.to = last.to.max(t);
            if segments.len() >= MAX_SEGMENTS {
                segments.remove(0);
            }
            segments.push(Segment { from: t, to: t, state: state.clone() });
        }
        None => segments.push(Segment { from: t, to: t, state: state.clone() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ContainerCard, PodCard};

    fn model(state: CState) -> ClusterModel {
        let c = ContainerCard { name: "app".into(), image: "busybox".into(), init: false, state, restarts: 0, message: String::new() };
        let pod = PodCard {
            namespace: "default".into(), name: "web".into(), node: String::new(), phase: "Pending".into(), status: String::new(),
            ready: "0/1".into(), restarts: "0".into(), ip: String::new(), volumes: vec![], containers: vec![c], pending_reason: None,
            cpu_milli: 0, memory_bytes: 0,
        };
        ClusterModel { nodes: vec![], orbit: vec![pod] }
    }

    #[test]
    fn states_fold_into_segments() {
        let mut l = Lanes::default();
        l.observe(0, &model(CState::Waiting("ContainerCreating".into())));
        l.observe(1_000, &model(CState::Waiting("ContainerCreating".into())));
        l.observe(2_000, &model(CState::Ready));
        l.observe(5_000, &model(CState::Ready));
        let segs = &l.pods["default/web"].containers[0].2;
        assert_eq!(segs.len(), 2);
        assert_eq!((segs[0].from, segs[0].to), (0, 2_000));
        assert_eq!((segs[1].from, segs[1].to, &segs[1].state), (2_000, 5_000, &CState::Ready));
        l.observe(6_000, &ClusterModel::default());
        assert!(!l.pods["default/web"].present);
    }

    #[test]
    fn segments_are_bounded() {
        let mut l = Lanes::default();
        for i in 0..(MAX_SEGMENTS as u64 * 2) {
            let st = if i % 2 == 0 { CState::Ready } else { CState::BackOff("CrashLoopBackOff".into()) };
            l.observe(i, &model(st));
        }
        assert_eq!(l.pods["default/web"].containers[0].2.len(), MAX_SEGMENTS);
    }
}
