//! The cohorts the national reports keep apart (DOMAIN.md, "Cohorts"): adults (18+) with a
//! learning disability, children (4–17) with a learning disability reviewed through the Child
//! Death Review route, and autistic adults without a learning disability. The reports lead with
//! the first, so it is the default wherever one cohort is shown.
//!
//! A review's cohort follows from its eligibility route and the person as assessed: the Child
//! Death Review route is the children's cohort; on the LeDeR route a learning disability makes
//! the adults' cohort (autistic or not), and an autistic person without one the third. An
//! ineligible review has no cohort.

use crate::eligibility::Route;
use crate::wire::wire_enum;

wire_enum! {
    /// A cohort of the national reports.
    pub enum Cohort as "cohort" {
        /// Adults (18 and over) with a learning disability, autistic or not.
        AdultsLd => "adults_ld",
        /// Children (4 to 17) with a learning disability, reviewed through the Child Death Review.
        ChildrenLd => "children_ld",
        /// Autistic adults without a learning disability.
        AutisticAdults => "autistic_adults",
    }
}

impl Cohort {
    /// The cohort of an eligible review on `route`, or `None` for one with no route (not
    /// eligible, opted out) or an adult on the LeDeR route who is neither.
    pub fn of(route: Option<Route>, learning_disability: bool, autistic: bool) -> Option<Self> {
        match route? {
            Route::ChildDeathReview => Some(Self::ChildrenLd),
            Route::LederReview if learning_disability => Some(Self::AdultsLd),
            Route::LederReview if autistic => Some(Self::AutisticAdults),
            Route::LederReview => None,
        }
    }

    /// Whether the review's clock is LeDeR's: a Child Death Review case is left out of every
    /// 6-month measure (DOMAIN.md, "Time").
    pub fn counts_towards_six_months(self) -> bool {
        !matches!(self, Self::ChildrenLd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_route_and_the_person_give_the_cohort() {
        let cdr = Some(Route::ChildDeathReview);
        let leder = Some(Route::LederReview);
        assert_eq!(Cohort::of(cdr, true, false), Some(Cohort::ChildrenLd));
        assert_eq!(Cohort::of(cdr, true, true), Some(Cohort::ChildrenLd));
        assert_eq!(Cohort::of(leder, true, false), Some(Cohort::AdultsLd));
        assert_eq!(
            Cohort::of(leder, true, true),
            Some(Cohort::AdultsLd),
            "LD leads"
        );
        assert_eq!(Cohort::of(leder, false, true), Some(Cohort::AutisticAdults));
        assert_eq!(Cohort::of(leder, false, false), None);
        assert_eq!(Cohort::of(None, true, false), None, "not eligible");
    }

    #[test]
    fn only_the_child_death_review_cohort_is_off_the_six_month_clock() {
        assert!(Cohort::AdultsLd.counts_towards_six_months());
        assert!(Cohort::AutisticAdults.counts_towards_six_months());
        assert!(!Cohort::ChildrenLd.counts_towards_six_months());
    }
}
