//! Evidence (DOMAIN.md, "Evidence"; issue 16): who was involved in the person's care, the
//! records the case team asks them for, and the documents kept with a review.
//!
//! Rules kept here, with no I/O: an involved organisation's kind and, for a GP practice, the
//! practice code's format ([`GpPracticeCode`]); a records request's status and when it is
//! overdue or its link expired ([`records_request`]); what a document's own bytes say it is
//! ([`file_type`]); and a file name that is only ever text ([`file_name`]).

pub mod file_name;
pub mod file_type;
pub mod records_request;

use crate::wire::wire_enum;

wire_enum! {
    /// The kind of an organisation involved in the person's care.
    pub enum OrganisationKind as "involved organisation kind" {
        /// The person's GP practice (an ODS practice code).
        GpPractice => "gp_practice",
        /// An acute hospital trust.
        AcuteTrust => "acute_trust",
        /// A mental health trust.
        MentalHealthTrust => "mental_health_trust",
        /// A community health provider.
        CommunityProvider => "community_provider",
        /// Local authority social care.
        SocialCare => "social_care",
        /// An ambulance service.
        Ambulance => "ambulance",
        /// The police.
        Police => "police",
        /// The coroner.
        Coroner => "coroner",
        /// A care or support provider (residential, supported living, home care).
        CareProvider => "care_provider",
        /// Anyone else.
        Other => "other",
    }
}

/// A GP practice's ODS code: one letter and five digits (`M85001`), upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GpPracticeCode(String);

/// A text that is not a GP practice code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a GP practice's ODS code is a letter and five digits, for example M85001")]
pub struct GpPracticeCodeError;

impl GpPracticeCodeError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        "invalid_practice_code"
    }
}

impl GpPracticeCode {
    /// Parses a practice code, ignoring case and surrounding spaces.
    pub fn parse(input: &str) -> Result<Self, GpPracticeCodeError> {
        let code = input.trim().to_ascii_uppercase();
        let b = code.as_bytes();
        let valid =
            b.len() == 6 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit);
        if valid {
            Ok(Self(code))
        } else {
            Err(GpPracticeCodeError)
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why an involved organisation cannot be recorded as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvolvedError {
    /// Neither an ODS code nor a name.
    #[error("give the organisation's ODS code, its name, or both")]
    Unnamed,
    /// A GP practice needs its practice code.
    #[error("a GP practice is recorded by its ODS practice code")]
    PracticeCodeRequired,
    /// The practice code is malformed.
    #[error(transparent)]
    PracticeCode(#[from] GpPracticeCodeError),
    /// The ODS code is malformed.
    #[error(transparent)]
    OdsCode(#[from] crate::OdsCodeError),
}

impl InvolvedError {
    /// The field at fault.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Unnamed => "name",
            _ => "ods_code",
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unnamed => "name_or_code_required",
            Self::PracticeCodeRequired => "practice_code_required",
            Self::PracticeCode(e) => e.code(),
            Self::OdsCode(e) => e.code(),
        }
    }
}

/// An organisation involved in the person's care, as it may be recorded: a GP practice by its
/// practice code, any other by its ODS code, its name or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Involved {
    /// Its kind.
    pub kind: OrganisationKind,
    /// Its ODS code, checked for its kind.
    pub ods_code: Option<String>,
    /// Its name.
    pub name: Option<String>,
}

impl Involved {
    /// Checks what was given.
    pub fn parse(
        kind: OrganisationKind,
        ods_code: Option<&str>,
        name: Option<&str>,
    ) -> Result<Self, InvolvedError> {
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        let code = ods_code.map(str::trim).filter(|c| !c.is_empty());
        let ods_code = match (kind, code) {
            (OrganisationKind::GpPractice, None) => {
                return Err(InvolvedError::PracticeCodeRequired);
            }
            (OrganisationKind::GpPractice, Some(c)) => {
                Some(GpPracticeCode::parse(c)?.as_str().to_owned())
            }
            (_, Some(c)) => Some(crate::OdsCode::parse(c)?.as_str().to_owned()),
            (_, None) => None,
        };
        if ods_code.is_none() && name.is_none() {
            return Err(InvolvedError::Unnamed);
        }
        Ok(Self {
            kind,
            ods_code,
            name,
        })
    }
}
