//! The realistic generator behind `leder seed-demo`: distributions close to the national LeDeR
//! reports (median age at death about 62, about 58% male, about 7% children aged 4–17), a
//! weighted list of real causes of death, and stages that follow from how long ago the death
//! was notified. Deterministic for a seed (ChaCha8, whose output never changes between
//! versions). NHS numbers come from the 999 test range, each used at most once.

use leder_domain::NhsNumber;
use leder_domain::eligibility::AUTISM_PROGRAMME_START;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration};

use super::CaseSpec;
use super::tables::{
    ADULT_CAUSES, CHILD_CAUSES, ETHNICITY, GENERAL_THEMES, GIVEN_FEMALE, GIVEN_MALE, GRADES,
    OPEN_STAGES,
};

/// A weighted choice.
pub(super) fn pick<T: Copy, const N: usize>(rng: &mut impl Rng, items: &[(T, u32); N]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total.max(1));
    for (item, weight) in items {
        if x < *weight {
            return *item;
        }
        x -= weight;
    }
    items[N - 1].0
}

/// Valid NHS numbers of the 999 test range in a seeded order, each at most once.
struct TestRangeNumbers {
    position: u64,
    step: u64,
    offset: u64,
}

impl TestRangeNumbers {
    const SPACE: u64 = 1_000_000;

    fn new(rng: &mut ChaCha8Rng) -> Self {
        // Steps coprime to 10^6 visit every 6-digit body exactly once.
        let steps = [7_919, 104_729, 611_953, 999_983, 282_377, 430_163];
        Self {
            position: 0,
            step: steps[rng.random_range(0..steps.len())],
            offset: rng.random_range(0..Self::SPACE),
        }
    }

    fn next_number(&mut self) -> Option<String> {
        while self.position < Self::SPACE {
            let body = (self.position * self.step + self.offset) % Self::SPACE;
            self.position += 1;
            if let Some(n) = (0..10)
                .map(|check| format!("999{body:06}{check}"))
                .find_map(|s| NhsNumber::parse(&s).ok())
            {
                return Some(n.digits());
            }
        }
        None
    }
}

struct Generator {
    rng: ChaCha8Rng,
    icbs: Vec<String>,
    today: Date,
    numbers: TestRangeNumbers,
}

/// The realistic generator used by `leder seed-demo` (deterministic for a given seed).
pub fn realistic(
    n: usize,
    seed: u64,
    icbs: &[String],
    today: Date,
) -> impl Iterator<Item = CaseSpec> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let numbers = TestRangeNumbers::new(&mut rng);
    let mut g = Generator {
        rng,
        icbs: icbs.to_vec(),
        today,
        numbers,
    };
    (0..n).map(move |i| g.case(i))
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

impl Generator {
    fn case(&mut self, i: usize) -> CaseSpec {
        let today = self.today;
        let child = self.rng.random_bool(0.07);
        let age: u32 = if child {
            self.rng.random_range(4..=17)
        } else {
            (63.0 + 15.0 * normal(&mut self.rng))
                .round()
                .clamp(18.0, 99.0) as u32
        };
        let date_of_death = today.saturating_sub(days(self.rng.random_range(0..=4 * 365)));
        let birthday = super::years_before(date_of_death, age);
        let date_of_birth = birthday.saturating_sub(days(self.rng.random_range(0..=360)));
        let (learning_disability, autistic) = self.conditions(child, date_of_death);
        let male = self.rng.random_bool(0.58);
        let delay = (-12.0 * self.rng.random::<f64>().max(1e-9).ln()).round() as i64 + 1;
        let notified_on = date_of_death
            .saturating_add(days(delay.min(120)))
            .min(today);
        let (status, completed_on) = self.stage(child, notified_on);
        let reviewed = !matches!(
            status,
            "awaiting_allocation" | "allocated" | "referred_to_child_death_review"
        );
        let mut ethnic_category = pick(&mut self.rng, &ETHNICITY).to_owned();
        let submitted = matches!(status, "awaiting_qa" | "awaiting_sign_off" | "completed");
        if submitted && (ethnic_category == "Z" || ethnic_category == "99") {
            // Resolved before submission, as the workflow requires.
            ethnic_category = "A".into();
        }
        let (cause, cause_themes) = if child {
            let known = status == "completed" && self.rng.random_bool(0.85);
            (known.then(|| pick(&mut self.rng, &CHILD_CAUSES)), &[][..])
        } else if reviewed {
            let c = self.adult_cause();
            (Some(c.0), c.1)
        } else {
            (None, &[][..])
        };
        let themes = self.themes(child, status, cause_themes);
        let given = if male { &GIVEN_MALE } else { &GIVEN_FEMALE };
        CaseSpec {
            organisation: self.icb(),
            sex: if male { "male" } else { "female" }.into(),
            ethnic_category,
            date_of_birth,
            date_of_death,
            notified_on,
            status: status.into(),
            completed_on,
            underlying_icd10: cause.map(str::to_owned),
            care_grade: (!child && reviewed).then(|| pick(&mut self.rng, &GRADES)),
            learning_disability,
            autistic,
            nhs_number: if self.rng.random_bool(0.97) {
                self.numbers.next_number()
            } else {
                None
            },
            given_name: given[self.rng.random_range(0..given.len())].into(),
            family_name: format!("Demoperson-{i}"),
            learning_disability_level: None,
            themes,
            form_answers: None,
        }
    }

    fn icb(&mut self) -> String {
        match self.icbs.len() {
            0 => String::new(),
            n => self.icbs[self.rng.random_range(0..n)].clone(),
        }
    }

    /// Learning disability and autism; autism alone only from the programme's start.
    fn conditions(&mut self, child: bool, date_of_death: Date) -> (bool, bool) {
        let autistic_only =
            !child && date_of_death >= AUTISM_PROGRAMME_START && self.rng.random_bool(0.06);
        if autistic_only {
            (false, true)
        } else {
            (true, self.rng.random_bool(if child { 0.2 } else { 0.15 }))
        }
    }

    /// The stage from how long ago the death was notified: most reviews take 3–9 months.
    fn stage(&mut self, child: bool, notified_on: Date) -> (&'static str, Option<Date>) {
        let elapsed = (self.today - notified_on).whole_days();
        let r: f64 = self.rng.random();
        let duration: i64 = if child {
            self.rng.random_range(180..=420)
        } else if r < 0.05 {
            self.rng.random_range(45..90)
        } else if r < 0.85 {
            self.rng.random_range(90..=270)
        } else {
            self.rng.random_range(271..=480)
        };
        if elapsed >= duration {
            return (
                "completed",
                Some(notified_on.saturating_add(days(duration))),
            );
        }
        if child {
            return ("referred_to_child_death_review", None);
        }
        let fraction = elapsed as f64 / duration as f64;
        let stage = OPEN_STAGES
            .iter()
            .find(|(upto, _)| fraction < *upto)
            .map_or("awaiting_sign_off", |(_, s)| *s);
        if stage != "awaiting_allocation" && self.rng.random_bool(0.08) {
            return ("on_hold", None);
        }
        (stage, None)
    }

    fn adult_cause(&mut self) -> (&'static str, &'static [&'static str]) {
        let weights: [(usize, u32); ADULT_CAUSES.len()] =
            std::array::from_fn(|k| (k, ADULT_CAUSES[k].1));
        let k = pick(&mut self.rng, &weights);
        (ADULT_CAUSES[k].0, ADULT_CAUSES[k].2)
    }

    fn themes(&mut self, child: bool, status: &str, from_cause: &[&str]) -> Vec<String> {
        let signed = matches!(status, "awaiting_sign_off" | "completed");
        let wants = !child && (signed || (status == "in_review" && self.rng.random_bool(0.3)));
        if !wants {
            return Vec::new();
        }
        let mut themes: Vec<String> = from_cause.iter().map(|t| (*t).to_owned()).collect();
        for _ in 0..self.rng.random_range(0..=2) {
            themes.push(pick(&mut self.rng, &GENERAL_THEMES).to_owned());
        }
        if themes.is_empty() {
            themes.push("other".into());
        }
        themes.sort();
        themes.dedup();
        themes
    }
}
