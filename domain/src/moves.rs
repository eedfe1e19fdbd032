//! Moving a case between ICBs (DOMAIN.md, "Moving between ICBs"): "routing is decided at
//! notification; a lead who finds a case is not theirs (a wrong area, a person placed out of
//! area by another ICB) proposes the responsible ICB with a reason, and that ICB's lead accepts
//! (the case moves, keeping its history) or declines (it stays); an admin may move a case
//! directly. Correcting the area code re-runs routing the same way."
//!
//! A move is a record of its own ([`CaseMove`]): proposed, then accepted or declined by the
//! receiving ICB's lead, or made at once by an admin. While a proposal is pending the case stays
//! with the ICB that proposed it and its work goes on; a case has at most one pending proposal.
//! The rules of the case's side live on [`crate::review::Review`].

use time::PrimitiveDateTime;

use crate::ods_code::OdsCode;
use crate::wire::wire_enum;

wire_enum! {
    /// Why a case should belong to another ICB.
    pub enum MoveReason as "move reason" {
        /// The case was notified to, or routed to, the wrong area.
        WrongArea => "wrong_area",
        /// The person was placed out of area by another ICB, which stays responsible.
        OutOfAreaPlacement => "out_of_area_placement",
        /// Another reason (the text says what).
        Other => "other",
    }
}

wire_enum! {
    /// Where a move stands.
    pub enum MoveStatus as "move status" {
        /// Proposed; the receiving ICB's lead has not answered.
        Pending => "pending",
        /// Accepted: the case moved.
        Accepted => "accepted",
        /// Declined: the case stayed.
        Declined => "declined",
        /// Moved directly by an admin.
        Moved => "moved",
    }
}

wire_enum! {
    /// How a move came about.
    pub enum MoveOrigin as "move origin" {
        /// The sending ICB's lead proposed it.
        Proposal => "proposal",
        /// A correction of the area code routed the case to another ICB.
        AreaCodeCorrection => "area_code_correction",
        /// An admin moved the case directly.
        Admin => "admin",
    }
}

/// One move of a case between ICBs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMove {
    /// Id (UUID v7).
    pub id: String,
    /// The case.
    pub review_id: String,
    /// The ICB the case belonged to when the move was proposed.
    pub from: OdsCode,
    /// The ICB proposed as responsible.
    pub to: OdsCode,
    /// Why.
    pub reason: MoveReason,
    /// What the proposer says (required for `other`).
    pub text: Option<String>,
    /// How it came about.
    pub origin: MoveOrigin,
    /// Where it stands.
    pub status: MoveStatus,
    /// Who proposed it (or moved it, for an admin).
    pub proposed_by: String,
    /// When (UTC).
    pub proposed_at: PrimitiveDateTime,
    /// Who accepted or declined it.
    pub decided_by: Option<String>,
    /// When (UTC).
    pub decided_at: Option<PrimitiveDateTime>,
    /// Why it was declined.
    pub decline_reason: Option<String>,
}

/// Why a move cannot be proposed, made or answered as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    /// The workflow refuses it (scope, role, stage).
    #[error(transparent)]
    Refused(#[from] crate::workflow::Refusal),
    /// Another move of the case is pending.
    #[error(
        "a move of this case to another ICB is pending: its receiving lead accepts or declines it first"
    )]
    AlreadyPending,
    /// The move has been answered already.
    #[error("this move is {0} already")]
    NotPending(MoveStatus),
    /// The case no longer belongs to the ICB the move was proposed from.
    #[error("the case has moved since this was proposed")]
    Superseded,
    /// The proposed ICB is the case's own.
    #[error("the case already belongs to this ICB")]
    SameIcb,
    /// `other` without saying what.
    #[error("say why the case should move (`text` is required with `other`)")]
    TextRequired,
    /// A decline without a reason.
    #[error("say why the case is declined, so the proposing lead knows where to turn")]
    DeclineReasonRequired,
}

impl MoveError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Refused(r) => r.code(),
            Self::AlreadyPending => "move_pending",
            Self::NotPending(_) => "move_answered",
            Self::Superseded => "move_superseded",
            Self::SameIcb => "same_icb",
            Self::TextRequired => "text_required",
            Self::DeclineReasonRequired => "reason_required",
        }
    }

    /// The field a rule refusal is about.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::SameIcb => Some("to"),
            Self::TextRequired => Some("text"),
            Self::DeclineReasonRequired => Some("reason"),
            _ => None,
        }
    }
}

/// Trimmed text, absent when blank.
pub(crate) fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}
