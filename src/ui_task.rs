//! The lesson pane: the home page (tracks with progress bars, continue, progress export and
//! import), a lesson's text, and a task's story, live checklist, hints, quiz and solved banner
//! with golf and the reference replay. Thin: what to show comes from `task.rs` and the engine.

use crate::route::Route;
use crate::state::Ui;
use crate::task::{countdown, golf_summary, home, item_state, next_up, with_catalog};
use leptos::prelude::*;
use podlab_lessons::{Answer, Question};
use wasm_bindgen::JsCast;

#[component]
pub fn LessonPane(route: RwSignal<Route>) -> impl IntoView {
    move || {
        let r = route.get();
        with_catalog(|cat| {
            let Some(cat) = cat else {
                return view! { <p>"The lessons could not be loaded; the sandbox still works."</p> }.into_any();
            };
            match r {
                Route::Lesson(slug) => match cat.lesson(&slug) {
                    Some(l) => view! {
                        <article class="lesson" inner_html=l.html.clone()></article>
                        <h3 class="exercise-title">{format!("Exercise: {}", l.exercise.task.title)}</h3>
                        <div class="lesson" inner_html=l.exercise.story_html.clone()></div>
                        <TaskPanel/>
                    }
                    .into_any(),
                    None => view! { <p>"No lesson named "{slug}". "<a href="#/">"All lessons"</a></p> }.into_any(),
                },
                Route::Scenario(slug) => match cat.scenario(&slug) {
                    Some(s) => view! {
                        <h3 class="task-title">{s.task.title.clone()}</h3>
                        <p class="difficulty">{format!("{:?}", s.task.difficulty)}</p>
                        <article class="lesson story" inner_html=s.story_html.clone()></article>
                        <TaskPanel/>
                    }
                    .into_any(),
                    None => view! { <p>"No scenario named "{slug}". "<a href="#/">"All scenarios"</a></p> }.into_any(),
                },
                Route::Sandbox => view! {
                    <p>"Sandbox: a three-node cluster (controlplane, node01, node02) and no goal. Write a Pod in the editor, press Ctrl+Enter, and watch it land on a planet."</p>
                }
                .into_any(),
                Route::Home => view! { <Home/> }.into_any(),
            }
        })
    }
}

#[component]
fn Home() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let tracks = move || with_catalog(|c| c.map(|c| home(c, &ui.progress.get())).unwrap_or_default());
    view! {
        {move || next_up(&tracks()).map(|i| view! {
            <p class="continue"><a href=i.href.clone()>{format!("Continue: {}", i.title)}</a></p>
        })}
        {move || tracks().into_iter().map(|t| view! {
            <section class="track" data-track=t.id.clone() aria-label=t.title.clone()>
                <h3>{t.title.clone()}</h3>
                <p class="track-summary">{t.summary.clone()}</p>
                <div class="bar" role="progressbar" aria-label=format!("{} progress", t.title)
                    aria-valuemin="0" aria-valuemax=t.total.to_string() aria-valuenow=t.done.to_string()>
                    <span style=format!("width:{}%", t.percent())></span>
                </div>
                <p class="bar-text">{format!("{} of {} done", t.done, t.total)}</p>
                <ol class="lesson-list">
                    {t.items.into_iter().map(|i| view! {
                        <li class:done=i.done data-slug=i.slug.clone()>
                            <a href=i.href>{i.title}</a>
                            {if i.is_scenario { " · scenario" } else { "" }}
                            {i.done.then_some(" ✔ done")}
                            {i.best.map(|b| view! { <span class="best">{format!(" · {b}")}</span> })}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        }).collect_view()}
        <ProgressFile/>
    }
}

/// Export and import of the progress file (a JSON download; a file picker to merge one back).
#[component]
fn ProgressFile() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let status = RwSignal::new(String::new());
    let export = move |_| {
        let json = ui.progress.get_untracked().to_json();
        let href = format!("data:application/json;charset=utf-8,{}", js_sys::encode_uri_component(&json));
        let doc = web_sys::window().and_then(|w| w.document());
        if let Some(a) = doc.and_then(|d| d.create_element("a").ok()) {
            let _ = a.set_attribute("href", &href);
            let _ = a.set_attribute("download", "podlab-progress.json");
            if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
                a.click();
            }
        }
        status.set("Progress exported as podlab-progress.json.".into());
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let Ok(reader) = web_sys::FileReader::new() else { return };
        let r = reader.clone();
        let onload = wasm_bindgen::closure::Closure::once_into_js(move || {
            let text = r.result().ok().and_then(|v| v.as_string()).unwrap_or_default();
            match ui.import_progress(&text) {
                Ok(()) => status.set("Progress imported and merged.".into()),
                Err(e) => status.set(format!("Could not import: {e}")),
            }
        });
        reader.set_onload(Some(onload.unchecked_ref()));
        let _ = reader.read_as_text(&file);
        input.set_value("");
    };
    view! {
        <section class="progress-file" aria-label="Progress file">
            <button id="export-progress" on:click=export>"Export progress"</button>
            <label class="import">"Import progress " <input id="import-progress" type="file" accept="application/json,.json" on:change=import/></label>
            <p class="status" role="status">{move || status.get()}</p>
        </section>
    }
}

/// The live part of a task: checklist, hints, solved banner, quiz.
#[component]
fn TaskPanel() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let why = RwSignal::new(false);
    let checklist = move || {
        ui.version.track();
        ui.engine.with_value(|e| e.checklist().map(|c| (c, e.state_hints(), e.reference_replay)))
    };
    view! {
        {move || checklist().map(|(list, state_hints, reference)| view! {
            {reference.then(|| view! { <p class="replaying" role="status">"Replaying the reference solution: watch the terminal. It does not count as your solve; restart to try again."</p> })}
            <section class="checklist" aria-label="Goal">
                <h3>"Goal"</h3>
                <ul>
                    {list.items.into_iter().map(|i| {
                        let state = item_state(&i);
                        let mark = if i.holds { "✔" } else { "✖" };
                        view! {
                            <li class="check" class:met=i.holds data-holds=i.holds.to_string()>
                                <span class="mark" aria-hidden="true">{mark}</span>
                                <span class="check-text">{i.text}</span>
                                <span class="check-state">{format!(" ({state})")}</span>
                                {(why.get() && !i.holds).then(|| view! { <p class="why-not">{i.why_not}</p> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {(!list.solved).then(|| view! {
                    <button id="why-not" on:click=move |_| why.update(|w| *w = !*w) aria-expanded=move || why.get().to_string()>
                        {move || if why.get() { "Hide why" } else { "Why is the goal not met yet?" }}
                    </button>
                })}
                {(!state_hints.is_empty()).then(|| view! {
                    <ul class="state-hints" aria-label="Hints for what you have done so far">
                        {state_hints.into_iter().map(|h| view! { <li>"💡 "{h}</li> }).collect_view()}
                    </ul>
                })}
            </section>
        })}
        <Solved/>
        <InterviewClock/>
        <Hints/>
        <Quiz/>
        <div class="task-actions">
            <button id="restart-task" on:click=move |_| ui.restart_task()>"Restart this exercise"</button>
        </div>
    }
}

#[component]
fn Solved() -> impl IntoView {
    let ui = expect_context::<Ui>();
    move || {
        ui.solved.get().map(|r| {
            let replay = ui.engine.with_value(|e| e.reference_replay);
            let g = golf_summary(&r, replay);
            view! {
                <section id="solved" class="solved" role="status" aria-label="Solved">
                    <h3>"✔ Solved"</h3>
                    <p class="golf-you">{g.learner}</p>
                    <p class="golf-ref">{g.reference}</p>
                    {(!g.verdict.is_empty()).then(|| view! { <p class="golf-verdict">{g.verdict}</p> })}
                    <button id="replay-reference" on:click=move |_| ui.replay_reference()>"Replay the reference solution"</button>
                </section>
            }
        })
    }
}

/// Interview mode: the task's time limit counted down in wall time, started on request.
#[component]
fn InterviewClock() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let started: RwSignal<Option<u64>> = RwSignal::new(None);
    let now = RwSignal::new(0u64);
    let wall = || js_sys::Date::now().max(0.0) as u64;
    if let Ok(handle) = set_interval_with_handle(move || now.set(wall()), std::time::Duration::from_millis(500)) {
        on_cleanup(move || handle.clear());
    }
    move || {
        ui.task.track();
        let limit = ui.current_task()?.time_limit?.as_millis();
        Some(match started.get() {
            None => view! {
                <p class="interview"><button id="interview-start" on:click=move |_| { let t = wall(); now.set(t); started.set(Some(t)); }>
                    {format!("Interview mode: start a {} clock", crate::task::format_duration(limit))}
                </button></p>
            }
            .into_any(),
            Some(start) => {
                let (left, up) = countdown(limit, start, now.get());
                let solved = ui.solved.with(Option::is_some);
                view! {
                    <p class="interview" class:up=up role="timer" aria-label="Interview time left">
                        {if solved { format!("Solved with {left} to spare") } else if up { "Time is up: keep going, or read the hints".to_string() } else { format!("Time left {left}") }}
                    </p>
                }
                .into_any()
            }
        })
    }
}

#[component]
fn Hints() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let hints = move || ui.current_task().map(|t| t.hints).unwrap_or_default();
    let level = move || {
        let slug = ui.task.get().unwrap_or_default();
        ui.progress.with(|p| p.item(&slug).map_or(0, |i| i.hints_used))
    };
    move || {
        ui.task.track();
        let all = hints();
        let total = all.len();
        (total > 0).then(|| {
            let shown = level().min(total);
            view! {
                <section class="hints" aria-label="Hints">
                    <h3>"Hints"</h3>
                    <ol>{all.into_iter().take(shown).map(|h| view! { <li>{h}</li> }).collect_view()}</ol>
                    {(shown < total).then(|| view! {
                        <button id="next-hint" on:click=move |_| ui.reveal_hint(total)>{format!("Show hint {} of {}", shown + 1, total)}</button>
                    })}
                </section>
            }
        })
    }
}

#[component]
fn Quiz() -> impl IntoView {
    let ui = expect_context::<Ui>();
    move || {
        ui.task.track();
        let task = ui.current_task()?;
        (!task.questions.is_empty()).then(|| view! {
            <section class="quiz" aria-label="Quiz">
                <h3>"Quiz"</h3>
                {task.questions.into_iter().map(|q| view! { <QuestionView q=q/> }).collect_view()}
            </section>
        })
    }
}

#[component]
fn QuestionView(q: Question) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let picked: RwSignal<Vec<usize>> = RwSignal::new(Vec::new());
    let text = RwSignal::new(String::new());
    let slug = ui.task.get_untracked().unwrap_or_default();
    let previous = ui.progress.with_untracked(|p| p.item(&slug).and_then(|i| i.quiz.get(&q.id)).map(|r| r.correct));
    let verdict: RwSignal<Option<bool>> = RwSignal::new(previous);
    let many = q.correct.len() > 1;
    let group = format!("q-{}", q.id);
    let qc = q.clone();
    let check = move |_| {
        let answer = if qc.is_multiple_choice() { Answer::Choices(picked.get_untracked()) } else { Answer::Text(text.get_untracked()) };
        verdict.set(Some(ui.answer(&qc, answer)));
    };
    let explain = q.explain.clone();
    view! {
        <fieldset class="question" data-question=q.id.clone()>
            <legend>{q.prompt.clone()}</legend>
            {if q.is_multiple_choice() {
                q.choices.iter().enumerate().map(|(i, c)| view! {
                    <label class="choice">
                        <input type=if many { "checkbox" } else { "radio" } name=group.clone() value=i.to_string()
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                picked.update(|p| {
                                    if !many { p.clear(); }
                                    p.retain(|x| *x != i);
                                    if on { p.push(i); }
                                });
                            }/>
                        " "{c.clone()}
                    </label>
                }).collect_view().into_any()
            } else {
                view! { <input type="text" class="short-answer" aria-label="Your answer" on:input=move |ev| text.set(event_target_value(&ev))/> }.into_any()
            }}
            <button class="check-answer" on:click=check>"Check"</button>
            {move || verdict.get().map(|ok| view! {
                <p class="feedback" class:right=ok role="status">{if ok { "✔ Right. " } else { "✖ Not quite. " }}{explain.clone()}</p>
            })}
        </fieldset>
    }
}
