//! The national data opt-out (DOMAIN.md, "Who is eligible"; API.md, "Notifications"): what the
//! notifier answered, the check a case needs when nobody knew, and the lead's (or the ICS
//! system's) record of that check. A positive check closes the case as `opted_out` and keeps
//! nothing identifiable, by the same redaction as an opt-out known at notification.

use time::{Date, PrimitiveDateTime};

use super::{EventType, Happened, HistoryDetail, Review, ReviewParts};
use crate::eligibility::{Outcome, Reason};
use crate::wire::wire_enum;
use crate::workflow::{Actor, Refusal, Role, Stage};

wire_enum! {
    /// What the notifier said about a national data opt-out (a family member often cannot know:
    /// on the national platform it is checked centrally).
    pub enum OptOutAnswer as "opt-out answer" {
        /// The person had registered one: nothing identifiable is kept.
        Yes => "yes",
        /// The person had not.
        No => "no",
        /// Not known: the case needs a check before allocation.
        NotKnown => "not_known",
    }
}

wire_enum! {
    /// Where a case stands on the opt-out check.
    pub enum OptOutCheckStatus as "opt-out check status" {
        /// The notifier knew (or the case is not reviewed): no check needed.
        NotNeeded => "not_needed",
        /// Not known at notification: to be checked before allocation.
        Needed => "needed",
        /// Checked: the result, its date and source are recorded.
        Checked => "checked",
    }
}

/// A case's opt-out check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOutCheck {
    /// Not needed, needed, or checked.
    pub status: OptOutCheckStatus,
    /// When checked: whether the person had opted out.
    pub opted_out: Option<bool>,
    /// When checked: the day of the check.
    pub checked_on: Option<Date>,
    /// When checked: where the answer came from (for example "NDOP check via MESH").
    pub source: Option<String>,
}

impl OptOutCheck {
    /// No check needed.
    pub const NOT_NEEDED: Self = Self {
        status: OptOutCheckStatus::NotNeeded,
        opted_out: None,
        checked_on: None,
        source: None,
    };

    /// A check needed.
    pub const NEEDED: Self = Self {
        status: OptOutCheckStatus::Needed,
        opted_out: None,
        checked_on: None,
        source: None,
    };
}

/// The outcome of a check, as the lead or the ICS system records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOutCheckResult {
    /// The person had registered a national data opt-out.
    pub opted_out: bool,
    /// The day of the check (not after today).
    pub checked_on: Date,
    /// Where the answer came from.
    pub source: String,
}

impl ReviewParts {
    /// Keeps nothing identifiable: "only the reference, ICB, year of death and outcome remain"
    /// (DOMAIN.md). The one place the opt-out redaction is written, for intake and check alike.
    pub(super) fn redact_for_opt_out(&mut self) {
        self.area_code = self.organisation.as_str().to_owned();
        self.sub_icb_location = None;
        self.person = None;
        self.age_at_death = None;
        self.reviewer_concern = None;
        // The family record's answers may carry a reason in words; the contacts and entries
        // themselves are erased with the change (`Happened::erase_identifiable`).
        self.findings.family_involvement = None;
    }
}

impl Review {
    /// Records the opt-out check of a case awaiting allocation (or on hold before it). Only the
    /// ICB's lead or its ICS system may; a positive result closes the case as `opted_out` on
    /// `today` and keeps nothing identifiable.
    pub fn record_opt_out_check(
        &mut self,
        actor: &Actor,
        result: OptOutCheckResult,
        today: Date,
        now: PrimitiveDateTime,
    ) -> Result<Happened, Refusal> {
        const WHAT: &str = "record an opt-out check";
        if !actor.can_see_case(&self.organisation, self.reviewer_id.as_deref()) {
            return Err(Refusal::OutOfScope);
        }
        if !(actor.has(Role::IcsLead) || actor.has(Role::Integration)) {
            return Err(Refusal::RoleNotPermitted(WHAT));
        }
        let before_allocation = self.stage == Stage::AwaitingAllocation
            || (self.stage == Stage::OnHold && self.resume_to == Some(Stage::AwaitingAllocation));
        if !before_allocation {
            return Err(Refusal::StageDoesNotAllow {
                stage: self.stage,
                what: WHAT,
            });
        }
        let from = self.stage;
        let p = &mut self.parts;
        p.opt_out_check = OptOutCheck {
            status: OptOutCheckStatus::Checked,
            opted_out: Some(result.opted_out),
            checked_on: Some(result.checked_on),
            source: Some(result.source.clone()),
        };
        let mut happened = Happened::of(
            HistoryDetail::OptOutChecked {
                opted_out: result.opted_out,
                checked_on: result.checked_on,
                source: result.source,
            },
            [EventType::ReviewOptOutChecked],
        );
        if result.opted_out {
            p.redact_for_opt_out();
            p.stage = Stage::OptedOut;
            p.resume_to = None;
            p.eligibility.outcome = Outcome::OptedOut;
            p.eligibility.route = None;
            p.eligibility.reasons = vec![Reason::NationalDataOptOut];
            p.review_type = None;
            p.focused_reasons.clear();
            p.data_quality_flags.clear();
            p.completed_at = Some(now);
            p.completed_on = Some(today);
            if from == Stage::OnHold {
                happened.hold_ended_on = Some(today);
            }
            happened.events.push(EventType::ReviewStatusChanged);
            happened.erase_identifiable = true;
        }
        Ok(happened)
    }

    /// Whether allocation must wait for the opt-out check.
    pub fn awaits_opt_out_check(&self) -> bool {
        self.opt_out_check.status == OptOutCheckStatus::Needed
    }
}
