//! Case notes (DOMAIN.md, "Case notes"): "the case team keeps an append-only timeline of what
//! happened (notes, calls, meetings, emails, records seen); a mistake is corrected by a new
//! entry that refers to the old one." A note is never edited or deleted.

use crate::wire::wire_enum;

wire_enum! {
    /// What a case note records.
    pub enum NoteKind as "note kind" {
        /// A note.
        Note => "note",
        /// A telephone call (with the family, the GP, a service).
        PhoneCall => "phone_call",
        /// A meeting.
        Meeting => "meeting",
        /// An email.
        Email => "email",
        /// What a record showed.
        RecordsSeen => "records_seen",
    }
}
