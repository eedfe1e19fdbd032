//! Retention and disposal (DOMAIN.md, "Retention").
//!
//! "A review's identifiable data (the person, notifier and family contacts, free text,
//! documents) is kept for a retention period after completion (a setting; 20 years by default
//! ...) and then disposed of, unless a legal hold applies; what remains is the anonymised row
//! that national figures already use."
//!
//! The period runs from the day a review closed (completed, not eligible or opted out). What
//! stays is what the national figures read: the ICB, sex, ethnic category, learning disability
//! and autism, age at death, year of death and the quarter of death (kept as the quarter's
//! first day, never the exact date), the underlying cause, the grade and the form's yes/no
//! answers and codes. The rest of the form ([`anonymised_findings`]) and every name, number,
//! exact date, contact and note goes.

use time::{Date, Month, PrimitiveDateTime};

use crate::workflow::{
    CauseOfDeath, ChildDeathReviewOutcome, FamilyInvolvement, Findings, HoldReason, UnderlyingCause,
};

/// The retention period in whole years after closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPeriod {
    years: u16,
}

/// A retention period that is not a whole number of years from 1 to 100.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the retention period must be a whole number of years from 1 to 100, not `{0}`")]
pub struct RetentionPeriodError(pub String);

/// The text left where a reason given as free text was disposed of.
pub const DISPOSED_TEXT: &str = "disposed of after the retention period";

/// The longest legal hold reason, in characters.
pub const LEGAL_HOLD_REASON_MAX: usize = 500;

impl RetentionPeriod {
    /// 20 years: our product decision, to confirm against the Records Management Code's
    /// Appendix II retention schedule.
    pub const DEFAULT: RetentionPeriod = RetentionPeriod { years: 20 };

    /// Parses a number of years (1 to 100).
    pub fn parse(text: &str) -> Result<Self, RetentionPeriodError> {
        match text.trim().parse::<u16>() {
            Ok(years) if (1..=100).contains(&years) => Ok(Self { years }),
            _ => Err(RetentionPeriodError(text.to_owned())),
        }
    }

    /// The years.
    pub fn years(&self) -> u16 {
        self.years
    }

    /// The last closing day whose retention has ended by `today`: a review closed on or before
    /// it is past retention. 29 February counts back to 28 February in a common year.
    pub fn last_closing_day(&self, today: Date) -> Date {
        let year = today.year() - i32::from(self.years);
        let day = today.day().min(today.month().length(year));
        Date::from_calendar_date(year, today.month(), day).unwrap_or(Date::MIN)
    }

    /// Whether a review closed on `closed_on` is past retention on `today`.
    pub fn is_past(&self, closed_on: Date, today: Date) -> bool {
        closed_on <= self.last_closing_day(today)
    }
}

/// The date of death a disposed review keeps: the first day of its quarter, which is all the
/// national outputs publish ("year and quarter of death").
pub fn kept_date_of_death(date_of_death: Date) -> Date {
    let first_month = (u8::from(date_of_death.month()) - 1) / 3 * 3 + 1;
    let month = Month::try_from(first_month).unwrap_or(Month::January);
    Date::from_calendar_date(date_of_death.year(), month, 1).unwrap_or(date_of_death)
}

/// The review form without its free text: the codes and yes/no answers the national figures
/// read stay; pen portrait, certificate wording, reasons, good practice, concerns, key
/// episodes, conditions and contributors go. A cause "not known" keeps that it was not known.
pub fn anonymised_findings(f: &Findings) -> Findings {
    Findings {
        pen_portrait: None,
        cause_of_death: f.cause_of_death.as_ref().map(|c| CauseOfDeath {
            part_1a: None,
            part_1b: None,
            part_1c: None,
            part_2: None,
            underlying: c.underlying.as_ref().map(|u| match u {
                UnderlyingCause::Known(code) => UnderlyingCause::Known(code.clone()),
                UnderlyingCause::NotKnown { .. } => UnderlyingCause::NotKnown {
                    reason: DISPOSED_TEXT.to_owned(),
                },
            }),
        }),
        place_of_death: f.place_of_death,
        dnacpr: f.dnacpr,
        mental_capacity_act: f.mental_capacity_act,
        annual_health_check_last_12_months: f.annual_health_check_last_12_months,
        reasonable_adjustments_made: f.reasonable_adjustments_made,
        delays_in_care: f.delays_in_care,
        learning_disability_level: f.learning_disability_level,
        long_term_conditions: Vec::new(),
        care_grade: f.care_grade,
        good_practice: None,
        concerns: None,
        family_involvement: f.family_involvement.as_ref().map(|i| FamilyInvolvement {
            contacted: i.contacted,
            declined: i.declined,
            feedback_shared: i.feedback_shared,
            reason_not_contacted: None,
            recorded: i.recorded,
        }),
        key_episodes: Vec::new(),
        contributors: Vec::new(),
        referred_to_coroner: f.referred_to_coroner,
        dols_authorisation_in_place: f.dols_authorisation_in_place,
        care_package_met_needs: f.care_package_met_needs,
        out_of_area_placement: f.out_of_area_placement,
        covid_vaccination: f.covid_vaccination,
    }
}

/// The Child Death Review outcome without its free text: the day received, the cause and
/// whether there were modifiable factors stay; the summary and the learning go.
pub fn anonymised_outcome(o: &ChildDeathReviewOutcome) -> ChildDeathReviewOutcome {
    ChildDeathReviewOutcome {
        received_on: o.received_on,
        underlying_cause: o.underlying_cause.clone(),
        summary: DISPOSED_TEXT.to_owned(),
        modifiable_factors: o.modifiable_factors,
        learning: Vec::new(),
    }
}

/// A reason a history entry keeps after disposal: a hold's reason is a code from the list and
/// stays; any other reason (an escalation's, a reallocation's) is free text and goes.
pub fn kept_reason(reason: &str) -> &str {
    if HoldReason::parse(reason).is_ok() {
        reason
    } else {
        DISPOSED_TEXT
    }
}

/// A review's legal hold: why, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalHold {
    /// Why (see [`LegalHoldReason`]).
    pub reason: String,
    /// Since when (UTC); a new reason keeps it.
    pub since: PrimitiveDateTime,
}

/// Where a review stands under the retention rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Retention {
    /// The legal hold that keeps its identifiable part past the period, if any.
    pub legal_hold: Option<LegalHold>,
    /// When its identifiable part was disposed of, if it was.
    pub disposed_at: Option<PrimitiveDateTime>,
}

/// Why a review is under legal hold: trimmed, 1 to [`LEGAL_HOLD_REASON_MAX`] characters, no
/// control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalHoldReason(String);

/// A legal hold reason that breaks a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LegalHoldReasonError {
    /// Empty after trimming.
    #[error("a legal hold needs a reason")]
    Blank,
    /// Too long.
    #[error("a legal hold reason is at most 500 characters")]
    TooLong,
    /// Holds a control character.
    #[error("a legal hold reason cannot hold control characters")]
    ControlCharacter,
}

impl LegalHoldReasonError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Blank => "blank",
            Self::TooLong => "too_long",
            Self::ControlCharacter => "control_character",
        }
    }
}

impl LegalHoldReason {
    /// Parses a reason.
    pub fn parse(text: &str) -> Result<Self, LegalHoldReasonError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(LegalHoldReasonError::Blank);
        }
        if text.chars().count() > LEGAL_HOLD_REASON_MAX {
            return Err(LegalHoldReasonError::TooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(LegalHoldReasonError::ControlCharacter);
        }
        Ok(Self(text.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn the_period_runs_from_the_closing_day() {
        let p = RetentionPeriod::DEFAULT;
        let today = date!(2046 - 06 - 15);
        assert_eq!(p.last_closing_day(today), date!(2026 - 06 - 15));
        assert!(p.is_past(date!(2026 - 06 - 15), today));
        assert!(!p.is_past(date!(2026 - 06 - 16), today));
    }

    #[test]
    fn a_leap_day_counts_back_to_the_end_of_february() {
        let p = RetentionPeriod::parse("1").unwrap();
        assert_eq!(
            p.last_closing_day(date!(2028 - 02 - 29)),
            date!(2027 - 02 - 28)
        );
    }

    #[test]
    fn periods_outside_1_to_100_years_are_refused() {
        for bad in ["0", "101", "-1", "ten", "", "2.5"] {
            assert!(RetentionPeriod::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(RetentionPeriod::parse(" 25 ").unwrap().years(), 25);
    }

    #[test]
    fn the_date_of_death_keeps_its_quarter() {
        assert_eq!(
            kept_date_of_death(date!(2024 - 03 - 31)),
            date!(2024 - 01 - 01)
        );
        assert_eq!(
            kept_date_of_death(date!(2024 - 05 - 07)),
            date!(2024 - 04 - 01)
        );
        assert_eq!(
            kept_date_of_death(date!(2024 - 12 - 01)),
            date!(2024 - 10 - 01)
        );
    }

    #[test]
    fn a_child_death_review_outcome_keeps_its_codes_and_loses_its_text() {
        let o = ChildDeathReviewOutcome {
            received_on: date!(2026 - 10 - 01),
            underlying_cause: Some(crate::IcdCode::parse("G40.9").unwrap()),
            summary: "Seen by Dr Jones at home".into(),
            modifiable_factors: true,
            learning: vec!["Tell the school nurse".into()],
        };
        let kept = anonymised_outcome(&o);
        assert_eq!(kept.received_on, o.received_on);
        assert_eq!(kept.underlying_cause, o.underlying_cause);
        assert!(kept.modifiable_factors);
        assert_eq!(kept.summary, DISPOSED_TEXT);
        assert!(kept.learning.is_empty());
    }

    #[test]
    fn a_hold_reason_code_is_kept_and_a_written_reason_is_not() {
        assert_eq!(kept_reason("coroner_inquest"), "coroner_inquest");
        assert_eq!(kept_reason("her sister asked, Mrs Smith"), DISPOSED_TEXT);
    }

    #[test]
    fn the_form_keeps_its_answers_and_loses_its_text() {
        let f = Findings {
            pen_portrait: Some("Ada loved trains".into()),
            good_practice: Some("Dr Jones".into()),
            concerns: Some("Ward 4".into()),
            delays_in_care: Some(true),
            contributors: vec!["GP".into()],
            cause_of_death: Some(CauseOfDeath {
                part_1a: Some("pneumonia".into()),
                underlying: Some(UnderlyingCause::NotKnown {
                    reason: "post-mortem at St Elsewhere".into(),
                }),
                ..CauseOfDeath::default()
            }),
            ..Findings::default()
        };
        let a = anonymised_findings(&f);
        assert_eq!(a.pen_portrait, None);
        assert_eq!(a.good_practice, None);
        assert_eq!(a.concerns, None);
        assert!(a.contributors.is_empty());
        assert_eq!(a.delays_in_care, Some(true));
        let cause = a.cause_of_death.unwrap();
        assert_eq!(cause.part_1a, None);
        assert_eq!(
            cause.underlying,
            Some(UnderlyingCause::NotKnown {
                reason: DISPOSED_TEXT.into()
            })
        );
    }

    #[test]
    fn a_legal_hold_needs_a_plain_reason() {
        assert_eq!(
            LegalHoldReason::parse("  "),
            Err(LegalHoldReasonError::Blank)
        );
        assert_eq!(
            LegalHoldReason::parse(&"x".repeat(501)),
            Err(LegalHoldReasonError::TooLong)
        );
        assert_eq!(
            LegalHoldReason::parse("a\u{0}b"),
            Err(LegalHoldReasonError::ControlCharacter)
        );
        assert_eq!(
            LegalHoldReason::parse(" inquest ").unwrap().as_str(),
            "inquest"
        );
    }
}
