//! An imported journey's days: every move in the order it happened (on one day: the opt-out
//! check, a hold ending, the stage reached, a hold starting), and the checks that each day
//! lies between the notification and today and that the stages came in the workflow's order.

use time::Date;

use super::{ImportError, ImportStep, Journey};
use crate::workflow::Stage;

/// Something that happened to the case on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Move {
    CheckOptOut,
    HoldEnds(usize),
    Reach(Stage),
    HoldStarts(usize),
}

/// The stages a LeDeR review reaches after notification, in order.
const PATH: [Stage; 5] = [
    Stage::Allocated,
    Stage::InReview,
    Stage::AwaitingQa,
    Stage::AwaitingSignOff,
    Stage::Completed,
];

impl Journey {
    /// Every move with its day, in the order they happened.
    pub(super) fn moves(&self) -> Vec<(Date, u8, Move)> {
        let mut moves = Vec::new();
        if let Some(check) = &self.opt_out_check {
            moves.push((check.checked_on, 0, Move::CheckOptOut));
        }
        for (stage, day) in &self.reached {
            moves.push((*day, 2, Move::Reach(*stage)));
        }
        for (i, hold) in self.holds.iter().enumerate() {
            moves.push((hold.started_on, 3, Move::HoldStarts(i)));
            if let Some(end) = hold.ended_on {
                // A hold ending on the day it started ends after it started.
                let rank = if end == hold.started_on { 4 } else { 1 };
                moves.push((end, rank, Move::HoldEnds(i)));
            }
        }
        moves.sort_by_key(|(day, rank, _)| (*day, *rank));
        moves
    }

    /// Every day is on or after the notification and not after today, and the stages were
    /// reached in the order of the workflow.
    pub(super) fn check_days(&self, notified_on: Date) -> Result<(), ImportError> {
        let within = |step: ImportStep, day: Date| {
            if day < notified_on {
                Err(ImportError::new(
                    step,
                    "before_notification",
                    format!("{day} is before the notification ({notified_on})"),
                ))
            } else if day > self.today {
                Err(ImportError::new(
                    step,
                    "in_the_future",
                    format!("{day} is after today"),
                ))
            } else {
                Ok(())
            }
        };
        let mut last: Option<(Stage, Date)> = None;
        for stage in PATH {
            let Some((_, day)) = self.reached.iter().find(|(s, _)| *s == stage) else {
                continue;
            };
            within(ImportStep::Reached(stage), *day)?;
            if let Some((before, on)) = last
                && *day < on
            {
                return Err(ImportError::new(
                    ImportStep::Reached(stage),
                    "out_of_order",
                    format!("`{stage}` was reached on {day}, before `{before}` ({on})"),
                ));
            }
            last = Some((stage, *day));
        }
        if let Some((stage, _)) = self.reached.iter().find(|(s, _)| !PATH.contains(s)) {
            return Err(ImportError::new(
                ImportStep::Reached(*stage),
                "not_a_stage_reached",
                format!(
                    "`{stage}` is not reached by a day of its own: the stages reached are {}",
                    PATH.map(Stage::as_str).join(", ")
                ),
            ));
        }
        for (i, hold) in self.holds.iter().enumerate() {
            within(ImportStep::Hold(i), hold.started_on)?;
            if let Some(end) = hold.ended_on {
                within(ImportStep::Hold(i), end)?;
                if end < hold.started_on {
                    return Err(ImportError::new(
                        ImportStep::Hold(i),
                        "ends_before_it_starts",
                        format!("the hold ends on {end}, before it starts"),
                    ));
                }
            }
        }
        if let Some(check) = &self.opt_out_check
            && check.checked_on > self.today
        {
            return Err(ImportError::new(
                ImportStep::OptOutCheck,
                "in_the_future",
                "the check cannot be dated after today",
            ));
        }
        Ok(())
    }
}
