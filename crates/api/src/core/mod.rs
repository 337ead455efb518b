//! core/v1 ("legacy group") kinds: Pod and what it references or produces.

pub mod bytes;
pub mod container;
pub mod misc;
pub mod node;
pub mod pod;
pub mod pod_status;
pub mod storage;
pub mod volume;
