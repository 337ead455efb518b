//! ImageLocality: prefers nodes that already have the pod's images, weighting each image's
//! size by how widely it is spread (so one node with a popular image does not attract every
//! pod), between upstream's 23 MB and 1000 MB-per-container thresholds.

use super::super::framework::{NodeInfo, PodInfo, MAX_NODE_SCORE};

pub const NAME: &str = "ImageLocality";
const MB: i64 = 1024 * 1024;
const MIN_THRESHOLD: i64 = 23 * MB;
const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

/// `spread(image)` = nodes having it / all nodes, passed as (have, all) per image name.
pub fn score(pod: &PodInfo, node: &NodeInfo, spread: &dyn Fn(&str) -> (i64, i64)) -> i64 {
    let mut sum: i128 = 0;
    for image in &pod.images {
        if let Some(size) = node.images.get(image) {
            let (have, all) = spread(image);
            sum += term(*size, have, all);
        }
    }
    score_from_sum(sum, pod.images.len())
}

/// One image's contribution: its size scaled by how widely it is spread (`have` of `all`
/// nodes); zero when nothing is known about the cluster.
pub fn term(size: i64, have: i64, all: i64) -> i128 {
    if all > 0 {
        i128::from(size) * i128::from(have) / i128::from(all)
    } else {
        0
    }
}

/// The node's score from the summed, spread-scaled sizes of the pod's `images` images it has
/// (clamped between the thresholds, scaled to 0..=100).
pub fn score_from_sum(sum: i128, images: usize) -> i64 {
    let max = i128::from(MAX_CONTAINER_THRESHOLD) * images.max(1) as i128;
    let min = i128::from(MIN_THRESHOLD);
    let clamped = sum.clamp(min, max);
    (i128::from(MAX_NODE_SCORE) * (clamped - min) / (max - min)) as i64
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{node, pod};
    use super::*;
    use serde_json::json;

    #[test]
    fn table() {
        let p = pod(json!({"containers": [{"name": "a", "image": "nginx:1.27"}]}));
        let with = node("a", json!({"status": {"images": [{"names": ["docker.io/library/nginx:1.27"], "sizeBytes": 500 * MB}]}}));
        let without = node("b", json!({}));
        let everywhere = |_: &str| (1, 1);
        let half = |_: &str| (1, 2);
        assert_eq!(score(&p, &without, &everywhere), 0);
        assert_eq!(score(&p, &with, &everywhere), 100 * (500 - 23) / (1000 - 23));
        assert_eq!(score(&p, &with, &half), 100 * (250 - 23) / (1000 - 23));
    }
}
