//! Escalations by a regional coordinator (DOMAIN.md, "Oversight"): the region's point of
//! escalation for reviews that are stuck or overdue records the reason, what was agreed and by
//! when. Only the coordinator overseeing the case's ICB records one, on an open case; it never
//! moves the case through its stages.

use time::Date;

use super::{EventType, Happened, HistoryDetail, Review};
use crate::workflow::{Actor, Refusal};

/// An escalation as recorded: every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// Its id.
    pub id: String,
    /// Why the review was escalated.
    pub reason: String,
    /// What was agreed with the ICB.
    pub agreed: String,
    /// The day by which it was agreed to happen.
    pub by_when: Date,
}

/// Why an escalation cannot be recorded as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EscalationError {
    /// No reason, or only spaces.
    #[error("say why the review is escalated")]
    ReasonRequired,
    /// Nothing agreed, or only spaces.
    #[error("say what was agreed")]
    AgreedRequired,
    /// The agreed day has passed already.
    #[error("the day agreed cannot be in the past")]
    ByWhenInThePast,
}

impl EscalationError {
    /// The stable machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::ReasonRequired | Self::AgreedRequired => "required",
            Self::ByWhenInThePast => "in_the_past",
        }
    }

    /// The field at fault.
    pub fn field(self) -> &'static str {
        match self {
            Self::ReasonRequired => "reason",
            Self::AgreedRequired => "agreed",
            Self::ByWhenInThePast => "by_when",
        }
    }
}

impl Escalation {
    /// Checks an escalation written on `today`: a reason and what was agreed (trimmed, not
    /// blank), and a day agreed that is today or later.
    pub fn new(
        id: String,
        reason: &str,
        agreed: &str,
        by_when: Date,
        today: Date,
    ) -> Result<Self, EscalationError> {
        let (reason, agreed) = (reason.trim(), agreed.trim());
        if reason.is_empty() {
            return Err(EscalationError::ReasonRequired);
        }
        if agreed.is_empty() {
            return Err(EscalationError::AgreedRequired);
        }
        if by_when < today {
            return Err(EscalationError::ByWhenInThePast);
        }
        Ok(Self {
            id,
            reason: reason.to_owned(),
            agreed: agreed.to_owned(),
            by_when,
        })
    }
}

impl Review {
    /// Whether `actor` may record a regional escalation on this case. Refuses, in order: a case
    /// outside the actor's scope (as if it did not exist), an actor who does not oversee the
    /// case's ICB as its regional coordinator, a closed case. Checked before the escalation's
    /// own fields, so that a refusal follows DOMAIN.md's order (404, 403, 409, then 422).
    pub fn may_escalate(&self, actor: &Actor) -> Result<(), Refusal> {
        if !actor.can_see_case(&self.organisation, self.reviewer_id.as_deref()) {
            return Err(Refusal::OutOfScope);
        }
        if !actor.oversees(&self.organisation) {
            return Err(Refusal::RoleNotPermitted("record a regional escalation"));
        }
        if self.stage.is_terminal() {
            return Err(Refusal::StageDoesNotAllow {
                stage: self.stage,
                what: "a regional escalation",
            });
        }
        Ok(())
    }

    /// Records a regional escalation ([`Self::may_escalate`] first): a history entry and the
    /// `review.escalated` event for the ICB's feed.
    pub fn record_escalation(
        &mut self,
        actor: &Actor,
        escalation: &Escalation,
    ) -> Result<Happened, Refusal> {
        self.may_escalate(actor)?;
        Ok(Happened::of(
            HistoryDetail::RegionalEscalation {
                escalation_id: escalation.id.clone(),
            },
            [EventType::ReviewEscalated],
        ))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn an_escalation_needs_a_reason_what_was_agreed_and_a_day_not_past() {
        let today = date!(2026 - 11 - 29);
        let ok = Escalation::new("e".into(), " stuck ", "allocate", today, today).unwrap();
        assert_eq!(ok.reason, "stuck");
        let refused = |r: &str, a: &str, d: Date| Escalation::new("e".into(), r, a, d, today);
        assert_eq!(
            refused(" ", "x", today),
            Err(EscalationError::ReasonRequired)
        );
        assert_eq!(
            refused("x", "", today),
            Err(EscalationError::AgreedRequired)
        );
        assert_eq!(
            refused("x", "y", date!(2026 - 11 - 28)),
            Err(EscalationError::ByWhenInThePast)
        );
        assert_eq!(EscalationError::ByWhenInThePast.field(), "by_when");
    }
}
