//! `leder seed-demo` and the demo case-insertion API: realistic synthetic data, marked
//! synthetic, with test-range NHS numbers only, no events or webhooks, reproducible for a seed,
//! and refused on a database with real cases unless forced.

use leder_api::demo::{self, CaseSpec, DemoError, SeedSummary};
use leder_domain::NhsNumber;
use leder_persistence::repo::seed::nhs_numbers_starting;
use time::macros::date;

use crate::both_backends;
use crate::cases::{notification, notify, person, review};
use crate::helpers::{TestApp, json, sql_count, today};

async fn seed(app: &TestApp, n: usize, seed: u64, force: bool) -> Result<SeedSummary, DemoError> {
    let pool = app.pool().clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        demo::seed(&mut conn, n, seed, force, today(), &mut |_| {})
    })
    .await
    .unwrap()
}

async fn insert(app: &TestApp, specs: Vec<CaseSpec>) -> Result<Vec<String>, DemoError> {
    let pool = app.pool().clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        demo::insert(&mut conn, &specs, today())
    })
    .await
    .unwrap()
}

async fn icbs(app: &TestApp) -> Vec<String> {
    let pool = app.pool().clone();
    tokio::task::spawn_blocking(move || demo::icbs_on(&mut pool.get().unwrap(), today()))
        .await
        .unwrap()
        .unwrap()
}

async fn count(app: &TestApp, filter: &str) -> i64 {
    sql_count(
        app,
        &format!("SELECT COUNT(*) AS n FROM reviews WHERE {filter}"),
    )
    .await
}

both_backends! {
    async fn seeded_cases_are_synthetic_realistic_and_emit_nothing(app) {
        let summary = seed(&app, 2000, 2026, false).await.unwrap();
        assert_eq!(summary.reviews, 2000);
        assert_eq!(count(&app, "synthetic").await, 2000);
        assert_eq!(count(&app, "NOT synthetic").await, 0);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM events").await, 0);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM webhook_deliveries").await, 0);
        // NHS numbers: only the 999 test range, valid, each once.
        let pool = app.pool().clone();
        let numbers = tokio::task::spawn_blocking(move || {
            nhs_numbers_starting(&mut pool.get().unwrap(), "999").unwrap()
        })
        .await
        .unwrap();
        assert_eq!(i64::try_from(numbers.len()).unwrap(), count(&app, "nhs_number IS NOT NULL").await);
        // The ranges below are sampled figures, not counts: the generator draws around today's
        // date, so they change from day to day; each is what a realistic 2000 must fall in.
        // About 97% of people have an NHS number.
        assert!(numbers.len() > 1800, "{}", numbers.len());
        assert!(numbers.iter().all(|n| NhsNumber::parse(n).is_ok()), "an invalid number");
        let mut unique = numbers.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), numbers.len());
        // Ages, sex, children.
        let at_most_58 = count(&app, "age_at_death <= 58").await;
        let at_most_66 = count(&app, "age_at_death <= 66").await;
        assert!(at_most_58 < 1000 && at_most_66 >= 1000, "median outside 58..66: {at_most_58} {at_most_66}");
        let male = count(&app, "sex = 'male'").await;
        assert!((1060..=1260).contains(&male), "male {male} of 2000");
        let children = count(&app, "age_at_death BETWEEN 4 AND 17").await;
        assert!((80..=200).contains(&children), "children {children} of 2000");
        assert_eq!(count(&app, "age_at_death < 18 AND eligibility_route <> 'child_death_review'").await, 0);
        // Stages, holds, learning with themes, findings. Every stage a seeded case can reach is
        // there (each is at least 1% of a sample this size): the five open stages, on hold,
        // referred to a child death review, and completed.
        let stages = sql_count(&app, "SELECT COUNT(DISTINCT status) AS n FROM reviews").await;
        assert_eq!(stages, 8, "{stages} stages");
        // Each case on hold has one hold, still open.
        let on_hold = count(&app, "status = 'on_hold'").await;
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM review_holds").await, on_hold);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM review_holds WHERE ended_on IS NULL").await, on_hold);
        // Sampled: most signed-off adult reviews carry learning with themes.
        let themed = "SELECT COUNT(DISTINCT learning_id) AS n FROM learning_point_themes";
        assert!(sql_count(&app, themed).await > 100);
        assert_eq!(count(&app, "status = 'completed' AND eligibility_route = 'leder_review' \
            AND (underlying_icd10 IS NULL OR care_grade IS NULL)").await, 0);
        // A completed child death review has its outcome, and only those have one.
        assert_eq!(count(&app, "status = 'completed' AND child_death_review_outcome IS NOT NULL").await,
            count(&app, "status = 'completed' AND eligibility_route = 'child_death_review'").await);
        assert_eq!(count(&app, "child_death_review_outcome IS NOT NULL").await,
            count(&app, "status = 'completed' AND eligibility_route = 'child_death_review'").await);
        assert_eq!(count(&app, "status = 'completed' AND completed_on > notified_on \
            AND date_of_death <= notified_on").await, count(&app, "status = 'completed'").await);
    }

    async fn the_same_seed_gives_the_same_cases_and_another_seed_others(app) {
        let icbs = icbs(&app).await;
        // The ICBs valid today: 30 from July 2022 and the 6 of April 2026's mergers.
        assert_eq!(icbs.len(), 36, "{icbs:?}");
        let a: Vec<CaseSpec> = demo::realistic(300, 7, &icbs, today()).collect();
        let b: Vec<CaseSpec> = demo::realistic(300, 7, &icbs, today()).collect();
        let c: Vec<CaseSpec> = demo::realistic(300, 8, &icbs, today()).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().all(|s| s.date_of_death <= today() && s.notified_on <= today()));
        assert!(a.iter().all(|s| s.completed_on.is_none_or(|d| d <= today())));
    }

    async fn inserted_cases_read_as_normal_completed_reviews(app) {
        let lead = person(&app, "lead", &["ics_lead"], "QOP").await;
        let first = CaseSpec {
            underlying_icd10: Some("J690".into()),
            care_grade: Some(3),
            themes: vec!["dysphagia".into(), "aspiration_pneumonia".into()],
            ..CaseSpec::completed(date!(2025 - 03 - 10), 70)
        };
        let second = CaseSpec::completed(date!(2024 - 11 - 02), 40);
        let ids = insert(&app, vec![first, second]).await.unwrap();
        assert_eq!(ids.len(), 2);
        let (r, _) = review(&app, &lead.token, &ids[0]).await;
        assert_eq!(r["status"], "completed", "{r}");
        assert!(r["reference"].as_str().unwrap().starts_with("LDR-ZZ"), "{r}");
        assert_eq!(r["eligibility"]["outcome"], "eligible");
        assert_eq!(r["review_type"], "initial");
        assert_eq!(r["age_at_death"], 70);
        assert_eq!(r["findings"]["cause_of_death"]["underlying_icd10"], "J69.0");
        assert_eq!(r["findings"]["care_grade"], 3);
        assert_eq!(r["person"]["date_of_death"], "2025-03-10");
        assert_eq!(r["completed_at"].as_str().unwrap()[..10], *"2025-07-22");
        let code = leder_domain::IcdCode::parse("J69.0").unwrap();
        let expected = leder_domain::avoidable::classify(&code, 70);
        assert_eq!(r["avoidable"]["avoidable"], expected.avoidable, "{r}");
        assert_eq!(r["avoidable"]["preventable"], expected.preventable, "{r}");
        let learning = json(app.get_as(&format!("/api/v1/reviews/{}/learning", ids[0]), &lead.token).await, 200).await;
        assert_eq!(learning["items"][0]["themes"], serde_json::json!(["aspiration_pneumonia", "dysphagia"]));
        let history = json(app.get_as(&format!("/api/v1/reviews/{}/history", ids[0]), &lead.token).await, 200).await;
        let actions: Vec<&str> = history["items"].as_array().unwrap().iter()
            .map(|h| h["action"].as_str().unwrap()).collect();
        assert_eq!(actions.first(), Some(&"created"));
        assert_eq!(actions.last(), Some(&"transition:sign_off"));
        let (r, _) = review(&app, &lead.token, &ids[1]).await;
        assert_eq!(r["findings"]["cause_of_death"]["underlying_icd10"], "J18.9");
        assert_eq!(r["age_at_death"], 40);
        assert_eq!(r["avoidable"]["treatable"], 1.0, "pneumonia under 75 is treatable: {r}");
        let listed = json(app.get_as("/api/v1/reviews?status=completed", &lead.token).await, 200).await;
        assert_eq!(listed["items"].as_array().unwrap().len(), 2);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM events").await, 0);
    }

    async fn an_invalid_spec_is_an_error_and_nothing_is_stored(app) {
        let good = CaseSpec::completed(date!(2025 - 03 - 10), 70);
        let cases = [
            (CaseSpec { underlying_icd10: Some("J18.99".into()), ..good.clone() }, "underlying_icd10"),
            (CaseSpec { organisation: "XXX".into(), ..good.clone() }, "organisation"),
            (CaseSpec { nhs_number: Some("9990000000".into()), ..good.clone() }, "nhs_number"),
            (CaseSpec { care_grade: Some(7), ..good.clone() }, "care_grade"),
            (CaseSpec { completed_on: None, ..good.clone() }, "completed_on"),
            (CaseSpec { ethnic_category: "Z".into(), ..good.clone() }, "ethnic_category"),
            (CaseSpec { status: "referred_to_child_death_review".into(), completed_on: None, ..good.clone() }, "status"),
            (CaseSpec { themes: vec!["no_such_theme".into()], ..good.clone() }, "themes"),
        ];
        for (bad, expected) in cases {
            match insert(&app, vec![good.clone(), bad]).await {
                Err(DemoError::InvalidSpec { index: 1, field, .. }) => assert_eq!(field, expected),
                other => panic!("{expected}: {other:?}"),
            }
        }
        assert_eq!(count(&app, "1 = 1").await, 0);
    }

    async fn a_child_death_goes_the_child_death_review_route(app) {
        let lead = person(&app, "lead", &["ics_lead"], "QOP").await;
        let referred = CaseSpec {
            status: "referred_to_child_death_review".into(),
            completed_on: None,
            underlying_icd10: None,
            ..CaseSpec::completed(date!(2026 - 06 - 01), 9)
        };
        let done = CaseSpec { underlying_icd10: Some("G40.9".into()), ..CaseSpec::completed(date!(2025 - 01 - 05), 12) };
        let ids = insert(&app, vec![referred, done]).await.unwrap();
        let (r, _) = review(&app, &lead.token, &ids[0]).await;
        assert_eq!(r["status"], "referred_to_child_death_review");
        assert_eq!(r["eligibility"]["route"], "child_death_review");
        let (r, _) = review(&app, &lead.token, &ids[1]).await;
        assert_eq!(r["status"], "completed");
        assert_eq!(r["child_death_review_outcome"]["underlying_icd10"], "G40.9", "{r}");
        assert_eq!(count(&app, "care_grade IS NOT NULL").await, 0);
    }

    async fn seeding_refuses_a_database_with_real_cases_unless_forced(app) {
        notify(&app, &notification()).await;
        match seed(&app, 10, 1, false).await {
            Err(DemoError::RealCasesPresent) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(count(&app, "1 = 1").await, 1);
        let summary = seed(&app, 10, 1, true).await.unwrap();
        assert_eq!(summary.reviews, 10);
        assert_eq!(count(&app, "synthetic").await, 10);
        assert_eq!(count(&app, "NOT synthetic").await, 1);
        // Seeding again (demo data only is no reason to refuse) never repeats a reference or
        // an NHS number.
        seed(&app, 10, 1, true).await.unwrap();
        assert_eq!(count(&app, "synthetic").await, 20);
        let distinct = sql_count(&app, "SELECT COUNT(DISTINCT nhs_number) AS n FROM reviews").await;
        assert_eq!(distinct, count(&app, "nhs_number IS NOT NULL").await);
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM events").await, 1);
    }
}
