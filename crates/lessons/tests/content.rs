//! Loads every lesson and scenario compiled into the crate and checks them against the schema
//! and the validation rules; also proves that broken files become errors naming file and field.

use podlab_lessons::catalog::decode_value;
use podlab_lessons::{Catalog, Task};

#[test]
fn every_lesson_and_scenario_loads() {
    match Catalog::embedded() {
        Ok(c) => {
            assert!(c.lessons.len() >= 14, "only {} lessons", c.lessons.len());
            assert!(c.scenarios.len() >= 16, "only {} scenarios", c.scenarios.len());
        }
        Err(errors) => {
            let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("{} content error(s):\n{}", errors.len(), text.join("\n"));
        }
    }
}

#[test]
fn broken_files_name_the_file_and_field() {
    let bad = serde_yaml::from_str::<serde_json::Value>(
        "slug: x\ntitle: T\ntrack: t\ndifficulty: beginner\nstory: s\ngoal:\n- text: a\n  that: {pod_phase: {pod: web, phse: Running}}\nsolution: []\n",
    )
    .unwrap();
    let err = decode_value::<Task>("lessons/scenarios/x/scenario.yaml", bad).unwrap_err();
    assert_eq!(err.file, "lessons/scenarios/x/scenario.yaml");
    assert_eq!(err.field.as_deref(), Some("goal[0].that.pod_phase.phse"));
    assert!(err.message.contains("unknown field `phse`"), "{}", err.message);
}

#[test]
fn a_broken_bundle_is_an_error_not_a_panic() {
    for text in ["", "{", "[]", "{\"index\": 1}", "{\"index\": {\"file\": \"i\", \"error\": \"YAML syntax: bad\"}, \"lessons\": [], \"scenarios\": []}"] {
        assert!(Catalog::from_bundle(text).is_err(), "{text}");
    }
}

#[test]
fn lesson_html_escapes_raw_html_and_has_titles() {
    let c = Catalog::embedded().expect("content loads");
    for l in &c.lessons {
        assert!(!l.title.is_empty());
        assert!(l.html.contains("<h1>"), "{}", l.dir);
        assert!(!l.html.contains("<script"), "{}", l.dir);
    }
    let first = &c.lessons[0];
    assert_eq!(first.dir, "01-what-is-a-pod");
    assert_eq!(c.track_slugs("pods-basics")[0], "what-is-a-pod");
}

#[test]
fn every_cluster_spec_is_a_valid_simulation_cluster() {
    let c = Catalog::embedded().expect("content loads");
    let tasks = c.lessons.iter().map(|l| &l.exercise).chain(c.scenarios.iter().map(|(_, d)| d));
    for doc in tasks {
        if let Some(spec) = &doc.task.cluster {
            if let Err(e) = podlab_sim::ClusterSpec::from_json(spec) {
                panic!("{}: cluster: {e}", doc.file);
            }
        }
    }
}
