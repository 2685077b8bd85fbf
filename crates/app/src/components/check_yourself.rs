//! "Check yourself": a few multiple-choice questions under a section. A
//! choice shows at once whether it was right and why; answers are kept in
//! this browser (local storage) so progress survives a reload, and nothing
//! leaves the machine.

use leptos::prelude::*;
use std::collections::BTreeMap;

/// Where the answers are kept: `{question id: chosen index}` as JSON.
const STORAGE_KEY: &str = "attend.answers";

/// One question with its choices; `answer` indexes `choices`.
#[derive(Debug, PartialEq, Eq)]
pub struct Question {
    /// Unique across the lesson (`<section slug>-<n>`), the storage key.
    pub id: &'static str,
    /// The slug of the section it belongs to.
    pub section: &'static str,
    pub prompt: &'static str,
    pub choices: &'static [&'static str],
    pub answer: usize,
    /// Why the answer is right, shown once a choice is made.
    pub why: &'static str,
}

type Answers = BTreeMap<String, usize>;

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// What this browser remembers; unreadable or missing storage is "nothing yet".
fn load_answers() -> Answers {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|raw| serde_json::from_str(&raw).ok())
        .unwrap_or_default()
}

fn save_answers(answers: &Answers) {
    let Some(s) = storage() else { return };
    match serde_json::to_string(answers) {
        Ok(json) => attend_runtime::report::warn_on_err(
            "remembering the answers",
            s.set_item(STORAGE_KEY, &json),
        ),
        Err(e) => web_sys::console::warn_1(&format!("Attend: answers not saved: {e}").into()),
    }
}

/// How many of `questions` the reader got right.
pub fn correct(questions: &[&Question], answers: &Answers) -> usize {
    questions
        .iter()
        .filter(|q| answers.get(q.id) == Some(&q.answer))
        .count()
}

/// The questions of `section` from `all`, in order.
pub fn of_section<'a>(all: &'a [Question], section: &str) -> Vec<&'a Question> {
    all.iter().filter(|q| q.section == section).collect()
}

/// The box of questions for `section`; nothing when it has none.
#[component]
pub fn CheckYourself(section: &'static str, all: &'static [Question]) -> impl IntoView {
    let questions = of_section(all, section);
    if questions.is_empty() {
        return ().into_any();
    }
    let answers = RwSignal::new(load_answers());
    let every: Vec<&'static Question> = all.iter().collect();
    let mine = questions.clone();
    let progress = move || {
        answers.with(|a| {
            format!(
                "{} of {} right in this section · {} of {} in the whole lesson (kept in this browser only)",
                correct(&mine, a),
                mine.len(),
                correct(&every, a),
                every.len()
            )
        })
    };
    let choose = move |id: &'static str, choice: Option<usize>| {
        answers.update(|a| match choice {
            Some(c) => {
                a.insert(id.to_string(), c);
            }
            None => {
                a.remove(id);
            }
        });
        answers.with_untracked(save_answers);
    };
    view! {
        <aside class="check-yourself" data-testid="quiz" data-section=section aria-label="Check yourself">
            <h2>"Check yourself"</h2>
            <p class="quiz-progress" data-testid="quiz-progress" aria-live="polite">{progress}</p>
            {questions.into_iter().map(|q| view! { <QuestionBox q=q answers=answers choose=choose /> }).collect_view()}
            <button type="button" data-testid="quiz-reset" on:click=move |_| {
                answers.set(Answers::new());
                if let Some(s) = storage() {
                    attend_runtime::report::warn_on_err("forgetting the answers", s.remove_item(STORAGE_KEY));
                }
            }>"Forget all my answers"</button>
        </aside>
    }
    .into_any()
}

#[component]
fn QuestionBox(
    q: &'static Question,
    answers: RwSignal<Answers>,
    choose: impl Fn(&'static str, Option<usize>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let picked = move || answers.with(|a| a.get(q.id).copied().filter(|&c| c < q.choices.len()));
    let state = move || match picked() {
        None => "unanswered",
        Some(c) if c == q.answer => "right",
        Some(_) => "wrong",
    };
    view! {
        <fieldset class="quiz-question" data-testid="quiz-question" data-id=q.id data-state=state>
            <legend>{q.prompt}</legend>
            <div class="quiz-choices" role="group">
                {q.choices.iter().enumerate().map(|(i, text)| view! {
                    <button type="button" data-testid="quiz-choice" data-index=i
                        aria-pressed=move || if picked() == Some(i) { "true" } else { "false" }
                        prop:disabled=move || picked().is_some()
                        class=move || match picked() {
                            Some(_) if i == q.answer => "quiz-choice correct",
                            Some(c) if c == i => "quiz-choice chosen",
                            _ => "quiz-choice",
                        }
                        on:click=move |_| choose(q.id, Some(i))>{*text}</button>
                }).collect_view()}
            </div>
            {move || picked().map(|c| view! {
                <p class="quiz-feedback" data-testid="quiz-feedback">
                    <strong>{if c == q.answer { "Right. " } else { "Not quite. " }}</strong>
                    {q.why}" "
                    <button type="button" class="linkish" data-testid="quiz-again" on:click=move |_| choose(q.id, None)>"Try again"</button>
                </p>
            })}
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QS: [Question; 2] = [
        Question {
            id: "a-1",
            section: "a",
            prompt: "?",
            choices: &["x", "y"],
            answer: 1,
            why: "",
        },
        Question {
            id: "b-1",
            section: "b",
            prompt: "?",
            choices: &["x", "y"],
            answer: 0,
            why: "",
        },
    ];

    #[test]
    fn answers_are_counted_per_section_and_overall() {
        let mut answers = Answers::new();
        answers.insert("a-1".into(), 1);
        answers.insert("b-1".into(), 1);
        answers.insert("gone-1".into(), 0);
        assert_eq!(correct(&of_section(&QS, "a"), &answers), 1);
        assert_eq!(correct(&of_section(&QS, "b"), &answers), 0);
        let all: Vec<&Question> = QS.iter().collect();
        assert_eq!(correct(&all, &answers), 1);
        assert!(of_section(&QS, "c").is_empty());
    }
}
