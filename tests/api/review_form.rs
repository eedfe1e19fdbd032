//! Review form 2 (domain::review_form): five answers the national reports analyse, asked of
//! reviews opened from form 2 on; a review opened with the first form keeps it, says so, and
//! does not take them. The answers reach the national extract and are counted in the national
//! statistics, over the reviews that were asked them.

use leder_api::demo::{CaseSpec, FormAnswersSpec};
use leder_domain::review_form::CovidVaccination;
use serde_json::{Value, json};
use time::macros::date;

use crate::both_backends;
use crate::cases::{act_ok, at_stage, patch_findings, review, staff};
use crate::helpers::{json, problem, sql_execute};
use crate::national_records::{analyst, export, insert_real, ndjson};

fn form_2() -> Value {
    json!({"referred_to_coroner": true, "dols_authorisation_in_place": false,
           "care_package_met_needs": false, "out_of_area_placement": true,
           "covid_vaccination": "fully_vaccinated"})
}

both_backends! {
    async fn a_new_review_takes_form_2_and_the_extract_carries_it(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "awaiting_sign_off").await;
        let (before, _) = review(&app, &s.lead.token, &id).await;
        assert_eq!(before["versions"]["form"], "leder-form-2");
        assert_eq!(before["findings"]["referred_to_coroner"], Value::Null);
        let res = patch_findings(&app, &s.lead.token, &s.lead.token, &id, &form_2()).await;
        let after = json(res, 200).await;
        for (field, value) in form_2().as_object().unwrap() {
            assert_eq!(&after["findings"][field], value, "{field}");
        }
        let (read, _) = review(&app, &s.qa.token, &id).await;
        assert_eq!(read["findings"]["covid_vaccination"], "fully_vaccinated", "stored");
        let bad = json!({"covid_vaccination": "twice"});
        let p = problem(patch_findings(&app, &s.lead.token, &s.lead.token, &id, &bad).await, 400)
            .await;
        assert_eq!(crate::helpers::first_field(&p), "covid_vaccination", "{p}");
        act_ok(&app, &s.lead.token, &id, json!({"action": "sign_off"})).await;

        // Four classmates (female, white, 65-74, QOP, 2026 Q4) so the row is published at k = 5.
        let mates: Vec<CaseSpec> = (0..4).map(|n| {
            let mut spec = CaseSpec::completed(date!(2026 - 10 - 01), 65);
            spec.family_name = format!("Classmate-{n}");
            spec.completed_on = Some(date!(2026 - 11 - 01));
            spec
        }).collect();
        insert_real(&app, mates).await;
        let token = analyst(&app).await;
        let (_, body) = export(&app, &token, "?year=2026", "application/x-ndjson").await;
        let (rows, _) = ndjson(&body);
        let ours: Vec<&Value> = rows.iter().filter(|r| r["referred_to_coroner"] == true).collect();
        assert_eq!(ours.len(), 1, "{body}");
        let row = ours[0];
        assert_eq!(row["form_version"], "leder-form-2");
        assert_eq!(row["dols_authorisation_in_place"], false);
        assert_eq!(row["care_package_met_needs"], false);
        assert_eq!(row["out_of_area_placement"], true);
        assert_eq!(row["covid_vaccination"], "fully_vaccinated");
        assert_eq!(rows.iter().filter(|r| r["covid_vaccination"].is_null()).count(), 4);
        let (_, csv) = export(&app, &token, "?year=2026", "text/csv").await;
        assert!(csv.lines().next().unwrap().ends_with(
            ",form_version,referred_to_coroner,dols_authorisation_in_place,\
             care_package_met_needs,out_of_area_placement,covid_vaccination"), "{csv}");
        assert!(csv.contains(",leder-form-2,true,false,false,true,fully_vaccinated\n"), "{csv}");
    }

    async fn a_review_opened_with_form_1_keeps_it_and_says_so(app) {
        let s = staff(&app).await;
        let id = at_stage(&app, &s, "in_review").await;
        let older = format!("UPDATE reviews SET form_version = 'leder-form-1' WHERE id = '{id}'");
        assert_eq!(sql_execute(&app, &older).await, 1);
        let (read, _) = review(&app, &s.lead.token, &id).await;
        assert_eq!(read["versions"]["form"], "leder-form-1");
        let version = read["version"].clone();
        for (field, value) in form_2().as_object().unwrap() {
            let patch = json!({field: value, "good_practice": "Kept the family informed"});
            let res = patch_findings(&app, &s.lead.token, &s.reviewer.token, &id, &patch).await;
            let p = problem(res, 422).await;
            assert_eq!(crate::helpers::first_field(&p), field.as_str(), "{p}");
            assert_eq!(p["errors"][0]["code"], "not_in_form_version");
        }
        let (unchanged, _) = review(&app, &s.lead.token, &id).await;
        assert_eq!(unchanged["version"], version, "nothing half-written");
        assert_eq!(unchanged["findings"]["good_practice"], Value::Null);
        let ok = json!({"good_practice": "Kept the family informed"});
        let res = patch_findings(&app, &s.lead.token, &s.reviewer.token, &id, &ok).await;
        let after = json(res, 200).await;
        assert_eq!(after["versions"]["form"], "leder-form-1", "it keeps its form");
        assert_eq!(after["findings"]["good_practice"], "Kept the family informed");
    }

    async fn the_statistics_count_the_answers_of_the_reviews_asked(app) {
        // Eight asked and answering alike, two answering otherwise (one question left open),
        // and one review on the first form, whose answers are never counted.
        let alike = FormAnswersSpec {
            referred_to_coroner: Some(true),
            dols_authorisation_in_place: Some(false),
            care_package_met_needs: Some(true),
            out_of_area_placement: Some(false),
            covid_vaccination: Some(CovidVaccination::FullyVaccinated),
        };
        let otherwise = FormAnswersSpec {
            referred_to_coroner: Some(false),
            dols_authorisation_in_place: None,
            care_package_met_needs: Some(false),
            out_of_area_placement: Some(true),
            covid_vaccination: Some(CovidVaccination::NotKnown),
        };
        let specs: Vec<CaseSpec> = std::iter::repeat_n(alike, 9)
            .chain(std::iter::repeat_n(otherwise, 2))
            .map(|answers| {
                let mut spec = CaseSpec::completed(date!(2025 - 03 - 05), 50);
                spec.form_answers = Some(answers);
                spec
            })
            .collect();
        let ids = insert_real(&app, specs).await;
        let older = format!("UPDATE reviews SET form_version = 'leder-form-1' WHERE id = '{}'",
                            ids[0]);
        assert_eq!(sql_execute(&app, &older).await, 1);
        let token = analyst(&app).await;
        let body = json(app.get_as("/api/v1/national/statistics?year=2025&by=sex", &token).await,
                        200).await;
        let t = &body["total"];
        assert_eq!(t["deaths"], 11);
        assert_eq!(t["form_answers"], json!({
            "asked": 10,
            "referred_to_coroner": {"yes": 8, "no": 2, "not_recorded": 0},
            "dols_authorisation_in_place": {"yes": 0, "no": 8, "not_recorded": 2},
            "care_package_met_needs": {"yes": 8, "no": 2, "not_recorded": 0},
            "out_of_area_placement": {"yes": 2, "no": 8, "not_recorded": 0},
            "covid_vaccination": {"fully_vaccinated": 8, "not_known": 2, "not_recorded": 0,
                                  "not_vaccinated": 0, "partially_vaccinated": 0},
        }), "{t}");
        let female = body["groups"].as_array().unwrap().iter()
            .find(|g| g["group"] == "female").expect("female");
        let f = &female["form_answers"];
        assert_eq!(f["asked"], 10);
        assert_eq!(f["referred_to_coroner"], json!({"yes": 10, "no": null, "not_recorded": 0}),
                   "8 rounds to 10, 2 is withheld: {f}");
        assert_eq!(f["covid_vaccination"]["not_known"], Value::Null);
        let suppressed = female["suppressed"].as_array().unwrap();
        for name in ["form_answers.referred_to_coroner.no",
                     "form_answers.dols_authorisation_in_place.not_recorded",
                     "form_answers.covid_vaccination.not_known"] {
            assert!(suppressed.contains(&json!(name)), "{name} in {suppressed:?}");
        }
    }
}
