//! What the audit trail says (API.md, "Audit"): who acted, what they did and how it ended, one
//! vocabulary for every entry leder writes. The trail keeps the names as text, and reads and
//! verifies them as text, so that an entry written by any earlier version stays readable and
//! its hash verifiable for ever; only what is written now comes from these enums.

use std::borrow::Cow;

use crate::review::CaseAction;
use crate::wire::wire_enum;
use crate::workflow::Action;

wire_enum! {
    /// Who acted.
    pub enum ActorKind as "actor kind" {
        /// A person signed in.
        User => "user",
        /// A machine client (an ICB's case system).
        Client => "client",
        /// Nobody signed in (the public intake, a failed sign-in).
        Anonymous => "anonymous",
        /// The command line, on the server.
        Cli => "cli",
        /// A webhook delivery (the actor is the subscription).
        Webhook => "webhook",
        /// leder itself (retention, checkpoints).
        System => "system",
    }
}

wire_enum! {
    /// How it ended.
    pub enum AuditOutcome as "audit outcome" {
        /// Done.
        Success => "success",
        /// Tried and failed (a wrong password, an unknown client).
        Failure => "failure",
        /// Refused: scope, role or rule.
        Refused => "refused",
        /// A sign-in refused: the account is disabled.
        RefusedDisabled => "refused_disabled",
        /// A sign-in refused: the account is locked after repeated failures.
        RefusedLocked => "refused_locked",
        /// The first refusal over the caller's budget: further ones that minute are counted,
        /// not written one by one.
        RateLimited => "rate_limited",
        /// Recorded before it is tried (a webhook delivery).
        Attempted => "attempted",
        /// Recovery code.
        RecoveryCode => "recovery_code",
        /// Refused reuse.
        RefusedReuse => "refused_reuse",
        /// Refused: the OpenID provider's subject is linked to no leder account.
        RefusedUnknownSubject => "refused_unknown_subject",
    }
}

wire_enum! {
    /// What was done (besides a workflow transition, [`Act::Transition`]).
    pub enum AuditAction as "audit action" {
        /// A notification was taken in.
        Notify => "notify",
        /// A file of existing reviews was imported (or checked, on a dry run): one entry per
        /// run, besides one [`AuditAction::ImportReview`] per case it brought in.
        Import => "import",
        /// A file of existing reviews was checked without importing it (`--dry-run`).
        ImportDryRun => "import_dry_run",
        /// One existing review was brought in by an import.
        ImportReview => "import_review",
        /// One case (or account) was read.
        Read => "read",
        /// A case's history was read.
        ReadHistory => "read_history",
        /// Learning points were read.
        ReadLearning => "read_learning",
        /// The change feed was read.
        ReadEvents => "read_events",
        /// The audit trail was read.
        ReadAudit => "read_audit",
        /// A list of accounts was read.
        List => "list",
        /// Something was created (an account, a client, a subscription).
        Create => "create",
        /// Something was changed (an account).
        Update => "update",
        /// A subscription was deleted.
        Delete => "delete",
        /// A client was revoked.
        Revoke => "revoke",
        /// A paused subscription was resumed.
        Resume => "resume",
        /// An answer was replayed for a repeated `Idempotency-Key`.
        Replay => "replay",
        /// A request was refused (the subject is what was tried).
        Refused => "refused",
        /// A sign-in.
        SignIn => "sign_in",
        /// A password was changed.
        ChangePassword => "change_password",
        /// A governance meeting was recorded.
        RecordMeeting => "record_meeting",
        /// A SMART action was agreed.
        CreateAction => "create_action",
        /// A SMART action was changed.
        UpdateAction => "update_action",
        /// A learning point was added.
        AddLearning => "add_learning",
        /// The review form was written.
        UpdateFindings => "update_findings",
        /// The person was corrected.
        CorrectPerson => "correct_person",
        /// The Child Death Review outcome was recorded.
        RecordChildDeathReviewOutcome => "record_child_death_review_outcome",
        /// The national data opt-out check was recorded.
        OptOutCheck => "opt_out_check",
        /// A legal hold was set.
        LegalHold => "legal_hold",
        /// A legal hold was lifted.
        LegalHoldLifted => "legal_hold_lifted",
        /// A review's identifiable part was disposed of after retention.
        Dispose => "dispose",
        /// A webhook delivery.
        Deliver => "deliver",
        /// A checkpoint of the chains' heads was sealed.
        AuditCheckpoint => "audit_checkpoint",
        /// The national extract was read.
        NationalExtract => "national_extract",
        /// National statistics were read.
        NationalStatistics => "national_statistics",
        /// An ICB's Local Area Contacts were replaced.
        ReplaceContacts => "replace_contacts",
        /// A dissolved ICB's reviews were transferred.
        Transfer => "transfer",
        /// A completed review was assessed again under a newer avoidable-mortality list.
        AvoidableReassessed => "avoidable_reassessed",
        /// Acknowledge duplicate.
        AcknowledgeDuplicate => "acknowledge_duplicate",
        /// Add note.
        AddNote => "add_note",
        /// Read notes.
        ReadNotes => "read_notes",
        /// Read notifications.
        ReadNotifications => "read_notifications",
        /// Read staff.
        ReadStaff => "read_staff",
        /// Read escalations.
        ReadEscalations => "read_escalations",
        /// Record escalation.
        RecordEscalation => "record_escalation",
        /// Authorize.
        Authorize => "authorize",
        /// Enrol second factor.
        EnrolSecondFactor => "enrol_second_factor",
        /// Exchange code.
        ExchangeCode => "exchange_code",
        /// List sessions.
        ListSessions => "list_sessions",
        /// Refresh.
        Refresh => "refresh",
        /// Revoke session.
        RevokeSession => "revoke_session",
        /// Second factor.
        SecondFactor => "second_factor",
        /// Start session.
        StartSession => "start_session",
        /// A review's family record was read.
        ReadFamily => "read_family",
        /// A family contact was added.
        AddFamilyContact => "add_family_contact",
        /// A family contact's details were changed.
        UpdateFamilyContact => "update_family_contact",
        /// An entry of a family record was recorded.
        RecordFamilyEvent => "record_family_event",
        /// A move of a case to another ICB was proposed.
        ProposeMove => "propose_move",
        /// A proposed move was accepted: the case moved.
        AcceptMove => "accept_move",
        /// A proposed move was declined.
        DeclineMove => "decline_move",
        /// An admin moved a case to another ICB directly.
        MoveReview => "move_review",
        /// Moves of cases were read.
        ReadMoves => "read_moves",
        /// An organisation involved in the person's care was recorded.
        RecordOrganisation => "record_organisation",
        /// An involved organisation's code or name was corrected.
        CorrectOrganisation => "correct_organisation",
        /// The organisations involved in a case were read.
        ReadOrganisations => "read_organisations",
        /// Records were asked of an organisation.
        RequestRecords => "request_records",
        /// A case's records requests were read.
        ReadRecordsRequests => "read_records_requests",
        /// A records request was closed by hand.
        ChangeRecordsRequest => "change_records_request",
        /// An upload link was used (or tried: outcome `refused`).
        UploadThroughLink => "upload_through_link",
        /// A document was kept with a case.
        AddAttachment => "add_attachment",
        /// A case's documents were listed.
        ReadAttachments => "read_attachments",
        /// A document was downloaded.
        DownloadAttachment => "download_attachment",
        /// A document was withdrawn.
        WithdrawAttachment => "withdraw_attachment",
        /// Sign in through the configured OpenID Connect provider.
        FederatedSignIn => "federated_sign_in",
        /// Authenticate a machine client with a signed assertion (RFC 7523).
        ClientAssertion => "client_assertion",
    }
}

/// What an entry records as done: an [`AuditAction`], or a workflow transition, written
/// `transition:<action>` (for example `transition:allocate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Anything but a transition.
    Did(AuditAction),
    /// A workflow transition.
    Transition(Action),
    /// A case action taken through the transitions endpoint that moves no stage.
    CaseAction(CaseAction),
}

impl Act {
    /// The name the trail keeps.
    pub fn name(self) -> Cow<'static, str> {
        match self {
            Self::Did(action) => Cow::Borrowed(action.as_str()),
            Self::Transition(action) => Cow::Owned(format!("transition:{}", action.as_str())),
            Self::CaseAction(action) => Cow::Owned(format!("transition:{}", action.as_str())),
        }
    }
}

impl From<AuditAction> for Act {
    fn from(action: AuditAction) -> Self {
        Self::Did(action)
    }
}

impl From<CaseAction> for Act {
    fn from(action: CaseAction) -> Self {
        Self::CaseAction(action)
    }
}

impl From<Action> for Act {
    fn from(action: Action) -> Self {
        Self::Transition(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transition_is_written_with_its_action_and_anything_else_by_its_name() {
        assert_eq!(Act::from(Action::Allocate).name(), "transition:allocate");
        assert_eq!(Act::from(AuditAction::ReadHistory).name(), "read_history");
        assert_eq!(
            AuditOutcome::parse("rate_limited"),
            Ok(AuditOutcome::RateLimited)
        );
        assert_eq!(ActorKind::Webhook.as_str(), "webhook");
    }
}
