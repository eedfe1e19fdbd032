//! Cases: one file per handler. Reads go through the caller's case scope (a case outside it
//! answers 404, exactly like a missing one) and are audited before the answer leaves; changes
//! go through `app::reviews::change`, which lets the domain `Review` decide (scope 404, then
//! role 403, then stage 409, then the rule 422) and writes everything together.

mod add_learning;
mod case_notes;
mod case_notifications;
mod correct_person;
mod escalations;
mod family;
mod get_review;
mod legal_hold;
mod list_learning;
mod list_reviews;
mod list_themes;
mod moves;
mod my_reviews;
mod record_child_death_review_outcome;
mod record_opt_out_check;
mod review_history;
mod transition_review;
mod update_findings;

use utoipa_actix_web::service_config::ServiceConfig;

pub use crate::app::reviews::{audit_reads, load};
pub(crate) use moves::shown as shown_move;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_reviews::list_reviews)
        .service(get_review::get_review)
        .service(my_reviews::list_my_reviews)
        .service(case_notifications::list_case_notifications)
        .service(case_notifications::acknowledge_duplicate)
        .service(case_notes::add_note)
        .service(case_notes::list_notes)
        .service(review_history::review_history)
        .service(list_learning::list_learning)
        .service(list_themes::list_themes)
        .service(update_findings::update_findings)
        .service(correct_person::correct_person_details)
        .service(transition_review::transition_review)
        .service(record_child_death_review_outcome::record_child_death_review_outcome)
        .service(record_opt_out_check::record_opt_out_check)
        .service(add_learning::add_learning)
        .service(escalations::record_escalation)
        .service(escalations::list_escalations)
        .service(legal_hold::set_legal_hold)
        .service(legal_hold::lift_legal_hold)
        .service(family::add_family_contact)
        .service(family::list_family_contacts)
        .service(family::update_family_contact)
        .service(family::record_family_event)
        .service(family::list_family_events)
        .service(moves::propose_move)
        .service(moves::list_review_moves)
        .service(moves::accept_move)
        .service(moves::decline_move);
}
