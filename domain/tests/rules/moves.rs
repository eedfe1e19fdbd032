//! DOMAIN.md, "Moving between ICBs": "a lead who finds a case is not theirs ... proposes the
//! responsible ICB with a reason, and that ICB's lead accepts (the case moves, keeping its
//! history) or declines (it stays); an admin may move a case directly. Correcting the area code
//! re-runs routing the same way."

use leder_domain::OdsCode;
use leder_domain::moves::{MoveError, MoveOrigin, MoveReason, MoveStatus};
use leder_domain::review::{EventType, HistoryDetail, MoveRequest, Resolution, Review};
use leder_domain::workflow::{Action, Actor, Refusal, Request, Role, Stage};
use time::macros::{date, datetime};

use crate::review::{notify, person};
use crate::workflow::{actor, lead, qa, reviewer};

fn qe1() -> OdsCode {
    OdsCode::parse("QE1").unwrap()
}

fn of(id: &str, roles: &[Role], icb: &str) -> Actor {
    Actor::new(id, roles, Some(OdsCode::parse(icb).unwrap())).unwrap()
}

fn request(to: OdsCode, reason: MoveReason, text: Option<&str>) -> MoveRequest {
    MoveRequest {
        id: "m1".into(),
        to,
        reason,
        text: text.map(str::to_owned),
        by: "lead".into(),
        at: datetime!(2026 - 10 - 10 12:00),
    }
}

/// A QOP case in review with [`reviewer`].
fn in_review() -> Review {
    let (mut review, _) = notify(person(), false);
    let (today, now) = (date!(2026 - 10 - 10), datetime!(2026 - 10 - 10 12:00));
    let rev = reviewer();
    let mut allocate = Request::new(Action::Allocate);
    allocate.reviewer = Some(&rev);
    review.transition(&allocate, &lead(), today, now).unwrap();
    review
        .transition(&Request::new(Action::Start), &rev, today, now)
        .unwrap();
    review
}

#[test]
fn a_proposal_leaves_the_case_where_it_is_and_acceptance_moves_it() {
    let mut review = in_review();
    let wrong = request(qe1(), MoveReason::OutOfAreaPlacement, Some("Placed by QE1"));
    let (happened, proposed) = review.propose_move(&lead(), wrong, false).unwrap();
    assert_eq!(proposed.status, MoveStatus::Pending);
    assert_eq!(proposed.origin, MoveOrigin::Proposal);
    assert_eq!(
        review.organisation.as_str(),
        "QOP",
        "the case stays while pending"
    );
    assert_eq!(happened.events, [EventType::ReviewMoveProposed]);
    let now = datetime!(2026 - 10 - 11 09:00);
    let receiving = of("lead.qe1", &[Role::IcsLead], "QE1");
    // The reviewer's account is of QOP: the allocation cannot follow the case.
    let (happened, accepted) = review
        .accept_move(&receiving, &proposed, Some(&reviewer()), now)
        .unwrap();
    assert_eq!(accepted.status, MoveStatus::Accepted);
    assert_eq!(accepted.decided_by.as_deref(), Some("lead.qe1"));
    assert_eq!(review.organisation, qe1());
    assert_eq!(review.reviewer_id, None);
    assert_eq!(review.stage, Stage::AwaitingAllocation);
    assert_eq!(
        happened.events,
        [EventType::ReviewMoved, EventType::ReviewStatusChanged]
    );
    assert!(matches!(
        &happened.history[..],
        [HistoryDetail::Moved {
            allocation_cleared: true,
            ..
        }]
    ));
}

#[test]
fn a_reviewer_of_the_receiving_icb_keeps_the_allocation() {
    let mut review = in_review();
    let (_, proposed) = review
        .propose_move(&lead(), request(qe1(), MoveReason::WrongArea, None), false)
        .unwrap();
    let moved_account = of("rev", &[Role::Reviewer], "QE1");
    let receiving = of("lead.qe1", &[Role::IcsLead], "QE1");
    let (happened, _) = review
        .accept_move(
            &receiving,
            &proposed,
            Some(&moved_account),
            datetime!(2026 - 10 - 11 09:00),
        )
        .unwrap();
    assert_eq!(review.reviewer_id.as_deref(), Some("rev"));
    assert_eq!(review.stage, Stage::InReview);
    assert_eq!(happened.events, [EventType::ReviewMoved]);
}

#[test]
fn moves_are_refused_in_domain_order() {
    let mut review = in_review();
    let ask = || request(qe1(), MoveReason::WrongArea, None);
    let third = of("lead.qwo", &[Role::IcsLead], "QWO");
    let refused = |r: Result<_, MoveError>| r.map(|_| ()).unwrap_err();
    assert_eq!(
        refused(review.propose_move(&third, ask(), false)),
        MoveError::Refused(Refusal::OutOfScope)
    );
    assert!(matches!(
        refused(review.propose_move(&qa(), ask(), false)),
        MoveError::Refused(Refusal::RoleNotPermitted(_))
    ));
    assert_eq!(
        refused(review.propose_move(&lead(), ask(), true)),
        MoveError::AlreadyPending
    );
    assert_eq!(
        refused(review.propose_move(
            &lead(),
            request(
                lead().organisation().unwrap().clone(),
                MoveReason::WrongArea,
                None
            ),
            false
        )),
        MoveError::SameIcb
    );
    assert_eq!(
        refused(review.propose_move(&lead(), request(qe1(), MoveReason::Other, Some(" ")), false)),
        MoveError::TextRequired
    );
    let (_, proposed) = review.propose_move(&lead(), ask(), false).unwrap();
    let now = datetime!(2026 - 10 - 11 09:00);
    // The proposing lead cannot answer (403), another ICB's lead does not see it (404).
    assert!(matches!(
        refused(review.accept_move(&lead(), &proposed, None, now)),
        MoveError::Refused(Refusal::RoleNotPermitted(_))
    ));
    assert_eq!(
        refused(review.accept_move(&third, &proposed, None, now)),
        MoveError::Refused(Refusal::OutOfScope)
    );
    let receiving = of("lead.qe1", &[Role::IcsLead], "QE1");
    assert_eq!(
        refused(review.decline_move(&receiving, &proposed, Some("  "), now)),
        MoveError::DeclineReasonRequired
    );
    let (happened, declined) = review
        .decline_move(&receiving, &proposed, Some("She lived in Bolton"), now)
        .unwrap();
    assert_eq!(declined.status, MoveStatus::Declined);
    assert_eq!(happened.events, [EventType::ReviewMoveDeclined]);
    assert_eq!(review.organisation.as_str(), "QOP");
    assert_eq!(
        refused(review.accept_move(&receiving, &declined, None, now)),
        MoveError::NotPending(MoveStatus::Declined)
    );
}

#[test]
fn an_admin_moves_directly_and_a_closed_case_does_not_move() {
    let mut review = in_review();
    let admin = actor("admin", &[Role::Admin]);
    let (happened, moved) = review
        .move_directly(
            &admin,
            request(qe1(), MoveReason::WrongArea, None),
            false,
            None,
        )
        .unwrap();
    assert_eq!(
        (moved.status, moved.origin),
        (MoveStatus::Moved, MoveOrigin::Admin)
    );
    assert_eq!(review.organisation, qe1());
    assert!(happened.events.contains(&EventType::ReviewMoved));
    assert!(matches!(
        review.move_directly(
            &lead(),
            request(qe1(), MoveReason::WrongArea, None),
            false,
            None
        ),
        Err(MoveError::Refused(Refusal::RoleNotPermitted(_)))
    ));
    let (mut opted_out, _) = notify(person(), true);
    assert!(matches!(
        opted_out.propose_move(&lead(), request(qe1(), MoveReason::WrongArea, None), false),
        Err(MoveError::Refused(Refusal::StageDoesNotAllow { .. }))
    ));
}

#[test]
fn a_corrected_area_code_routes_the_case_the_same_way() {
    let mut review = in_review();
    let same = Resolution {
        icb: OdsCode::parse("QOP").unwrap(),
        area_code: "00T".into(),
        sub_icb_location: Some("00T".into()),
    };
    let ask = || request(qe1(), MoveReason::WrongArea, None);
    let (happened, proposed) = review.correct_area_code(same, ask(), false).unwrap();
    assert_eq!(proposed, None);
    assert_eq!(review.area_code, "00T");
    assert!(matches!(
        &happened.history[..],
        [HistoryDetail::AreaCodeCorrected { .. }]
    ));
    let elsewhere = || Resolution {
        icb: qe1(),
        area_code: "QE1".into(),
        sub_icb_location: None,
    };
    assert_eq!(
        review
            .correct_area_code(elsewhere(), ask(), true)
            .unwrap_err(),
        MoveError::AlreadyPending
    );
    let (happened, proposed) = review.correct_area_code(elsewhere(), ask(), false).unwrap();
    let proposed = proposed.unwrap();
    assert_eq!(proposed.origin, MoveOrigin::AreaCodeCorrection);
    assert_eq!(proposed.to, qe1());
    assert_eq!(
        proposed.text.as_deref(),
        Some("the area code was corrected from 00T to QE1")
    );
    assert_eq!(
        review.organisation.as_str(),
        "QOP",
        "until QE1's lead accepts"
    );
    assert_eq!(happened.events, [EventType::ReviewMoveProposed]);
}
