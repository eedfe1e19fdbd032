//! DOMAIN.md, "Avoidable deaths": every row of `avoidable-mortality.csv` (version
//! `ons-2020/leder-2`) by its first and last code, the specific-before-general exceptions, the
//! bare 3-character codes the list splits, and the age limit.

use leder_domain::IcdCode;
use leder_domain::avoidable::{
    AVOIDABLE_LIST_VERSION, Avoidability, Classification, ListVersion, classify, classify_with,
    list, row_for,
};
use proptest::prelude::*;

use Classification::{Both, Preventable, Treatable};

/// Every row of the list as transcribed: (first code, last code, classification).
const ROWS: [(&str, &str, Classification); 140] = [
    ("A00", "A09", Preventable),     // Intestinal infectious diseases
    ("A15", "A19", Both),            // Tuberculosis
    ("B90", "B90", Both),            // Sequelae of tuberculosis
    ("J65", "J65", Both),            // Pneumoconiosis associated with tuberculosis
    ("A35", "A36", Preventable),     // Tetanus and diphtheria
    ("A80", "A80", Preventable),     // Acute poliomyelitis
    ("A37", "A37", Preventable),     // Whooping cough
    ("A39", "A39", Preventable),     // Meningococcal infection
    ("A40.3", "A40.3", Preventable), // Sepsis due to Streptococcus pneumoniae
    ("A41.3", "A41.3", Preventable), // Sepsis due to Haemophilus influenzae
    ("A49.2", "A49.2", Preventable), // Haemophilus influenzae infection
    ("A50", "A60", Preventable),     // Sexually transmitted infections (except HIV)
    ("A63", "A64", Preventable),     // Sexually transmitted infections (except HIV)
    ("B01", "B01", Preventable),     // Varicella
    ("B05", "B06", Preventable),     // Measles and rubella
    ("B15", "B19", Preventable),     // Viral hepatitis
    ("B20", "B24", Preventable),     // HIV/AIDS
    ("B50", "B54", Preventable),     // Malaria
    ("G00.0", "G00.1", Preventable), // Haemophilus and pneumococcal meningitis
    ("A38", "A38", Treatable),       // Scarlet fever
    ("A40", "A41", Treatable),       // Sepsis
    ("A46", "A46", Treatable),       // Erysipelas
    ("L03", "L03", Treatable),       // Cellulitis
    ("A48.1", "A48.1", Treatable),   // Legionnaires' disease
    ("A49.1", "A49.1", Treatable),   // Streptococcal infection
    ("G00.2", "G00.9", Treatable),   // Other bacterial meningitis
    ("G03", "G03", Treatable),       // Meningitis due to other and unspecified causes
    ("U07.1", "U07.2", Preventable), // COVID-19
    ("C00", "C14", Preventable),     // Malignant neoplasm of lip, oral cavity and pharynx
    ("C15", "C15", Preventable),     // Malignant neoplasm of oesophagus
    ("C16", "C16", Preventable),     // Malignant neoplasm of stomach
    ("C22", "C22", Preventable),     // Malignant neoplasm of liver
    ("C33", "C34", Preventable),     // Malignant neoplasm of trachea, bronchus and lung
    ("C43", "C43", Preventable),     // Melanoma of skin
    ("C45", "C45", Preventable),     // Mesothelioma
    ("C67", "C67", Preventable),     // Malignant neoplasm of bladder
    ("C53", "C53", Both),            // Malignant neoplasm of cervix uteri
    ("C18", "C21", Treatable),       // Malignant neoplasm of colon and rectum
    ("C50", "C50", Treatable),       // Malignant neoplasm of breast
    ("C54", "C55", Treatable),       // Malignant neoplasm of uterus
    ("C62", "C62", Treatable),       // Malignant neoplasm of testis
    ("C73", "C73", Treatable),       // Malignant neoplasm of thyroid gland
    ("C81", "C81", Treatable),       // Hodgkin lymphoma
    ("C91.0", "C91.1", Treatable),   // Leukaemia (acute and chronic lymphoid)
    ("D10", "D36", Treatable),       // Benign neoplasms
    ("D50", "D53", Preventable),     // Nutritional anaemias
    ("E10", "E14", Both),            // Diabetes mellitus
    ("E00", "E07", Treatable),       // Disorders of thyroid gland
    ("E24", "E25", Treatable),       // Adrenal disorders
    ("E27", "E27", Treatable),       // Adrenal disorders
    ("E24.4", "E24.4", Preventable), // Alcohol-induced pseudo-Cushing's syndrome
    ("F10", "F10", Preventable),     // Alcohol-related disorders
    ("G31.2", "G31.2", Preventable), // Degeneration of nervous system due to alcohol
    ("G62.1", "G62.1", Preventable), // Alcoholic polyneuropathy
    ("G72.1", "G72.1", Preventable), // Alcoholic myopathy
    ("I42.6", "I42.6", Preventable), // Alcoholic cardiomyopathy
    ("K29.2", "K29.2", Preventable), // Alcoholic gastritis
    ("K70", "K70", Preventable),     // Alcoholic liver disease
    ("K85.2", "K85.2", Preventable), // Alcohol-induced acute pancreatitis
    ("K86.0", "K86.0", Preventable), // Alcohol-induced chronic pancreatitis
    ("Q86.0", "Q86.0", Preventable), // Fetal alcohol syndrome
    ("R78.0", "R78.0", Preventable), // Finding of alcohol in blood
    ("X45", "X45", Preventable),     // Accidental poisoning by alcohol
    ("X65", "X65", Preventable),     // Intentional self-poisoning by alcohol
    ("Y15", "Y15", Preventable),     // Poisoning by alcohol, undetermined intent
    ("K73", "K73", Preventable),     // Chronic hepatitis
    ("K74.0", "K74.2", Preventable), // Hepatic fibrosis and sclerosis
    ("K74.6", "K74.6", Preventable), // Other and unspecified cirrhosis of liver
    ("F11", "F16", Preventable),     // Drug use disorders
    ("F18", "F19", Preventable),     // Drug use disorders
    ("X40", "X44", Preventable),     // Accidental poisoning by drugs
    ("X60", "X64", Preventable),     // Intentional self-poisoning by drugs
    ("X85", "X85", Preventable),     // Assault by drugs
    ("Y10", "Y14", Preventable),     // Poisoning by drugs, undetermined intent
    ("G40", "G41", Treatable),       // Epilepsy and status epilepticus
    ("I00", "I09", Treatable),       // Rheumatic and other valvular heart disease
    ("I10", "I15", Both),            // Hypertensive diseases
    ("I20", "I25", Both),            // Ischaemic heart diseases
    ("I60", "I69", Both),            // Cerebrovascular diseases
    ("I70", "I70", Both),            // Atherosclerosis
    ("I73.9", "I73.9", Both),        // Peripheral vascular disease
    ("I71", "I71", Both),            // Aortic aneurysm
    ("I26", "I26", Treatable),       // Pulmonary embolism
    ("I80", "I80", Treatable),       // Phlebitis and thrombophlebitis
    ("I82.9", "I82.9", Treatable),   // Embolism and thrombosis of unspecified vein
    ("J09", "J11", Preventable),     // Influenza
    ("J13", "J14", Preventable), // Pneumonia due to Streptococcus pneumoniae or Haemophilus influenzae
    ("J40", "J44", Preventable), // Chronic obstructive pulmonary disease
    ("J60", "J64", Preventable), // Lung diseases due to external agents
    ("J66", "J70", Preventable), // Lung diseases due to external agents
    ("J82", "J82", Preventable), // Pulmonary eosinophilia, not elsewhere classified
    ("J92", "J92", Preventable), // Pleural plaque
    ("J00", "J06", Treatable),   // Upper respiratory infections
    ("J30", "J39", Treatable),   // Other diseases of upper respiratory tract
    ("J12", "J12", Treatable),   // Viral pneumonia
    ("J15", "J16", Treatable),   // Other pneumonia
    ("J18", "J18", Treatable),   // Pneumonia, organism unspecified
    ("J20", "J22", Treatable),   // Acute lower respiratory infections
    ("J45", "J47", Treatable),   // Asthma and bronchiectasis
    ("J80", "J81", Treatable),   // Adult respiratory distress syndrome and pulmonary oedema
    ("J85", "J86", Treatable),   // Abscess of lung and mediastinum; pyothorax
    ("J90", "J90", Treatable),   // Pleural effusion
    ("J93", "J94", Treatable),   // Pneumothorax and other pleural conditions
    ("K25", "K28", Treatable),   // Gastric and duodenal ulcer
    ("K35", "K38", Treatable),   // Diseases of appendix
    ("K40", "K46", Treatable),   // Hernia
    ("K80", "K83", Treatable),   // Disorders of gallbladder and biliary tract
    ("K85.0", "K85.1", Treatable), // Acute pancreatitis
    ("K85.3", "K85.9", Treatable), // Acute pancreatitis
    ("K86.1", "K86.9", Treatable), // Other diseases of pancreas
    ("N00", "N07", Treatable),   // Nephritis and nephrosis
    ("N17", "N19", Treatable),   // Renal failure
    ("N25", "N27", Treatable),   // Other disorders of kidney
    ("N13", "N13", Treatable),   // Obstructive and reflux uropathy
    ("N20", "N21", Treatable),   // Urolithiasis
    ("N35", "N35", Treatable),   // Urethral stricture
    ("N40", "N40", Treatable),   // Hyperplasia of prostate
    ("N23", "N23", Treatable),   // Renal colic
    ("N34.1", "N34.1", Treatable), // Inflammatory diseases of genitourinary system
    ("N70", "N73", Treatable),   // Inflammatory diseases of genitourinary system
    ("N75.0", "N75.1", Treatable), // Inflammatory diseases of genitourinary system
    ("N76.4", "N76.4", Treatable), // Inflammatory diseases of genitourinary system
    ("N76.6", "N76.6", Treatable), // Inflammatory diseases of genitourinary system
    ("O00", "O99", Treatable),   // Pregnancy, childbirth and the puerperium
    ("P00", "P96", Treatable),   // Conditions originating in the perinatal period
    ("A33", "A33", Preventable), // Tetanus neonatorum
    ("A34", "A34", Preventable), // Obstetrical tetanus
    ("Q00", "Q01", Preventable), // Neural tube defects
    ("Q05", "Q05", Preventable), // Spina bifida
    ("Q20", "Q28", Treatable),   // Congenital malformations of the circulatory system
    ("V01", "V99", Preventable), // Transport accidents
    ("W00", "X39", Preventable), // Accidental injuries
    ("X46", "X59", Preventable), // Accidental injuries
    ("X66", "X84", Preventable), // Intentional self-harm
    ("Y87.0", "Y87.0", Preventable), // Sequelae of intentional self-harm
    ("X86", "Y09", Preventable), // Assault
    ("Y87.1", "Y87.1", Preventable), // Sequelae of assault
    ("Y16", "Y34", Preventable), // Event of undetermined intent
    ("Y87.2", "Y87.2", Preventable), // Sequelae of events of undetermined intent
    ("Y40", "Y84", Treatable),   // Adverse effects and misadventures of medical and surgical care
];

fn classification(code: &str) -> Option<Classification> {
    row_for(&IcdCode::parse(code).unwrap()).map(|row| row.classification)
}

#[test]
fn the_embedded_list_is_the_transcription_quoted_here() {
    let embedded: Vec<(&str, &str, Classification)> = list()
        .iter()
        .map(|row| (row.from.as_str(), row.to.as_str(), row.classification))
        .collect();
    assert_eq!(embedded, ROWS);
    assert_eq!(AVOIDABLE_LIST_VERSION, "ons-2020/leder-2");
}

#[test]
fn every_rows_first_and_last_code_has_the_rows_classification() {
    for (from, to, expected) in ROWS {
        for code in [from, to] {
            assert_eq!(classification(code), Some(expected), "{code} ({from}–{to})");
        }
    }
}

#[test]
fn the_most_specific_row_wins() {
    for (code, expected, general) in [
        ("A40.3", Preventable, "A40.2"),
        ("A41.3", Preventable, "A41.2"),
        ("E24.4", Preventable, "E24.3"),
        ("K85.2", Preventable, "K85.1"),
        ("K86.0", Preventable, "K86.1"),
        ("G00.0", Preventable, "G00.2"),
        ("G00.1", Preventable, "G00.3"),
    ] {
        assert_eq!(classification(code), Some(expected), "{code}");
        assert_eq!(classification(general), Some(Treatable), "{general}");
    }
}

#[test]
fn a_bare_code_the_list_splits_reads_as_its_unspecified_subcode() {
    for (bare, expected) in [
        ("K85", Some(Treatable)),
        ("G00", Some(Treatable)),
        ("K74", None),
        ("K86", Some(Treatable)),
        ("C91", None),
        ("A40", Some(Treatable)),
        ("A41", Some(Treatable)),
        ("E24", Some(Treatable)),
        ("U07", None),
    ] {
        assert_eq!(classification(bare), expected, "{bare}");
    }
}

#[test]
fn a_subcode_of_a_category_row_takes_the_rows_classification() {
    for (code, expected) in [
        ("J18.9", Treatable),
        ("I21.9", Both),
        ("C34.1", Preventable),
        ("K74.6", Preventable),
        ("N73.9", Treatable),
    ] {
        assert_eq!(classification(code), Some(expected), "{code}");
    }
    for not_on_list in [
        "R99", "K74.3", "C91.9", "C92.0", "C92.1", "N99.1", "J98.4", "F84.0", "I10.0X",
    ] {
        let Ok(code) = IcdCode::parse(not_on_list) else {
            continue;
        };
        assert_eq!(row_for(&code).map(|row| row.classification), None, "{code}");
    }
}

#[test]
fn covid_19_is_preventable() {
    assert_eq!(classification("U07.1"), Some(Preventable));
    assert_eq!(classification("U07.2"), Some(Preventable));
}

#[test]
fn the_spellings_of_one_code_classify_alike() {
    for spelling in ["J18.9", "J189", "J18.9X"] {
        assert_eq!(classification(spelling), Some(Treatable));
    }
    assert_eq!(classification("I10X"), Some(Both));
}

fn avoidability(code: &str, age: u32) -> (f64, f64, f64) {
    let result = classify(&IcdCode::parse(code).unwrap(), age);
    assert_eq!(result.version, "ons-2020/leder-2");
    (result.avoidable, result.preventable, result.treatable)
}

#[test]
fn causes_on_both_lists_count_half_to_each_and_one_to_avoidable() {
    assert_eq!(avoidability("I21.9", 60), (1.0, 0.5, 0.5));
    assert_eq!(avoidability("J18.9", 60), (1.0, 0.0, 1.0));
    assert_eq!(avoidability("U07.1", 60), (1.0, 1.0, 0.0));
    assert_eq!(avoidability("R99", 60), (0.0, 0.0, 0.0));
}

#[test]
fn a_death_at_74_can_be_avoidable_and_at_75_never_is() {
    for code in ["J18.9", "I21.9", "U07.1", "A40.3"] {
        assert_eq!(avoidability(code, 74).0, 1.0, "{code}");
        assert_eq!(avoidability(code, 75), (0.0, 0.0, 0.0), "{code}");
        assert_eq!(avoidability(code, 98), (0.0, 0.0, 0.0), "{code}");
    }
}

/// The seven corrections of `ons-2020/leder-2` (AVOIDABLE-SOURCES.md), each code as
/// (preventable, treatable) at 74 under leder-1 and under leder-2.
/// (preventable, treatable) at 74.
type Split = (f64, f64);

const CORRECTIONS: [(&str, Split, Split); 17] = [
    ("I71", (0.0, 1.0), (0.5, 0.5)), // aortic aneurysm: treatable → both
    ("I71.4", (0.0, 1.0), (0.5, 0.5)), // a subcode of it
    ("C92.1", (0.0, 1.0), (0.0, 0.0)), // chronic myeloid leukaemia: treatable → not avoidable
    ("I00", (0.0, 0.0), (0.0, 1.0)), // rheumatic fever: now treatable with I01–I09
    ("I01.0", (0.0, 1.0), (0.0, 1.0)), // unchanged, inside the widened range
    ("N99.1", (0.0, 1.0), (0.0, 0.0)), // postprocedural urethral stricture: off the list
    ("N23", (0.0, 0.0), (0.0, 1.0)), // renal colic: now treatable
    ("N34.1", (0.0, 0.0), (0.0, 1.0)), // inflammatory genitourinary diseases: now treatable
    ("N70.0", (0.0, 0.0), (0.0, 1.0)),
    ("N73.9", (0.0, 0.0), (0.0, 1.0)),
    ("N75.0", (0.0, 0.0), (0.0, 1.0)),
    ("N75.1", (0.0, 0.0), (0.0, 1.0)),
    ("N76.4", (0.0, 0.0), (0.0, 1.0)),
    ("N76.6", (0.0, 0.0), (0.0, 1.0)),
    ("A33", (0.0, 0.0), (1.0, 0.0)), // tetanus neonatorum: now preventable
    ("A34", (0.0, 0.0), (1.0, 0.0)), // obstetrical tetanus: now preventable
    ("N75.8", (0.0, 0.0), (0.0, 0.0)), // a sibling the list does not name stays off it
];

fn split(version: ListVersion, code: &str, age: u32) -> (f64, f64) {
    let result = classify_with(version, &IcdCode::parse(code).unwrap(), age);
    assert_eq!(result.version, version.as_str());
    assert!(consistent(&result), "{code} at {age}: {result:?}");
    (result.preventable, result.treatable)
}

#[test]
fn every_corrected_row_classifies_by_its_version_at_74_and_never_at_75() {
    for (code, leder_1, leder_2) in CORRECTIONS {
        assert_eq!(
            split(ListVersion::OnsLeder1, code, 74),
            leder_1,
            "leder-1 {code}"
        );
        assert_eq!(
            split(ListVersion::OnsLeder2, code, 74),
            leder_2,
            "leder-2 {code}"
        );
        for version in ListVersion::ALL {
            assert_eq!(
                split(*version, code, 75),
                (0.0, 0.0),
                "{version} {code} at 75"
            );
        }
    }
}

#[test]
fn the_current_version_is_leder_2_and_leder_1_is_still_readable() {
    assert_eq!(ListVersion::CURRENT, ListVersion::OnsLeder2);
    assert_eq!(
        ListVersion::parse("ons-2020/leder-1"),
        Ok(ListVersion::OnsLeder1)
    );
    assert!(ListVersion::parse("ons-2020").is_err());
    assert_eq!(ListVersion::OnsLeder1.rows().len(), 134);
    assert_eq!(ListVersion::OnsLeder2.rows().len(), 140);
}

#[test]
fn outside_the_corrections_both_versions_agree_on_every_who_code() {
    let corrected = |code: &IcdCode| {
        let category = code.category();
        [
            "I71", "C92", "I00", "N99", "N23", "N34", "N70", "N71", "N72", "N73", "N75", "N76",
            "A33", "A34",
        ]
        .contains(&category)
    };
    for code in IcdCode::all().filter(|c| !corrected(c)) {
        for age in [0, 74] {
            assert_eq!(
                split(ListVersion::OnsLeder1, code.as_str(), age),
                split(ListVersion::OnsLeder2, code.as_str(), age),
                "{code}"
            );
        }
    }
}

fn halves(value: f64) -> bool {
    [0.0, 0.5, 1.0].contains(&value)
}

fn consistent(result: &Avoidability) -> bool {
    result.preventable + result.treatable == result.avoidable
        && halves(result.preventable)
        && halves(result.treatable)
        && (result.avoidable == 0.0 || result.avoidable == 1.0)
}

#[test]
fn preventable_plus_treatable_is_avoidable_for_every_who_code() {
    for code in IcdCode::all() {
        for age in [0, 74, 75] {
            let result = classify(&code, age);
            assert!(consistent(&result), "{code} at {age}: {result:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn preventable_plus_treatable_is_avoidable_for_any_code_and_age(
        code in "[A-Z][0-9]{2}(\\.?[0-9]X?)?",
        age in 0u32..120,
    ) {
        if let Ok(code) = IcdCode::parse(&code) {
            let result = classify(&code, age);
            prop_assert!(consistent(&result));
            if age >= 75 {
                prop_assert_eq!(result.avoidable, 0.0);
            }
        }
    }
}
