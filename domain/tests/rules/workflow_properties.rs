//! Properties of the workflow: whatever is asked, by whom, a case only ever moves along an arrow
//! of the diagram in DOMAIN.md, and a terminal stage refuses everything.

use leder_domain::review_type::{DataQualityFlag, ReviewType};
use leder_domain::workflow::{Action, Actor, Findings, Request, Role, Stage, transition};
use proptest::prelude::*;

use crate::workflow::{actor, case, complete_findings, icb};

/// The arrows of the diagram (and the reallocation and escalation that stay in place).
fn is_arrow(from: Stage, to: Stage) -> bool {
    use Stage::*;
    // DOMAIN.md: "any open stage <-> on_hold", from awaiting allocation on.
    let holdable = [
        AwaitingAllocation,
        Allocated,
        InReview,
        AwaitingQa,
        AwaitingSignOff,
    ];
    matches!(
        (from, to),
        (AwaitingAllocation, Allocated)
            | (Allocated, Allocated)
            | (Allocated, InReview)
            | (InReview, InReview)
            | (InReview, AwaitingQa)
            | (AwaitingQa, InReview)
            | (AwaitingQa, AwaitingSignOff)
            | (AwaitingSignOff, Completed)
            | (ReferredToChildDeathReview, Completed)
    ) || (holdable.contains(&from) && to == OnHold)
        || (from == OnHold && holdable.contains(&to))
}

fn actors() -> Vec<Actor> {
    vec![
        actor("lead", &[Role::IcsLead]),
        actor("rev", &[Role::Reviewer]),
        actor("qa", &[Role::QaPanel]),
        actor("rev", &[Role::QaPanel, Role::Reviewer, Role::IcsLead]),
        actor("senior", &[Role::QaPanel, Role::Reviewer, Role::IcsLead]),
        actor("client", &[Role::Integration]),
        actor("admin", &[Role::Admin]),
    ]
}

#[derive(Debug, Clone)]
struct Attempt {
    stage: Stage,
    action: Action,
    actor: usize,
    candidate: bool,
    reason: Option<&'static str>,
    comment: Option<&'static str>,
    resume_to: Option<Stage>,
    review_type: Option<ReviewType>,
    learning_points: usize,
    complete: bool,
    flagged: bool,
}

fn attempts() -> impl Strategy<Value = Attempt> {
    (
        (
            prop::sample::select(Stage::ALL.to_vec()),
            prop::sample::select(Action::ALL.to_vec()),
            0..actors().len(),
            any::<bool>(),
            prop::sample::select(vec![
                None,
                Some(""),
                Some("coroner_inquest"),
                Some("other"),
                Some("because"),
            ]),
            prop::sample::select(vec![None, Some(""), Some("a comment")]),
        ),
        (
            prop::option::of(prop::sample::select(Stage::ALL.to_vec())),
            prop::sample::select(vec![
                None,
                Some(ReviewType::Initial),
                Some(ReviewType::Focused),
            ]),
            0usize..2,
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (stage, action, actor, candidate, reason, comment),
                (resume_to, review_type, learning_points, complete, flagged),
            )| Attempt {
                stage,
                action,
                actor,
                candidate,
                reason,
                comment,
                resume_to,
                review_type,
                learning_points,
                complete,
                flagged,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn the_workflow_never_leaves_the_diagram_and_terminal_stages_refuse_everything(
        attempt in attempts()
    ) {
        let icb = icb();
        let findings = if attempt.complete {
            complete_findings(ReviewType::Focused)
        } else {
            Findings::default()
        };
        let flags = [DataQualityFlag::EthnicCategoryUnresolved];
        let mut subject = case(attempt.stage, &icb, &findings);
        subject.resume_to = attempt.resume_to;
        subject.review_type = attempt.review_type;
        subject.learning_points = attempt.learning_points;
        subject.data_quality_flags = if attempt.flagged { &flags } else { &[] };
        let candidate = actor("rev2", &[Role::Reviewer]);
        let request = Request {
            action: attempt.action,
            reviewer: attempt.candidate.then_some(&candidate),
            reason: attempt.reason,
            comment: attempt.comment,
        };
        let actors = actors();
        let result = transition(&subject, &request, &actors[attempt.actor]);
        if attempt.stage.is_terminal() {
            prop_assert!(result.is_err());
        }
        if let Ok(moved) = result {
            prop_assert_eq!(moved.from, attempt.stage);
            prop_assert!(is_arrow(moved.from, moved.to), "{:?} → {:?}", moved.from, moved.to);
            if moved.from == Stage::OnHold {
                prop_assert_eq!(Some(moved.to), attempt.resume_to);
            }
        }
    }
}

fn walk_step() -> impl Strategy<Value = (Action, usize, bool)> {
    (
        prop::sample::select(Action::ALL.to_vec()),
        0..actors().len(),
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_case_walked_by_anyone_from_awaiting_allocation_stays_on_the_diagram(
        steps in prop::collection::vec(walk_step(), 1..40)
    ) {
        use leder_domain::workflow::Effect;
        let icb = icb();
        let findings = complete_findings(ReviewType::Focused);
        let candidate = actor("rev", &[Role::Reviewer]);
        let actors = actors();
        let mut stage = Stage::AwaitingAllocation;
        let mut resume_to = None;
        let mut reviewer_id: Option<String> = None;
        for (action, who, hold_for_other) in steps {
            let mut subject = case(stage, &icb, &findings);
            subject.reviewer_id = reviewer_id.as_deref();
            subject.resume_to = resume_to;
            let request = Request {
                action,
                reviewer: Some(&candidate),
                reason: Some(match (action, hold_for_other) {
                    (Action::Hold, true) => "other",
                    (Action::Hold, false) => "safeguarding_enquiry",
                    _ => "a reason",
                }),
                comment: Some("a comment"),
            };
            if let Ok(moved) = transition(&subject, &request, &actors[who]) {
                prop_assert!(is_arrow(moved.from, moved.to), "{:?} → {:?}", moved.from, moved.to);
                match moved.effect {
                    Effect::Allocated { reviewer_id: id, .. } => reviewer_id = Some(id),
                    Effect::HoldStarted { resume_to: back, .. } => resume_to = Some(back),
                    Effect::HoldEnded => resume_to = None,
                    _ => {}
                }
                stage = moved.to;
            }
            prop_assert!(
                stage.is_open() || stage == Stage::Completed,
                "a walk from awaiting_allocation reached {stage}"
            );
            if stage == Stage::Completed {
                break;
            }
        }
    }
}
