//! The acceptance test of the content: for every lesson exercise and scenario, set it up on a
//! fresh simulated cluster, check the start state does NOT already satisfy the goal, replay the
//! reference solution through the real kubectl `Session` and assert the goal is met, then
//! replay each known-wrong fix and assert it is not. Tasks the simulation cannot run yet are
//! listed, with the reason, in `NOT_YET_VERIFIABLE` below: the one place that says what is not
//! verified. Listed tasks are still held to the start-state and wrong-fix checks; only their
//! reference replay is excused, and the test prints which ones are pending (and which already
//! pass again, so the list can be trimmed).

use podlab_lessons::runner::TaskRun;
use podlab_lessons::{Catalog, Task};
use std::sync::mpsc;
use std::time::Duration;

const SEED: u64 = 1;
/// Extra simulated time after the last step, for `for:` checks and slow pulls.
const SETTLE_MS: u64 = 30_000;

/// A replay that takes longer than this (real time) is reported as hung instead of blocking CI.
const WATCHDOG: Duration = Duration::from_secs(180);

/// slug -> why its replay cannot pass on the current simulation.
const NOT_YET_VERIFIABLE: &[(&str, &str)] = &[
];

/// What replaying one task found. `problems` are always failures; a reference solution that
/// does not reach the goal is a failure unless the task is listed in `NOT_YET_VERIFIABLE`.
struct Verdict {
    problems: Vec<String>,
    reference: Result<(), String>,
}

fn verify(task: &Task) -> Result<Verdict, String> {
    let mut problems = Vec::new();
    let mut start = TaskRun::start(task, SEED)?;
    if start.evaluate().solved {
        problems.push("the start state already satisfies the goal".to_string());
    }
    for fix in &task.wrong_fixes {
        let replay = TaskRun::replay(task, &fix.steps, SEED, SETTLE_MS)?;
        if replay.solved_after_ms.is_some() {
            problems.push(format!("the wrong fix {:?} satisfies the goal\ntranscript:\n{}", fix.name, replay.transcript));
        }
    }
    let reference = TaskRun::replay(task, &task.solution, SEED, SETTLE_MS)?;
    // PODLAB_TRANSCRIPT=1 prints what the reference solution's terminal showed.
    if std::env::var_os("PODLAB_TRANSCRIPT").is_some() {
        eprintln!("--- {} reference transcript ---\n{}", task.slug, reference.transcript);
    }
    let reference = if reference.solved_after_ms.is_some() {
        Ok(())
    } else {
        let why: Vec<String> = reference
            .checklist
            .items
            .iter()
            .filter(|i| !i.holds)
            .map(|i| format!("  - {}: {}", i.text, i.why_not))
            .collect();
        Err(format!("the reference solution does not reach the goal:\n{}\ntranscript:\n{}", why.join("\n"), reference.transcript))
    };
    Ok(Verdict { problems, reference })
}

/// Runs `verify` on its own thread so one hung simulation cannot stall the whole suite.
fn verify_with_watchdog(task: &Task) -> Result<Verdict, String> {
    let (tx, rx) = mpsc::channel();
    let owned = task.clone();
    std::thread::spawn(move || {
        let _ = tx.send(verify(&owned));
    });
    match rx.recv_timeout(WATCHDOG) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("replay did not finish within {}s of real time (simulation hang?)", WATCHDOG.as_secs())),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("replay panicked".into()),
    }
}

#[test]
fn reference_solutions_solve_and_wrong_fixes_do_not() {
    let catalog = Catalog::embedded().expect("content loads (see tests/content.rs)");
    let tasks: Vec<&Task> = catalog
        .lessons
        .iter()
        .map(|l| &l.exercise.task)
        .chain(catalog.scenarios.iter().map(|(_, d)| &d.task))
        .collect();
    for (slug, _) in NOT_YET_VERIFIABLE {
        assert!(tasks.iter().any(|t| t.slug == *slug), "NOT_YET_VERIFIABLE names unknown task {slug}");
    }
    let mut failures = Vec::new();
    let mut now_passing = Vec::new();
    let mut pending = Vec::new();
    // PODLAB_TASK=<slug> replays one task only (for authors debugging a scenario).
    let only = std::env::var("PODLAB_TASK").ok();
    for task in tasks.into_iter().filter(|t| only.as_ref().is_none_or(|o| *o == t.slug)) {
        eprintln!("replaying {}", task.slug);
        let listed = NOT_YET_VERIFIABLE.iter().find(|(s, _)| *s == task.slug).map(|(_, r)| *r);
        let verdict = match verify_with_watchdog(task) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{}: {e}", task.slug));
                continue;
            }
        };
        failures.extend(verdict.problems.iter().map(|p| format!("{}: {p}", task.slug)));
        match (verdict.reference, listed) {
            (Ok(()), None) => {}
            (Err(e), None) => failures.push(format!("{}: {e}", task.slug)),
            (Ok(()), Some(_)) => now_passing.push(task.slug.clone()),
            (Err(e), Some(reason)) => {
                let why: Vec<&str> = e.lines().take_while(|l| *l != "transcript:").filter(|l| l.starts_with("  - ")).collect();
                pending.push(format!("{}: {reason}\n      now: {}", task.slug, why.join(" / ")));
            }
        }
    }
    eprintln!("{} task(s) not yet verifiable on this simulation:\n  {}", pending.len(), pending.join("\n  "));
    // A listed task whose reference now passes is good news from another crate; it must not
    // turn the team's CI red, so it is reported for the list to be trimmed, not failed.
    if !now_passing.is_empty() {
        eprintln!("NOW VERIFIED, remove from NOT_YET_VERIFIABLE: {now_passing:?}");
    }
    assert!(failures.is_empty(), "{} task(s) fail:\n{}", failures.len(), failures.join("\n\n"));
}

/// The learner path the UI uses: typed commands and ticks, then golf against the reference.
#[test]
fn a_learner_solving_the_first_lesson_gets_golf() {
    let catalog = Catalog::embedded().expect("content loads");
    let task = &catalog.lesson("what-is-a-pod").expect("lesson exists").exercise.task;
    let mut run = TaskRun::start(task, SEED).expect("starts");
    assert!(!run.evaluate().solved);
    assert_eq!(run.state_hints().len(), 1, "no Pod yet: the apply hint shows");
    let out = run.run("kubectl apply -f pod.yaml");
    assert_eq!(out[0].1.stdout, "pod/web created\n");
    run.advance(25_000);
    run.run("kubectl get pods");
    let list = run.evaluate();
    assert!(list.solved, "{list:?}");
    let report = run.golf_report(SEED).expect("solved, so golf exists");
    assert_eq!(report.learner.commands, 2);
    assert_eq!(report.learner.reference_commands, 2);
    assert!(report.reference_sim_ms.is_some());
}
