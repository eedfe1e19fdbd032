//! The weighted tables behind the realistic generator: ethnic categories, causes of death with
//! the learning themes they usually raise, care grades, names and stage thresholds.

/// Ethnic categories: White ~88%, Asian ~5%, Black ~3%, Mixed ~2%, Other ~1%, Z/99 ~1%.
pub(super) const ETHNICITY: [(&str, u32); 18] = [
    ("A", 800),
    ("B", 10),
    ("C", 70),
    ("H", 15),
    ("J", 20),
    ("K", 7),
    ("L", 8),
    ("M", 10),
    ("N", 15),
    ("P", 5),
    ("D", 6),
    ("E", 3),
    ("F", 4),
    ("G", 7),
    ("R", 3),
    ("S", 7),
    ("Z", 6),
    ("99", 4),
];

/// Underlying causes of adults (ICD-10, weight, learning themes).
pub(super) const ADULT_CAUSES: [(&str, u32, &[&str]); 33] = [
    ("J18.9", 140, &["physical_health_monitoring"]),
    ("J69.0", 100, &["aspiration_pneumonia", "dysphagia"]),
    ("U07.1", 50, &["reasonable_adjustments"]),
    ("C34.9", 20, &["cancer_screening"]),
    (
        "C18.9",
        20,
        &["cancer_screening", "diagnostic_overshadowing"],
    ),
    ("C50.9", 15, &["cancer_screening"]),
    ("C16.9", 10, &["cancer_screening"]),
    ("C15.9", 15, &["cancer_screening", "dysphagia"]),
    ("C25.9", 10, &["cancer_screening"]),
    ("C61", 5, &["cancer_screening"]),
    ("G40.9", 60, &["epilepsy"]),
    ("G41.9", 10, &["epilepsy"]),
    ("A41.9", 50, &["sepsis"]),
    ("I25.1", 40, &["physical_health_monitoring"]),
    ("I21.9", 30, &["delays_in_care"]),
    ("K56.6", 10, &["constipation"]),
    ("K56.4", 5, &["constipation"]),
    ("K59.0", 5, &["constipation", "medication"]),
    ("J44.9", 30, &["annual_health_checks"]),
    ("I64", 30, &["delays_in_care"]),
    ("I50.9", 30, &["physical_health_monitoring"]),
    ("G80.9", 40, &["dysphagia"]),
    ("Q90.9", 30, &["annual_health_checks"]),
    (
        "G30.9",
        50,
        &["end_of_life_care", "diagnostic_overshadowing"],
    ),
    ("F03", 30, &["end_of_life_care"]),
    ("J15.9", 20, &["physical_health_monitoring"]),
    ("N39.0", 10, &["sepsis"]),
    ("I26.9", 10, &["delays_in_care"]),
    ("E11.9", 10, &["annual_health_checks"]),
    ("I42.9", 10, &["physical_health_monitoring"]),
    ("I71.3", 4, &["delays_in_care"]),
    ("I71.4", 4, &["physical_health_monitoring"]),
    ("C92.1", 3, &["cancer_screening"]),
];

/// Underlying causes of children aged 4–17.
pub(super) const CHILD_CAUSES: [(&str, u32); 10] = [
    ("G40.9", 25),
    ("J18.9", 20),
    ("J69.0", 15),
    ("G80.9", 15),
    ("Q90.9", 5),
    ("Q21.0", 5),
    ("G93.1", 5),
    ("A41.9", 5),
    ("C71.9", 3),
    ("C92.0", 2),
];

/// Learning themes any review may add.
pub(super) const GENERAL_THEMES: [(&str, u32); 9] = [
    ("reasonable_adjustments", 20),
    ("communication", 20),
    ("mental_capacity_act", 15),
    ("dnacpr", 10),
    ("annual_health_checks", 10),
    ("family_involvement", 10),
    ("care_coordination", 10),
    ("diagnostic_overshadowing", 10),
    ("transition", 2),
];

pub(super) const GRADES: [(u8, u32); 6] = [(1, 8), (2, 42), (3, 33), (4, 10), (5, 5), (6, 2)];

pub(super) const GIVEN_FEMALE: [&str; 8] = [
    "Ada", "Beth", "Cara", "Dora", "Edie", "Faye", "Gwen", "Hana",
];
pub(super) const GIVEN_MALE: [&str; 8] =
    ["Alan", "Ben", "Carl", "Dev", "Eli", "Finn", "Gus", "Hari"];

/// Open stages by how far a review has got (fraction of its expected duration).
pub(super) const OPEN_STAGES: [(f64, &str); 5] = [
    (0.10, "awaiting_allocation"),
    (0.20, "allocated"),
    (0.65, "in_review"),
    (0.80, "awaiting_qa"),
    (f64::INFINITY, "awaiting_sign_off"),
];
