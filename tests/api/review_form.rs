//! Review form 2 (domain::review_form): five answers the national reports analyse, asked of
//! reviews opened from form 2 on; a review opened with the first form keeps it, says so, and
//! does not take them. The answers reach the national extract.

use leder_api::demo::CaseSpec;
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
}
