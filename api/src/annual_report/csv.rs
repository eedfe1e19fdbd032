//! The annual report as CSV: `section,item,value,label`, one figure a row.

use crate::dto::reports::AnnualReport;

fn shown<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The report as CSV: `section,item,value,label`, one figure a row; a withheld figure has an
/// empty value. Free text (action titles) that a spreadsheet would take for a formula starts
/// with a single quote ([`crate::csv::field`]).
pub fn to_csv(r: &AnnualReport) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut row = |section: &str, item: &str, value: String, label: &str| {
        rows.push([section.into(), item.into(), value, label.into()]);
    };
    row("report", "organisation", r.organisation.clone(), "");
    row("report", "year", r.year.to_string(), "");
    row(
        "report",
        "period_start",
        crate::dto::reports::ymd(r.period.start),
        "",
    );
    row(
        "report",
        "period_end",
        crate::dto::reports::ymd(r.period.end),
        "",
    );
    row("report", "quarter", shown(r.quarter), "");
    row("report", "publishable", r.publishable.to_string(), "");
    row("notifications", "total", shown(r.notifications), "");
    for (section, map) in [
        ("eligibility_outcomes", &r.eligibility_outcomes),
        ("review_types", &r.review_types),
        ("focused_reviews_by_reason", &r.focused_reviews_by_reason),
    ] {
        for (k, v) in map {
            row(section, k, shown(*v), "");
        }
    }
    let c = &r.completions;
    for (item, value) in [
        ("reviews_completed", shown(c.reviews_completed)),
        (
            "child_death_review_outcomes",
            shown(c.child_death_review_outcomes),
        ),
        (
            "median_days_to_completion",
            shown(c.median_days_to_completion),
        ),
        (
            "completed_within_6_months",
            shown(c.completed_within_6_months),
        ),
        (
            "completed_within_6_months_net_of_holds",
            shown(c.completed_within_6_months_net_of_holds),
        ),
        ("share_within_6_months", shown(c.share_within_6_months)),
        (
            "share_within_6_months_net_of_holds",
            shown(c.share_within_6_months_net_of_holds),
        ),
    ] {
        row("completions", item, value, "");
    }
    for (k, v) in &r.reviews_on_hold_by_reason {
        row("reviews_on_hold_by_reason", k, shown(*v), "");
    }
    let d = &r.deaths;
    row("deaths", "reviews", shown(d.reviews), "");
    for (section, map) in [
        ("deaths_by_age_band", &d.by_age_band),
        ("deaths_by_sex", &d.by_sex),
        ("deaths_by_ethnic_group", &d.by_ethnic_group),
        ("deaths_by_place_of_death", &d.by_place_of_death),
        ("care_grades", &d.care_grades),
    ] {
        for (k, v) in map {
            row(section, k, shown(*v), "");
        }
    }
    for c in &d.leading_causes {
        row("leading_causes", &c.icd10, shown(c.deaths), c.name);
    }
    row("avoidable", "avoidable", shown(d.avoidable.avoidable), "");
    row(
        "avoidable",
        "preventable",
        shown(d.avoidable.preventable),
        "",
    );
    row("avoidable", "treatable", shown(d.avoidable.treatable), "");
    for t in &r.top_themes {
        row("top_themes", &t.theme, shown(t.count), &t.label);
    }
    for (k, v) in &r.actions.by_status {
        row("actions_by_status", k, v.to_string(), "");
    }
    for a in &r.actions.overdue {
        row(
            "overdue_actions",
            &a.id,
            crate::dto::reports::ymd(a.due_date),
            &a.title,
        );
    }
    let mut out = String::from("section,item,value,label\r\n");
    for r in rows {
        let line: Vec<String> = r.iter().map(|f| crate::csv::field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}
