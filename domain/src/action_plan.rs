//! Learning into action (DOMAIN.md, "Learning into action"): where a SMART action of an ICB's
//! service-improvement plan stands, which governance groups meet and how often, and the ICB's
//! Local Area Contacts.

use time::Date;

use crate::wire::wire_enum;

wire_enum! {
    /// Where an action stands.
    pub enum ActionStatus as "action status" {
        /// Agreed, not started.
        Planned => "planned",
        /// Under way.
        InProgress => "in_progress",
        /// Achieved.
        Done => "done",
        /// Dropped.
        Cancelled => "cancelled",
    }
}

impl ActionStatus {
    /// Whether the action still has to be delivered (so it can be overdue).
    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::Planned | ActionStatus::InProgress)
    }
}

/// Whether an action in `status`, due on `due_date`, is overdue on `today`: still to deliver
/// and due before today.
pub fn is_overdue(status: ActionStatus, due_date: Date, today: Date) -> bool {
    status.is_open() && due_date < today
}

wire_enum! {
    /// Which governance group met.
    pub enum MeetingKind as "meeting kind" {
        /// The ICB's LeDeR steering group (meets bimonthly).
        SteeringGroup => "steering_group",
        /// The Learning Disability and Autism health group (meets monthly).
        HealthGroup => "health_group",
    }
}

impl MeetingKind {
    /// The most days allowed since the last meeting: bimonthly is 61, monthly 31.
    pub fn cadence_days(self) -> i64 {
        match self {
            MeetingKind::SteeringGroup => 61,
            MeetingKind::HealthGroup => 31,
        }
    }
}

wire_enum! {
    /// Which of an ICB's two Local Area Contacts.
    pub enum ContactKind as "contact kind" {
        /// The first contact.
        Primary => "primary",
        /// The stand-in.
        Secondary => "secondary",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_planned_and_in_progress_actions_are_still_to_deliver() {
        let open: Vec<_> = ActionStatus::ALL.iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, [&ActionStatus::Planned, &ActionStatus::InProgress]);
        assert_eq!(
            ActionStatus::parse("in_progress"),
            Ok(ActionStatus::InProgress)
        );
        assert!(ActionStatus::parse("In_Progress").is_err());
    }

    #[test]
    fn an_open_action_due_before_today_is_overdue_and_a_done_one_never() {
        let due = time::macros::date!(2026 - 03 - 31);
        let after = time::macros::date!(2026 - 04 - 01);
        assert!(is_overdue(ActionStatus::Planned, due, after));
        assert!(is_overdue(ActionStatus::InProgress, due, after));
        assert!(!is_overdue(ActionStatus::InProgress, due, due));
        assert!(!is_overdue(ActionStatus::Done, due, after));
        assert!(!is_overdue(ActionStatus::Cancelled, due, after));
    }

    #[test]
    fn the_steering_group_meets_bimonthly_and_the_health_group_monthly() {
        assert_eq!(MeetingKind::SteeringGroup.cadence_days(), 61);
        assert_eq!(MeetingKind::HealthGroup.cadence_days(), 31);
    }
}
