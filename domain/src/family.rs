//! Families (DOMAIN.md, "Families"): "LeDeR commits publicly that the family is told about the
//! review, invited to contribute, offered the chance to comment on a draft and offered a copy of
//! the completed review. Each of these is recorded with its date for each family contact (or why
//! it could not happen: declined, could not be reached, no family), and submission needs family
//! involvement recorded (or the reason why not)."
//!
//! A review keeps its family contacts (who, how to reach them, the way they prefer, what they
//! need to take part) and an append-only, dated record of what happened with each
//! ([`FamilyEventKind`]); when nobody can be contacted, one entry without a contact says why
//! ([`FamilyEventKind::NoFamilyContact`]). The review form's yes/no family answers are derived
//! from that record by [`involvement`], in one place.

use time::Date;

use crate::wire::wire_enum;
use crate::workflow::FamilyInvolvement;

wire_enum! {
    /// One entry of a family's record: a commitment kept, or why it could not be.
    pub enum FamilyEventKind as "family event kind" {
        /// They were told about the review.
        Informed => "informed",
        /// They were invited to contribute.
        Invited => "invited",
        /// They contributed (a conversation, a meeting, something written).
        Contributed => "contributed",
        /// They declined to take part.
        Declined => "declined",
        /// They could not be reached (the note says why).
        NotReachable => "not_reachable",
        /// A draft of the review was shared with them for comment.
        DraftShared => "draft_shared",
        /// Their comments on the draft were received.
        CommentsReceived => "comments_received",
        /// They were offered a copy of the completed review.
        CopyOffered => "copy_offered",
        /// A copy of the completed review was sent to them.
        CopySent => "copy_sent",
        /// No family member or anyone close can be contacted (no contact; the note says why).
        NoFamilyContact => "no_family_contact",
    }
}

impl FamilyEventKind {
    /// The kinds recorded for a family contact (every kind but [`Self::NoFamilyContact`]).
    pub fn of_a_contact() -> impl Iterator<Item = FamilyEventKind> {
        Self::ALL
            .iter()
            .copied()
            .filter(|k| *k != Self::NoFamilyContact)
    }

    /// Whether this kind is about the completed review (recorded only once it is completed).
    pub fn needs_completed_review(self) -> bool {
        matches!(self, Self::CopyOffered | Self::CopySent)
    }

    /// Whether this kind needs a note saying why.
    pub fn needs_note(self) -> bool {
        matches!(self, Self::NotReachable | Self::NoFamilyContact)
    }

    /// Whether the family was reached (anything but "could not be reached" and "no family").
    fn reached(self) -> bool {
        !matches!(self, Self::NotReachable | Self::NoFamilyContact)
    }
}

wire_enum! {
    /// How a family contact prefers to be reached.
    pub enum ContactMethod as "contact method" {
        /// A telephone call.
        Phone => "phone",
        /// A text message.
        TextMessage => "text_message",
        /// Email.
        Email => "email",
        /// A letter by post.
        Letter => "letter",
        /// Face to face.
        InPerson => "in_person",
    }
}

wire_enum! {
    /// What a family contact needs to take part.
    pub enum AccessibilityNeed as "accessibility need" {
        /// Easy read documents.
        EasyRead => "easy_read",
        /// A spoken-language interpreter (the language is recorded).
        Interpreter => "interpreter",
        /// A British Sign Language interpreter.
        BritishSignLanguage => "british_sign_language",
        /// Large print.
        LargePrint => "large_print",
        /// Braille.
        Braille => "braille",
        /// Audio.
        Audio => "audio",
        /// Something else (the note says what).
        Other => "other",
    }
}

/// A family contact's details: identifiable, so kept only while the review keeps its person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactDetails {
    /// Their name.
    pub name: String,
    /// Their relationship to the person (mother, brother, friend, advocate).
    pub relationship: String,
    /// Telephone number.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// How they prefer to be reached.
    pub preferred_contact: Option<ContactMethod>,
    /// What they need to take part.
    pub accessibility_needs: Vec<AccessibilityNeed>,
    /// The language to interpret into (with `interpreter`).
    pub interpreter_language: Option<String>,
    /// Anything else about their needs (with `other`).
    pub accessibility_note: Option<String>,
}

/// Why a family contact's details break a rule; each names its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    /// No name, or only spaces.
    #[error("say who the contact is")]
    NameRequired,
    /// No relationship, or only spaces.
    #[error("say how the contact is related to the person")]
    RelationshipRequired,
    /// The preferred way needs a detail that is not recorded.
    #[error(
        "the preferred way of contact needs its detail (a phone number, an email or an address)"
    )]
    PreferredWayUnreachable,
    /// `interpreter` without the language.
    #[error("an interpreter needs the language to interpret into")]
    LanguageRequired,
    /// `other` without saying what.
    #[error("say what the other accessibility need is")]
    NoteRequired,
}

impl ContactError {
    /// The stable machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::NameRequired | Self::RelationshipRequired => "required",
            Self::PreferredWayUnreachable => "preferred_way_unreachable",
            Self::LanguageRequired => "interpreter_language_required",
            Self::NoteRequired => "accessibility_note_required",
        }
    }

    /// The field at fault.
    pub fn field(self) -> &'static str {
        match self {
            Self::NameRequired => "name",
            Self::RelationshipRequired => "relationship",
            Self::PreferredWayUnreachable => "preferred_contact",
            Self::LanguageRequired => "interpreter_language",
            Self::NoteRequired => "accessibility_note",
        }
    }
}

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl ContactDetails {
    /// The details with text trimmed (blank optional text is absent) and needs without repeats,
    /// or every rule they break.
    pub fn checked(self) -> Result<Self, Vec<ContactError>> {
        let mut needs = self.accessibility_needs;
        needs.sort();
        needs.dedup();
        let d = Self {
            name: self.name.trim().to_owned(),
            relationship: self.relationship.trim().to_owned(),
            phone: trimmed(self.phone),
            email: trimmed(self.email),
            address: trimmed(self.address),
            preferred_contact: self.preferred_contact,
            accessibility_needs: needs,
            interpreter_language: trimmed(self.interpreter_language),
            accessibility_note: trimmed(self.accessibility_note),
        };
        let mut errors = Vec::new();
        if d.name.is_empty() {
            errors.push(ContactError::NameRequired);
        }
        if d.relationship.is_empty() {
            errors.push(ContactError::RelationshipRequired);
        }
        let reachable = match d.preferred_contact {
            Some(ContactMethod::Phone | ContactMethod::TextMessage) => d.phone.is_some(),
            Some(ContactMethod::Email) => d.email.is_some(),
            Some(ContactMethod::Letter) => d.address.is_some(),
            Some(ContactMethod::InPerson) | None => true,
        };
        if !reachable {
            errors.push(ContactError::PreferredWayUnreachable);
        }
        let needs = &d.accessibility_needs;
        if needs.contains(&AccessibilityNeed::Interpreter) && d.interpreter_language.is_none() {
            errors.push(ContactError::LanguageRequired);
        }
        if needs.contains(&AccessibilityNeed::Other) && d.accessibility_note.is_none() {
            errors.push(ContactError::NoteRequired);
        }
        if errors.is_empty() {
            Ok(d)
        } else {
            Err(errors)
        }
    }
}

/// One entry of a family's record, as the rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyEvent {
    /// Id (UUID v7).
    pub id: String,
    /// The contact it is about; `None` for [`FamilyEventKind::NoFamilyContact`].
    pub contact_id: Option<String>,
    /// What happened.
    pub kind: FamilyEventKind,
    /// The day it happened.
    pub on: Date,
    /// What else to say (why, for `not_reachable` and `no_family_contact`).
    pub note: Option<String>,
}

/// The review form's family answers derived from the record (entries in the order recorded):
/// `contacted` when anyone was reached; `declined` when someone declined and nobody
/// contributed; `feedback_shared` when a draft was shared or a copy sent; when nobody was
/// reached, `reason_not_contacted` is the latest reason given (no family contact, or could not
/// be reached). `None` while nothing is recorded: the form's own answers (of a review written
/// before the record existed) then stand as they were.
pub fn involvement(events: &[FamilyEvent]) -> Option<FamilyInvolvement> {
    if events.is_empty() {
        return None;
    }
    let any = |kind: FamilyEventKind| events.iter().any(|e| e.kind == kind);
    let reached = events.iter().any(|e| e.kind.reached());
    let reason = (!reached)
        .then(|| {
            events
                .iter()
                .rev()
                .find(|e| e.kind.needs_note())
                .and_then(|e| e.note.clone())
        })
        .flatten();
    Some(FamilyInvolvement {
        contacted: Some(reached),
        declined: Some(any(FamilyEventKind::Declined) && !any(FamilyEventKind::Contributed)),
        feedback_shared: Some(any(FamilyEventKind::DraftShared) || any(FamilyEventKind::CopySent)),
        reason_not_contacted: reason,
        recorded: true,
    })
}

#[cfg(test)]
mod tests;
