//! Moving a case between ICBs (DOMAIN.md, "Moving between ICBs"; the rules in
//! `domain::review::moves`). Each step is a review change in one transaction: the move record,
//! the review (its ICB, its allocation), history, the events and the audit entry. The case's
//! feed carries the case as usual; the other ICB's feed hears of the move alone (the receiving
//! ICB of a proposal it has not accepted, the sending ICB of a case that left it), never of the
//! person.

use leder_domain::OdsCode;
use leder_domain::audit::AuditAction;
use leder_domain::moves::{CaseMove, MoveError, MoveReason, MoveStatus};
use leder_domain::organisations::OrgKind;
use leder_domain::review::{EventType, Happened, MoveRequest, Review};
use leder_domain::workflow::{Actor, Role};
use leder_persistence::DbConnection;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::events::{self, NewEvent};
use leder_persistence::repo::moves as repo;
use leder_persistence::repo::reviews::CaseScope;
use leder_persistence::repo::users;
use serde_json::json;

use crate::app::reviews::{Along, ReviewChange, audit_reads, change_along, load};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{actor_of, refusal};
use crate::clock::today_in_england;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// A move asked for, as the body gave it.
pub struct MoveInput {
    /// The ICB proposed (an ODS code, any case).
    pub to: String,
    /// Why.
    pub reason: MoveReason,
    /// What the receiving lead should know.
    pub text: Option<String>,
}

/// A refused move as the API answers it.
fn refused(e: &MoveError) -> ApiError {
    match e {
        MoveError::Refused(r) => refusal(r),
        MoveError::AlreadyPending | MoveError::NotPending(_) | MoveError::Superseded => {
            ApiError::Conflict(e.to_string())
        }
        MoveError::SameIcb | MoveError::TextRequired | MoveError::DeclineReasonRequired => {
            ApiError::invalid_field(e.field().unwrap_or("to"), e.code(), e.to_string())
        }
    }
}

/// The ICB `code` names, if it exists today; else 422 naming `to`.
async fn current_icb(state: &AppState, code: &str) -> Result<Result<OdsCode, ApiError>, ApiError> {
    let code = code.trim().to_ascii_uppercase();
    let today = today_in_england();
    let hierarchy = crate::app::organisations::hierarchy(state).await?;
    let exists = hierarchy
        .entries(&code)
        .iter()
        .any(|o| o.kind == OrgKind::Icb && o.valid.contains(today));
    Ok(match (exists, OdsCode::parse(&code)) {
        (true, Ok(icb)) => Ok(icb),
        _ => Err(ApiError::invalid_field(
            "to",
            "not_a_current_icb",
            "must be an ICB that exists today",
        )),
    })
}

/// The account of the allocated reviewer as an actor, if the case has one and it is active.
fn reviewer_of(conn: &mut DbConnection, review: &Review) -> Result<Option<Actor>, ApiError> {
    let Some(id) = review.reviewer_id.as_deref() else {
        return Ok(None);
    };
    let Some(user) = users::get(conn, id)?.filter(|u| !u.disabled) else {
        return Ok(None);
    };
    let org = user
        .organisation
        .as_deref()
        .map(OdsCode::parse)
        .transpose()
        .map_err(ApiError::internal)?;
    Ok(Actor::new(user.id.clone(), &user.roles, org).ok())
}

/// The ICB a review belongs to now, to find it for someone outside its scope (404 when there
/// is no such review).
async fn scope_of_review(state: &AppState, id: &str) -> Result<CaseScope, ApiError> {
    let of = id.to_owned();
    db::run(state, move |conn| repo::organisation_of_review(conn, &of))
        .await?
        .map(CaseScope::Icb)
        .ok_or(ApiError::NotFound)
}

/// Appends the move alone (no case, no person) to the feed of the ICB on its other side: the
/// one the case does not belong to after the change.
pub(crate) fn notify_other_side(
    conn: &mut DbConnection,
    review: &Review,
    done: &CaseMove,
    event_type: EventType,
) -> Result<(), ApiError> {
    let other = if review.organisation == done.to {
        &done.from
    } else {
        &done.to
    };
    let data = json!({
        "move": {
            "id": done.id,
            "review_id": done.review_id,
            "reference": review.reference,
            "from": done.from.as_str(),
            "to": done.to.as_str(),
            "reason": done.reason.as_str(),
            "origin": done.origin.as_str(),
            "status": done.status.as_str(),
        }
    });
    events::append(
        conn,
        NewEvent {
            organisation: other.as_str().to_owned(),
            event_type: event_type.as_str().to_owned(),
            subject_id: review.id.clone(),
            reference: review.reference.clone(),
            data: data.to_string(),
        },
    )?;
    Ok(())
}

/// What a move step reads and makes, inside its transaction.
struct Step {
    /// Another proposal is pending.
    pending: bool,
    /// The move answered (accept, decline).
    proposal: Option<CaseMove>,
    /// The allocated reviewer's account.
    reviewer: Option<Actor>,
    /// The move as the decision left it.
    done: Option<CaseMove>,
    /// The event the other side hears.
    tells: EventType,
}

impl Step {
    fn read(
        conn: &mut DbConnection,
        review: &Review,
        move_id: Option<&str>,
    ) -> Result<Self, ApiError> {
        let proposal = match move_id {
            Some(mid) => Some(repo::get(conn, &review.id, mid)?.ok_or(ApiError::NotFound)?),
            None => None,
        };
        Ok(Step {
            pending: repo::has_pending(conn, &review.id)?,
            proposal,
            reviewer: reviewer_of(conn, review)?,
            done: None,
            tells: EventType::ReviewMoved,
        })
    }

    /// Keeps what the domain decided, for the write.
    fn decided(
        &mut self,
        decision: Result<(Happened, CaseMove), MoveError>,
        tells: EventType,
    ) -> Result<Happened, ApiError> {
        let (happened, done) = decision.map_err(|e| refused(&e))?;
        self.done = Some(done);
        self.tells = tells;
        Ok(happened)
    }

    /// Stores the move (new, or answered) and tells the other side.
    fn write(self, conn: &mut DbConnection, review: &Review) -> Result<(), ApiError> {
        let done = self
            .done
            .ok_or_else(|| ApiError::internal("a move step decided nothing"))?;
        if self.proposal.is_some() {
            repo::update(conn, &done)?;
        } else {
            repo::insert(conn, &done)?;
        }
        notify_other_side(conn, review, &done, self.tells)
    }
}

/// The move made: the case's reference beside it.
pub struct Made {
    /// The move.
    pub done: CaseMove,
    /// The case's reference.
    pub reference: String,
}

/// Runs one move step on review `id` about move `move_id` (a new one, or the one answered:
/// `answering`) and answers the move as stored.
async fn run_step(
    state: &AppState,
    caller: &Caller,
    change: ReviewChange,
    move_id: String,
    answering: bool,
    decide: impl FnOnce(&mut Review, &mut Step) -> Result<Happened, ApiError> + Send + 'static,
) -> Result<Made, ApiError> {
    let answered = answering.then(|| move_id.clone());
    let along = Along::new(
        move |conn, review: &Review| Step::read(conn, review, answered.as_deref()),
        decide,
        |conn, review, step: Step| step.write(conn, review),
    );
    let review = change_along(state, caller, change, false, along).await?;
    let of = review.id.clone();
    let done = db::run(state, move |conn| repo::get(conn, &of, &move_id))
        .await?
        .ok_or_else(|| ApiError::internal("the move was not stored"))?;
    Ok(Made {
        done,
        reference: review.reference.clone(),
    })
}

/// The case's lead proposes a move of review `id`; an admin moves it directly.
pub async fn propose(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    input: MoveInput,
) -> Result<Made, ApiError> {
    let admin = caller.has(Role::Admin);
    let actor = actor_of(caller)?;
    let to = current_icb(state, &input.to).await?;
    let action = if admin {
        AuditAction::MoveReview
    } else {
        AuditAction::ProposeMove
    };
    let mut change = ReviewChange::new(state, caller, info, action, id.clone(), None);
    if admin {
        change = change.in_scope(scope_of_review(state, &id).await?);
    }
    let (by, at) = (caller.id.clone(), now_utc());
    let move_id = uuid::Uuid::now_v7().to_string();
    run_step(
        state,
        caller,
        change,
        move_id.clone(),
        false,
        move |review, step| {
            let may = if admin {
                review.may_move_directly(&actor, step.pending)
            } else {
                review.may_propose_move(&actor, step.pending)
            };
            may.map_err(|e| refused(&e))?;
            let request = MoveRequest {
                id: move_id,
                to: to?,
                reason: input.reason,
                text: input.text,
                by,
                at,
            };
            if admin {
                let reviewer = step.reviewer.clone();
                let decision =
                    review.move_directly(&actor, request, step.pending, reviewer.as_ref());
                step.decided(decision, EventType::ReviewMoved)
            } else {
                let decision = review.propose_move(&actor, request, step.pending);
                step.decided(decision, EventType::ReviewMoveProposed)
            }
        },
    )
    .await
}

/// The receiving ICB's lead accepts (no `decline` reason) or declines (with the reason) move
/// `mid` of review `id`.
pub async fn answer(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
    mid: String,
    decline: Option<String>,
) -> Result<Made, ApiError> {
    let actor = actor_of(caller)?;
    let action = if decline.is_some() {
        AuditAction::DeclineMove
    } else {
        AuditAction::AcceptMove
    };
    let scope = scope_of_review(state, &id).await?;
    let change = ReviewChange::new(state, caller, info, action, id, None).in_scope(scope);
    let now = now_utc();
    run_step(state, caller, change, mid, true, move |review, step| {
        let proposal = step
            .proposal
            .clone()
            .ok_or_else(|| ApiError::internal("the move was not read"))?;
        match decline {
            None => {
                let reviewer = step.reviewer.clone();
                let decision = review.accept_move(&actor, &proposal, reviewer.as_ref(), now);
                step.decided(decision, EventType::ReviewMoved)
            }
            Some(reason) => {
                let decision = review.decline_move(&actor, &proposal, Some(&reason), now);
                step.decided(decision, EventType::ReviewMoveDeclined)
            }
        }
    })
    .await
}

/// The moves of review `id`, oldest first, for its lead, QA panel and allocated reviewer (404
/// out of scope, 403 for anyone else); audited.
pub async fn of_review(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    id: String,
) -> Result<(Review, Vec<CaseMove>), ApiError> {
    let review = load(state, caller, id).await?;
    caller.require(&[Role::IcsLead, Role::QaPanel, Role::Reviewer])?;
    let of = review.id.clone();
    let moves = db::run(state, move |conn| repo::of_review(conn, &of)).await?;
    let read = [(review.id.clone(), review.organisation.as_str().to_owned())];
    audit_reads(state, caller, info, AuditAction::ReadMoves, &read).await?;
    Ok((review, moves))
}

/// The moves to and from ICB `code` (of `status`, when given), newest first, with each case's
/// reference: for its lead and admins (the caller checked who).
pub async fn of_organisation(
    state: &AppState,
    code: String,
    status: Option<MoveStatus>,
) -> Result<Vec<(CaseMove, String)>, ApiError> {
    db::run(state, move |conn| {
        let moves = repo::of_organisation(conn, &code, status)?;
        let ids: Vec<String> = moves.iter().map(|m| m.review_id.clone()).collect();
        let references = repo::references_of(conn, &ids)?;
        moves
            .into_iter()
            .map(|m| match references.get(&m.review_id) {
                Some(reference) => Ok((reference.clone(), m)),
                None => Err(leder_persistence::PersistenceError::Reference(format!(
                    "move {} names review {}, which does not exist",
                    m.id, m.review_id
                ))),
            })
            .map(|r| r.map(|(reference, m)| (m, reference)))
            .collect()
    })
    .await
}
