//! DOMAIN.md, "Stages": every cell of the stage × action table, who may act, the order of
//! refusals, and each action's own rule.

use leder_domain::OdsCode;
use leder_domain::review_type::{DataQualityFlag, ReviewType};
use leder_domain::workflow::{
    Action, Actor, Case, Effect, Findings, Missing, Refusal, RefusalKind, Request, Role, Stage,
    allowed_from, transition,
};

pub fn icb() -> OdsCode {
    OdsCode::parse("QOP").unwrap()
}

pub fn actor(id: &str, roles: &[Role]) -> Actor {
    let organisation = if roles
        .iter()
        .any(|role| matches!(role, Role::Admin | Role::NationalAnalyst))
    {
        None
    } else {
        Some(icb())
    };
    Actor::new(id, roles, organisation).unwrap()
}

pub fn lead() -> Actor {
    actor("lead", &[Role::IcsLead])
}

/// The case's allocated reviewer.
pub fn reviewer() -> Actor {
    actor("rev", &[Role::Reviewer])
}

pub fn qa() -> Actor {
    actor("qa", &[Role::QaPanel])
}

pub fn complete_findings(review_type: ReviewType) -> Findings {
    use leder_domain::workflow::{
        CauseOfDeath, Dnacpr, FamilyInvolvement, KeyEpisode, MentalCapacityAct, UnderlyingCause,
    };
    use leder_domain::{CareGrade, IcdCode, PlaceOfDeath};
    let mut findings = Findings {
        pen_portrait: Some("Loved music and his garden.".into()),
        cause_of_death: Some(CauseOfDeath {
            part_1a: Some("Aspiration pneumonia".into()),
            underlying: Some(UnderlyingCause::Known(IcdCode::parse("J69.0").unwrap())),
            ..CauseOfDeath::default()
        }),
        place_of_death: Some(PlaceOfDeath::Hospital),
        dnacpr: Some(Dnacpr {
            in_place: Some(true),
            process_correct: Some(false),
        }),
        mental_capacity_act: Some(MentalCapacityAct {
            relevant: Some(false),
            followed: None,
        }),
        annual_health_check_last_12_months: Some(true),
        care_grade: Some(CareGrade::parse(3).unwrap()),
        family_involvement: Some(FamilyInvolvement {
            contacted: Some(true),
            recorded: true,
            ..FamilyInvolvement::default()
        }),
        ..Findings::default()
    };
    if review_type == ReviewType::Focused {
        findings.key_episodes.push(KeyEpisode {
            date: time::macros::date!(2025 - 01 - 02),
            setting: "acute hospital".into(),
            description: "admitted with a chest infection".into(),
        });
        findings.contributors.push("GP".into());
    }
    findings
}

/// A case at `stage`, allocated to `rev`, initial review, complete, one learning point.
pub fn case<'a>(stage: Stage, icb: &'a OdsCode, findings: &'a Findings) -> Case<'a> {
    Case {
        stage,
        organisation: icb,
        reviewer_id: Some("rev"),
        review_type: Some(ReviewType::Initial),
        resume_to: (stage == Stage::OnHold).then_some(Stage::InReview),
        findings,
        learning_points: 1,
        data_quality_flags: &[],
    }
}

/// A request for `action` with everything any action could need.
pub fn full_request<'a>(action: Action, candidate: &'a Actor) -> Request<'a> {
    Request {
        action,
        reviewer: Some(candidate),
        reason: Some(if action == Action::Hold {
            "coroner_inquest"
        } else {
            "a written reason"
        }),
        comment: Some("a comment"),
    }
}

/// The actor the table names for each action.
pub fn able_actor(action: Action) -> Actor {
    match action {
        Action::Allocate | Action::SignOff | Action::RecordChildDeathReviewOutcome => lead(),
        Action::Return | Action::Approve => qa(),
        _ => reviewer(),
    }
}

use Stage::{
    Allocated as AL, AwaitingAllocation as AA, AwaitingQa as AQ, AwaitingSignOff as ASO,
    Completed as C, InReview as IR, NotEligible as NE, OnHold as OH, OptedOut as OO,
    ReferredToChildDeathReview as CDR,
};
const X: Option<Stage> = None;

/// The stage × action table: where each action takes a case from each stage (`X`: refused).
/// Columns follow `Stage::ALL`: AA, AL, IR, AQ, ASO, C, OH, NE, OO, CDR.
const TABLE: [(Action, [Option<Stage>; 10]); 10] = [
    (
        Action::Allocate,
        [Some(AL), Some(AL), Some(IR), X, X, X, X, X, X, X],
    ),
    (Action::Start, [X, Some(IR), X, X, X, X, X, X, X, X]),
    (
        Action::Escalate,
        [X, Some(AL), Some(IR), X, X, X, X, X, X, X],
    ),
    (Action::Submit, [X, X, Some(AQ), X, X, X, X, X, X, X]),
    (Action::Return, [X, X, X, Some(IR), X, X, X, X, X, X]),
    (Action::Approve, [X, X, X, Some(ASO), X, X, X, X, X, X]),
    (Action::SignOff, [X, X, X, X, Some(C), X, X, X, X, X]),
    (
        Action::Hold,
        [
            Some(OH),
            Some(OH),
            Some(OH),
            Some(OH),
            Some(OH),
            X,
            X,
            X,
            X,
            X,
        ],
    ),
    (Action::Resume, [X, X, X, X, X, X, Some(IR), X, X, X]),
    (
        Action::RecordChildDeathReviewOutcome,
        [X, X, X, X, X, X, X, X, X, Some(C)],
    ),
];

#[test]
fn every_cell_of_the_stage_by_action_table() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let candidate = actor("rev2", &[Role::Reviewer]);
    assert_eq!(Stage::ALL, [AA, AL, IR, AQ, ASO, C, OH, NE, OO, CDR]);
    for (action, row) in TABLE {
        for (stage, expected) in Stage::ALL.iter().zip(row) {
            let result = transition(
                &case(*stage, &icb, &findings),
                &full_request(action, &candidate),
                &able_actor(action),
            );
            match expected {
                Some(to) => assert_eq!(result.unwrap().to, to, "{action} from {stage}"),
                None => assert_eq!(
                    result.unwrap_err(),
                    Refusal::StageDoesNotAllow {
                        stage: *stage,
                        what: action.as_str()
                    },
                    "{action} from {stage}"
                ),
            }
            let allowed = allowed_from(action).contains(stage);
            assert_eq!(allowed, expected.is_some(), "{action} from {stage}");
        }
    }
}

const OK: &str = "ok";
const RNP: &str = "role_not_permitted";
const NTAR: &str = "not_the_allocated_reviewer";
const OWN: &str = "own_review";
const NF: &str = "not_found";

#[test]
fn who_may_take_each_action_is_a_role_plus_a_relationship_to_the_case() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let candidate = actor("rev2", &[Role::Reviewer]);
    let other_icb = Actor::new(
        "lead2",
        &[Role::IcsLead],
        Some(OdsCode::parse("QYG").unwrap()),
    )
    .unwrap();
    let actors = [
        lead(),
        reviewer(),
        qa(),
        actor("senior", &[Role::IcsLead, Role::QaPanel, Role::Reviewer]),
        actor("rev", &[Role::QaPanel, Role::Reviewer]),
        actor("client", &[Role::Integration]),
        other_icb,
        actor("admin", &[Role::Admin]),
        actor("analyst", &[Role::NationalAnalyst]),
        actor("rev2", &[Role::Reviewer]),
    ];
    // Columns: lead, allocated reviewer, QA, lead+QA+reviewer (not allocated), QA+allocated
    // reviewer, integration client, another ICB's lead, admin, national analyst, a reviewer
    // not allocated to the case.
    let table: [(Action, [&str; 10]); 10] = [
        (
            Action::Allocate,
            [OK, RNP, RNP, OK, RNP, RNP, NF, NF, NF, NF],
        ),
        (Action::Start, [RNP, OK, RNP, NTAR, OK, RNP, NF, NF, NF, NF]),
        (Action::Escalate, [OK, OK, RNP, OK, OK, RNP, NF, NF, NF, NF]),
        (
            Action::Submit,
            [RNP, OK, RNP, NTAR, OK, RNP, NF, NF, NF, NF],
        ),
        (Action::Return, [RNP, RNP, OK, OK, OK, RNP, NF, NF, NF, NF]),
        (
            Action::Approve,
            [RNP, RNP, OK, OK, OWN, RNP, NF, NF, NF, NF],
        ),
        (
            Action::SignOff,
            [OK, RNP, RNP, OK, RNP, RNP, NF, NF, NF, NF],
        ),
        (Action::Hold, [OK, OK, RNP, OK, OK, RNP, NF, NF, NF, NF]),
        (Action::Resume, [OK, OK, RNP, OK, OK, RNP, NF, NF, NF, NF]),
        (
            Action::RecordChildDeathReviewOutcome,
            [OK, RNP, RNP, OK, RNP, RNP, NF, NF, NF, NF],
        ),
    ];
    for (action, row) in table {
        let stage = allowed_from(action)[0];
        let case = case(stage, &icb, &findings);
        for (actor, expected) in actors.iter().zip(row) {
            let result = transition(&case, &full_request(action, &candidate), actor);
            let code = result.map_or_else(|refusal| refusal.code(), |_| OK);
            assert_eq!(code, expected, "{action} by {actor:?}");
        }
    }
}

#[test]
fn refusals_check_scope_then_role_then_stage_then_the_rule() {
    let icb = icb();
    let incomplete = Findings::default();
    let admin = actor("admin", &[Role::Admin]);
    // Out of scope wins over role and stage.
    let refusal = transition(
        &case(C, &icb, &incomplete),
        &Request::new(Action::SignOff),
        &admin,
    )
    .unwrap_err();
    assert_eq!(refusal.kind(), RefusalKind::OutOfScope);
    // Role wins over stage.
    let refusal = transition(
        &case(IR, &icb, &incomplete),
        &Request::new(Action::SignOff),
        &qa(),
    )
    .unwrap_err();
    assert_eq!(refusal, Refusal::RoleNotPermitted("sign_off"));
    assert_eq!(refusal.kind(), RefusalKind::NotPermitted);
    // Stage wins over the rule.
    let refusal = transition(
        &case(AL, &icb, &incomplete),
        &Request::new(Action::Submit),
        &reviewer(),
    )
    .unwrap_err();
    assert_eq!(refusal.kind(), RefusalKind::WrongStage);
    // Then the rule.
    let refusal = transition(
        &case(IR, &icb, &incomplete),
        &Request::new(Action::Submit),
        &reviewer(),
    )
    .unwrap_err();
    assert_eq!(refusal.kind(), RefusalKind::BreaksRule);
}

#[test]
fn qa_by_the_cases_own_reviewer_is_refused() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let own = actor("rev", &[Role::QaPanel, Role::Reviewer]);
    let refusal = transition(
        &case(AQ, &icb, &findings),
        &Request::new(Action::Approve),
        &own,
    )
    .unwrap_err();
    assert_eq!(refusal, Refusal::OwnReview);
    assert_eq!(refusal.kind(), RefusalKind::NotPermitted);
    // Returning it is not approving it.
    let mut request = Request::new(Action::Return);
    request.comment = Some("see me");
    assert_eq!(
        transition(&case(AQ, &icb, &findings), &request, &own)
            .unwrap()
            .to,
        IR
    );
}

#[test]
fn sign_off_without_a_learning_point_is_refused() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let mut awaiting = case(ASO, &icb, &findings);
    awaiting.learning_points = 0;
    let refusal = transition(&awaiting, &Request::new(Action::SignOff), &lead()).unwrap_err();
    assert_eq!(refusal, Refusal::NoLearningPoint);
    assert_eq!(refusal.code(), "no_learning_point");
}

#[test]
fn submitting_an_incomplete_form_names_what_is_missing() {
    let icb = icb();
    let mut findings = complete_findings(ReviewType::Initial);
    findings.pen_portrait = Some("   ".into());
    findings.care_grade = None;
    let refusal = transition(
        &case(IR, &icb, &findings),
        &Request::new(Action::Submit),
        &reviewer(),
    )
    .unwrap_err();
    assert_eq!(
        refusal,
        Refusal::FindingsIncomplete {
            missing: vec![Missing::PenPortrait, Missing::CareGrade]
        }
    );
    assert_eq!(refusal.code(), "findings_incomplete");
    assert!(refusal.to_string().contains("pen_portrait, care_grade"));
}

#[test]
fn a_focused_review_needs_key_episodes_and_contributors_to_submit() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let mut focused = case(IR, &icb, &findings);
    focused.review_type = Some(ReviewType::Focused);
    assert_eq!(
        transition(&focused, &Request::new(Action::Submit), &reviewer()).unwrap_err(),
        Refusal::FindingsIncomplete {
            missing: vec![Missing::KeyEpisodes, Missing::Contributors]
        }
    );
    let complete = complete_findings(ReviewType::Focused);
    focused.findings = &complete;
    assert_eq!(
        transition(&focused, &Request::new(Action::Submit), &reviewer())
            .unwrap()
            .to,
        AQ
    );
}

#[test]
fn submitting_with_an_open_data_quality_flag_is_refused() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let mut flagged = case(IR, &icb, &findings);
    flagged.data_quality_flags = &[DataQualityFlag::EthnicCategoryUnresolved];
    let refusal = transition(&flagged, &Request::new(Action::Submit), &reviewer()).unwrap_err();
    assert_eq!(refusal.code(), "open_data_quality_flag");
    assert_eq!(refusal.kind(), RefusalKind::BreaksRule);
}

#[test]
fn allocation_needs_a_reviewer_of_the_cases_icb() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let waiting = case(AA, &icb, &findings);
    let refuse = |candidate: Option<&Actor>| {
        let mut request = Request::new(Action::Allocate);
        request.reviewer = candidate;
        transition(&waiting, &request, &lead()).unwrap_err()
    };
    assert_eq!(refuse(None), Refusal::ReviewerRequired);
    assert_eq!(refuse(Some(&qa())), Refusal::NotAReviewerInThisIcb);
    let elsewhere = Actor::new(
        "rev9",
        &[Role::Reviewer],
        Some(OdsCode::parse("QYG").unwrap()),
    )
    .unwrap();
    assert_eq!(refuse(Some(&elsewhere)), Refusal::NotAReviewerInThisIcb);
    let candidate = actor("rev2", &[Role::Reviewer, Role::QaPanel]);
    let mut request = Request::new(Action::Allocate);
    request.reviewer = Some(&candidate);
    assert_eq!(
        transition(&waiting, &request, &lead()).unwrap(),
        leder_domain::workflow::Transition {
            from: AA,
            to: AL,
            effect: Effect::Allocated {
                reviewer_id: "rev2".into(),
                reallocation_reason: None
            }
        }
    );
}

#[test]
fn a_reallocation_from_in_review_needs_a_reason_and_stays_in_review() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let candidate = actor("rev2", &[Role::Reviewer]);
    let mut request = Request::new(Action::Allocate);
    request.reviewer = Some(&candidate);
    request.reason = Some("  ");
    let reviewing = case(IR, &icb, &findings);
    let refusal = transition(&reviewing, &request, &lead()).unwrap_err();
    assert_eq!(refusal, Refusal::ReasonRequired("reallocate"));
    assert_eq!(refusal.field(), Some("reason"));
    request.reason = Some("long-term sickness");
    let moved = transition(&reviewing, &request, &lead()).unwrap();
    assert_eq!(moved.to, IR);
    assert_eq!(
        moved.effect,
        Effect::Allocated {
            reviewer_id: "rev2".into(),
            reallocation_reason: Some("long-term sickness".into())
        }
    );
}

#[test]
fn escalation_needs_a_reason_and_an_initial_review() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let mut allocated = case(AL, &icb, &findings);
    let mut request = Request::new(Action::Escalate);
    assert_eq!(
        transition(&allocated, &request, &reviewer()).unwrap_err(),
        Refusal::ReasonRequired("escalate")
    );
    request.reason = Some("several hospital admissions in a month");
    assert_eq!(
        transition(&allocated, &request, &lead()).unwrap(),
        leder_domain::workflow::Transition {
            from: AL,
            to: AL,
            effect: Effect::Escalated {
                reason: "several hospital admissions in a month".into()
            }
        }
    );
    allocated.review_type = Some(ReviewType::Focused);
    let refusal = transition(&allocated, &request, &reviewer()).unwrap_err();
    assert_eq!(refusal, Refusal::NotAnInitialReview);
    assert_eq!(refusal.kind(), RefusalKind::WrongStage);
}

#[test]
fn a_return_needs_a_comment_and_goes_back_to_in_review() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let qa_stage = case(AQ, &icb, &findings);
    let mut request = Request::new(Action::Return);
    assert_eq!(
        transition(&qa_stage, &request, &qa()).unwrap_err(),
        Refusal::CommentRequired
    );
    request.comment = Some("the family's view is missing");
    let returned = transition(&qa_stage, &request, &qa()).unwrap();
    assert_eq!((returned.from, returned.to), (AQ, IR));
    assert_eq!(
        returned.effect,
        Effect::Returned {
            comment: "the family's view is missing".into()
        }
    );
}

#[test]
fn a_hold_needs_a_reason_from_the_list_and_text_for_other() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let reviewing = case(IR, &icb, &findings);
    let hold = |reason: Option<&str>, comment: Option<&str>| {
        let mut request = Request::new(Action::Hold);
        request.reason = reason;
        request.comment = comment;
        transition(&reviewing, &request, &reviewer())
    };
    assert_eq!(hold(None, None).unwrap_err(), Refusal::InvalidHoldReason);
    assert_eq!(
        hold(Some("holiday"), None).unwrap_err(),
        Refusal::InvalidHoldReason
    );
    assert_eq!(
        hold(Some("other"), Some(" ")).unwrap_err(),
        Refusal::HoldTextRequired
    );
    assert_eq!(
        hold(Some("other"), Some("awaiting records")).unwrap().to,
        OH
    );
}

#[test]
fn hold_and_resume_return_to_the_stage_the_case_left() {
    use leder_domain::workflow::HoldReason;
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    for stage in [AL, IR, AQ, ASO] {
        let mut request = Request::new(Action::Hold);
        request.reason = Some("police_investigation");
        let held = transition(&case(stage, &icb, &findings), &request, &lead()).unwrap();
        assert_eq!(held.to, OH);
        assert_eq!(
            held.effect,
            Effect::HoldStarted {
                reason: HoldReason::PoliceInvestigation,
                text: None,
                resume_to: stage
            }
        );
        let mut on_hold = case(OH, &icb, &findings);
        on_hold.resume_to = Some(stage);
        let resumed = transition(&on_hold, &Request::new(Action::Resume), &reviewer()).unwrap();
        assert_eq!((resumed.to, resumed.effect), (stage, Effect::HoldEnded));
    }
}

#[test]
fn before_allocation_only_the_lead_holds_a_case_and_it_resumes_awaiting_allocation() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let mut waiting = case(AA, &icb, &findings);
    waiting.reviewer_id = None;
    let mut request = Request::new(Action::Hold);
    request.reason = Some("coroner_inquest");
    // A reviewer sees only the cases allocated to them.
    assert_eq!(
        transition(&waiting, &request, &reviewer()).unwrap_err(),
        Refusal::OutOfScope
    );
    let held = transition(&waiting, &request, &lead()).unwrap();
    assert_eq!(held.to, OH);
    let mut on_hold = case(OH, &icb, &findings);
    on_hold.reviewer_id = None;
    on_hold.resume_to = Some(AA);
    let resumed = transition(&on_hold, &Request::new(Action::Resume), &lead()).unwrap();
    assert_eq!((resumed.to, resumed.effect), (AA, Effect::HoldEnded));
}

#[test]
fn a_hold_whose_stage_to_resume_to_is_unknown_cannot_resume() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let mut on_hold = case(OH, &icb, &findings);
    for resume_to in [None, Some(C), Some(OH), Some(NE)] {
        on_hold.resume_to = resume_to;
        assert_eq!(
            transition(&on_hold, &Request::new(Action::Resume), &lead()).unwrap_err(),
            Refusal::ResumeStageUnknown
        );
    }
}

#[test]
fn the_child_death_review_outcome_completes_a_referred_case() {
    let icb = icb();
    let findings = Findings::default();
    let mut referred = case(CDR, &icb, &findings);
    referred.reviewer_id = None;
    referred.review_type = None;
    let done = transition(
        &referred,
        &Request::new(Action::RecordChildDeathReviewOutcome),
        &lead(),
    )
    .unwrap();
    assert_eq!((done.from, done.to), (CDR, C));
}

#[test]
fn every_terminal_stage_refuses_every_action() {
    let icb = icb();
    let findings = complete_findings(ReviewType::Initial);
    let candidate = actor("rev2", &[Role::Reviewer]);
    for stage in [C, NE, OO] {
        assert!(stage.is_terminal());
        for action in Action::ALL {
            let refusal = transition(
                &case(stage, &icb, &findings),
                &full_request(*action, &candidate),
                &able_actor(*action),
            )
            .unwrap_err();
            assert_eq!(
                refusal.kind(),
                RefusalKind::WrongStage,
                "{action} at {stage}"
            );
        }
    }
}

/// DOMAIN.md, "Oversight": the coordinator of the region sees its ICBs' cases, and takes no
/// action on them (403, after the scope's 404); one who oversees other ICBs does not see them.
#[test]
fn a_regional_coordinator_sees_its_regions_cases_and_moves_none_of_them() {
    let y62 = Some(OdsCode::parse("Y62").unwrap());
    let coordinator = Actor::new("rc", &[Role::RegionalCoordinator], y62.clone())
        .unwrap()
        .overseeing(vec![icb(), OdsCode::parse("QYG").unwrap()]);
    let elsewhere = Actor::new("rc2", &[Role::RegionalCoordinator], y62)
        .unwrap()
        .overseeing(vec![OdsCode::parse("QE1").unwrap()]);
    let findings = Findings::default();
    let icb = icb();
    assert!(coordinator.can_see_case(&icb, None));
    assert!(coordinator.oversees(&icb));
    assert!(!elsewhere.can_see_case(&icb, None));
    let candidate = reviewer();
    for action in Action::ALL {
        for stage in Stage::ALL {
            let c = case(*stage, &icb, &findings);
            let request = full_request(*action, &candidate);
            let refused = transition(&c, &request, &coordinator).unwrap_err();
            assert_eq!(
                refused.kind(),
                RefusalKind::NotPermitted,
                "{action} at {stage}"
            );
            let hidden = transition(&c, &request, &elsewhere).unwrap_err();
            assert_eq!(hidden, Refusal::OutOfScope, "{action} at {stage}");
        }
    }
    assert_eq!(
        Actor::new("rc", &[Role::RegionalCoordinator], None),
        Err(leder_domain::workflow::ActorError::OrganisationRequired)
    );
    assert_eq!(
        Actor::new(
            "rc",
            &[Role::RegionalCoordinator, Role::IcsLead],
            Some(icb.clone())
        ),
        Err(leder_domain::workflow::ActorError::RoleStandsAlone)
    );
    let lead_overseeing = lead().overseeing(vec![OdsCode::parse("QE1").unwrap()]);
    assert!(
        !lead_overseeing.oversees(&OdsCode::parse("QE1").unwrap()),
        "only a coordinator oversees"
    );
}
