//! The case's side of a move between ICBs ([`crate::moves`]), and of a reorganisation's
//! transfer ([`Review::transfer_to`]: DOMAIN.md, "Responsible body").
//!
//! Who: the case's lead proposes; only the receiving ICB's lead accepts or declines (the
//! proposing ICB's team gets 403, anyone else 404, as if the case did not exist); an admin moves
//! a case directly. When: at any open stage, one pending proposal at a time. A correction of the
//! area code that routes the case to another ICB proposes the move the same way.
//!
//! What moves: the case, with its history, notes, family record, notifications, requests for
//! records and documents (all kept with the case). The allocation follows DOMAIN.md's rule that
//! a reviewer is allocated only cases of their own ICB ("reviewer has the reviewer role in the
//! case's ICB"): it stays only when the allocated reviewer holds the reviewer role in the
//! receiving ICB; otherwise it is cleared, and a case whose stage is the reviewer's own work
//! (`allocated`, `in_review`, or on hold from either) goes back to `awaiting_allocation` for the
//! receiving lead to allocate, its findings kept. A case at `awaiting_qa` or
//! `awaiting_sign_off` keeps its stage: the receiving QA panel and lead take it from there (a
//! return from QA then finds no reviewer, and the lead reallocates, with a reason, as DOMAIN.md's
//! table allows from `in_review`).

use std::mem::replace;

use time::PrimitiveDateTime;

use super::{EventType, Happened, HistoryDetail, Resolution, Review};
use crate::moves::{CaseMove, MoveError, MoveOrigin, MoveReason, MoveStatus, text};
use crate::ods_code::OdsCode;
use crate::workflow::{Actor, Refusal, Role, Stage};

/// A move asked for: its id, the ICB proposed, why, and who asks when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveRequest {
    /// The new move's id.
    pub id: String,
    /// The ICB proposed as responsible (a current ICB: the caller checked).
    pub to: OdsCode,
    /// Why.
    pub reason: MoveReason,
    /// What the proposer says.
    pub text: Option<String>,
    /// Who asks.
    pub by: String,
    /// When (UTC).
    pub at: PrimitiveDateTime,
}

impl Review {
    /// A move of this case may be started: an open case with no pending proposal.
    fn check_movable(&self, pending: bool) -> Result<(), MoveError> {
        if !self.stage.is_open() {
            return Err(Refusal::StageDoesNotAllow {
                stage: self.stage,
                what: "a move to another ICB",
            }
            .into());
        }
        if pending {
            return Err(MoveError::AlreadyPending);
        }
        Ok(())
    }

    /// The move record a request makes, once its own rules hold.
    fn new_move(
        &self,
        request: MoveRequest,
        origin: MoveOrigin,
        status: MoveStatus,
    ) -> Result<CaseMove, MoveError> {
        if request.to == self.organisation {
            return Err(MoveError::SameIcb);
        }
        let said = text(request.text.as_deref());
        if request.reason == MoveReason::Other && said.is_none() {
            return Err(MoveError::TextRequired);
        }
        let moved = status == MoveStatus::Moved;
        Ok(CaseMove {
            id: request.id,
            review_id: self.id.clone(),
            from: self.organisation.clone(),
            to: request.to,
            reason: request.reason,
            text: said,
            origin,
            status,
            decided_by: moved.then(|| request.by.clone()),
            decided_at: moved.then_some(request.at),
            proposed_by: request.by,
            proposed_at: request.at,
            decline_reason: None,
        })
    }

    /// Whether `actor` may propose a move of the case: its lead (404 outside scope, 403 for
    /// anyone else), on an open case (409), with no other proposal pending (409).
    pub fn may_propose_move(&self, actor: &Actor, pending: bool) -> Result<(), MoveError> {
        if !actor.can_see_case(&self.organisation, self.reviewer_id.as_deref()) {
            return Err(Refusal::OutOfScope.into());
        }
        if !actor.has(Role::IcsLead) {
            return Err(Refusal::RoleNotPermitted("propose a move to another ICB").into());
        }
        self.check_movable(pending)
    }

    /// Whether `actor` may move the case directly: an admin (403 for anyone else), on an open
    /// case with no proposal pending (409).
    pub fn may_move_directly(&self, actor: &Actor, pending: bool) -> Result<(), MoveError> {
        if !actor.has(Role::Admin) {
            return Err(Refusal::RoleNotPermitted("move a case directly").into());
        }
        self.check_movable(pending)
    }

    /// The case's lead proposes that another ICB is responsible (`pending`: another proposal
    /// awaits an answer). The case stays where it is until the receiving lead answers.
    pub fn propose_move(
        &mut self,
        actor: &Actor,
        request: MoveRequest,
        pending: bool,
    ) -> Result<(Happened, CaseMove), MoveError> {
        self.may_propose_move(actor, pending)?;
        let proposed = self.new_move(request, MoveOrigin::Proposal, MoveStatus::Pending)?;
        Ok((proposed_happened(&proposed), proposed))
    }

    /// An admin moves the case directly; `reviewer` is the allocated reviewer's account, if
    /// any (the allocation follows the rule above).
    pub fn move_directly(
        &mut self,
        actor: &Actor,
        request: MoveRequest,
        pending: bool,
        reviewer: Option<&Actor>,
    ) -> Result<(Happened, CaseMove), MoveError> {
        self.may_move_directly(actor, pending)?;
        let moved = self.new_move(request, MoveOrigin::Admin, MoveStatus::Moved)?;
        Ok((self.apply_move(&moved, reviewer), moved))
    }

    /// Only the receiving ICB's lead answers a proposal.
    fn check_receiver(&self, actor: &Actor, proposal: &CaseMove) -> Result<(), MoveError> {
        if actor.has_in(Role::IcsLead, &proposal.to) {
            Ok(())
        } else if actor.has(Role::Admin) || actor.has(Role::NationalAnalyst) {
            Err(Refusal::RoleNotPermitted(
                "answer a move: only the receiving ICB's lead may (an admin moves a case directly)",
            )
            .into())
        } else if actor.can_see_case(&self.organisation, self.reviewer_id.as_deref()) {
            Err(
                Refusal::RoleNotPermitted("answer a move: only the receiving ICB's lead may")
                    .into(),
            )
        } else {
            Err(Refusal::OutOfScope.into())
        }
    }

    /// A proposal that can still be answered.
    fn check_answerable(&self, proposal: &CaseMove) -> Result<(), MoveError> {
        if proposal.status != MoveStatus::Pending {
            return Err(MoveError::NotPending(proposal.status));
        }
        if proposal.from != self.organisation {
            return Err(MoveError::Superseded);
        }
        Ok(())
    }

    /// The receiving ICB's lead accepts a proposal: the case moves (see the module's rule for
    /// the allocation; `reviewer` is the allocated reviewer's account, if any).
    pub fn accept_move(
        &mut self,
        actor: &Actor,
        proposal: &CaseMove,
        reviewer: Option<&Actor>,
        now: PrimitiveDateTime,
    ) -> Result<(Happened, CaseMove), MoveError> {
        self.check_receiver(actor, proposal)?;
        if !self.stage.is_open() {
            return Err(Refusal::StageDoesNotAllow {
                stage: self.stage,
                what: "a move to another ICB",
            }
            .into());
        }
        self.check_answerable(proposal)?;
        let accepted = CaseMove {
            status: MoveStatus::Accepted,
            decided_by: Some(actor.id().to_owned()),
            decided_at: Some(now),
            ..proposal.clone()
        };
        Ok((self.apply_move(&accepted, reviewer), accepted))
    }

    /// The receiving ICB's lead declines a proposal, saying why: the case stays.
    pub fn decline_move(
        &mut self,
        actor: &Actor,
        proposal: &CaseMove,
        reason: Option<&str>,
        now: PrimitiveDateTime,
    ) -> Result<(Happened, CaseMove), MoveError> {
        self.check_receiver(actor, proposal)?;
        self.check_answerable(proposal)?;
        let reason = text(reason).ok_or(MoveError::DeclineReasonRequired)?;
        let declined = CaseMove {
            status: MoveStatus::Declined,
            decided_by: Some(actor.id().to_owned()),
            decided_at: Some(now),
            decline_reason: Some(reason.clone()),
            ..proposal.clone()
        };
        Ok((
            Happened::of(
                HistoryDetail::MoveDeclined {
                    move_id: declined.id.clone(),
                    to: declined.to.as_str().to_owned(),
                    reason,
                },
                [EventType::ReviewMoveDeclined],
            ),
            declined,
        ))
    }

    /// A correction of the area code (after [`Review::correct_person`] has checked who may
    /// correct the case, and when): the code and its sub-ICB location are recorded, and when
    /// the code routes an open case to another ICB, the move is proposed as a lead's proposal
    /// is (`request` says by whom; `pending`: another proposal awaits an answer, 409).
    pub fn correct_area_code(
        &mut self,
        resolution: Resolution,
        request: MoveRequest,
        pending: bool,
    ) -> Result<(Happened, Option<CaseMove>), MoveError> {
        let before = self.area_code.clone();
        let routed_elsewhere = resolution.icb != self.organisation && self.stage.is_open();
        if routed_elsewhere && pending {
            return Err(MoveError::AlreadyPending);
        }
        self.parts.area_code = resolution.area_code.clone();
        self.parts.sub_icb_location = resolution.sub_icb_location;
        let mut happened = Happened::default();
        if before != resolution.area_code {
            happened.history.push(HistoryDetail::AreaCodeCorrected {
                from: before.clone(),
                to: resolution.area_code.clone(),
            });
        }
        if !routed_elsewhere {
            return Ok((happened, None));
        }
        let request = MoveRequest {
            to: resolution.icb,
            reason: MoveReason::WrongArea,
            text: Some(format!(
                "the area code was corrected from {before} to {}",
                resolution.area_code
            )),
            ..request
        };
        let proposed =
            self.new_move(request, MoveOrigin::AreaCodeCorrection, MoveStatus::Pending)?;
        let more = proposed_happened(&proposed);
        happened.history.extend(more.history);
        happened.events.extend(more.events);
        Ok((happened, Some(proposed)))
    }

    /// Moves the case to another ICB (an audited transfer), keeping its history; the ICB it
    /// left hears of it too.
    pub fn transfer_to(&mut self, to: OdsCode) -> Happened {
        let from = std::mem::replace(&mut self.parts.organisation, to);
        let mut happened = Happened::of(
            HistoryDetail::Transferred {
                from: from.as_str().to_owned(),
                to: self.organisation.as_str().to_owned(),
            },
            [EventType::ReviewTransferred],
        );
        happened.also_notify.push(from.as_str().to_owned());
        happened
    }

    /// Moves the case to `done.to`, keeping its history; clears an allocation the receiving
    /// ICB cannot keep (the module's rule).
    fn apply_move(&mut self, done: &CaseMove, reviewer: Option<&Actor>) -> Happened {
        let p = &mut self.parts;
        let from = replace(&mut p.organisation, done.to.clone());
        let stays = reviewer.is_some_and(|r| r.has_in(Role::Reviewer, &done.to));
        let cleared = p.reviewer_id.is_some() && !stays;
        let before = p.stage;
        if cleared {
            p.reviewer_id = None;
            p.reviewer_name = None;
            let reviewers_own = |s: Stage| matches!(s, Stage::Allocated | Stage::InReview);
            if reviewers_own(p.stage) {
                p.stage = Stage::AwaitingAllocation;
            } else if p.stage == Stage::OnHold && p.resume_to.is_some_and(reviewers_own) {
                p.resume_to = Some(Stage::AwaitingAllocation);
            }
        }
        let mut events = vec![EventType::ReviewMoved];
        if p.stage != before {
            events.push(EventType::ReviewStatusChanged);
        }
        Happened::of(
            HistoryDetail::Moved {
                move_id: done.id.clone(),
                from: from.as_str().to_owned(),
                to: done.to.as_str().to_owned(),
                origin: done.origin,
                allocation_cleared: cleared,
            },
            events,
        )
    }
}

/// What a proposal records on the case.
fn proposed_happened(proposed: &CaseMove) -> Happened {
    Happened::of(
        HistoryDetail::MoveProposed {
            move_id: proposed.id.clone(),
            to: proposed.to.as_str().to_owned(),
            reason: proposed.reason,
            origin: proposed.origin,
            text: proposed.text.clone(),
        },
        [EventType::ReviewMoveProposed],
    )
}
