//! Who acts: people and clients with roles in one ICB (API.md, "Identity").
//!
//! "A user belongs to one ICB and may hold several of `ics_lead`, `qa_panel`, `reviewer` (a
//! senior reviewer often sits on the QA panel); `admin` and `national_analyst` have no ICB and
//! stand alone." `integration` is a machine client of one ICB. Case data is in scope for an
//! actor of the case's ICB who is its lead, on its QA panel, its integration client, or its
//! allocated reviewer ("reviewer: only cases allocated to them"), and for the regional
//! coordinator overseeing that ICB (its region's on the date); admins and national analysts
//! never see case data.

use crate::ods_code::OdsCode;
use crate::wire::wire_enum;

wire_enum! {
    /// A role (API.md, "Roles").
    pub enum Role as "role" {
        /// Users, clients and organisations; no case data.
        Admin => "admin",
        /// Anonymised national data only.
        NationalAnalyst => "national_analyst",
        /// The Local Area Contact role ("lead"): every case of its ICB.
        IcsLead => "ics_lead",
        /// Reads every case of its ICB; acts at the QA stage.
        QaPanel => "qa_panel",
        /// Only cases allocated to them.
        Reviewer => "reviewer",
        /// A machine client of one ICB: its cases and events.
        Integration => "integration",
        /// An NHS England regional coordinator (DOMAIN.md, "Oversight"): reads the cases,
        /// dashboards and reports of the region's ICBs on the date and records escalations;
        /// never moves a case through its stages. Its organisation is the region.
        RegionalCoordinator => "regional_coordinator",
    }
}

/// Someone (or some client) acting on cases: an id, a set of roles and, for case roles, one ICB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    id: String,
    roles: Vec<Role>,
    organisation: Option<OdsCode>,
    oversees: Vec<OdsCode>,
}

/// Why a set of roles and an organisation cannot describe an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ActorError {
    /// No role at all.
    #[error("an account holds at least one role")]
    NoRoles,
    /// `admin`, `national_analyst`, `integration` or `regional_coordinator` combined with
    /// another role.
    #[error(
        "admin, national_analyst, integration and regional_coordinator stand alone and combine \
         with no other role"
    )]
    RoleStandsAlone,
    /// A case role or `integration` without an ICB, or a regional coordinator without a region.
    #[error(
        "ics_lead, qa_panel, reviewer and integration belong to one ICB, and \
         regional_coordinator to one NHS England region"
    )]
    OrganisationRequired,
    /// `admin` or `national_analyst` with an ICB.
    #[error("admin and national_analyst have no ICB")]
    OrganisationNotAllowed,
}

impl ActorError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoRoles => "no_roles",
            Self::RoleStandsAlone => "role_stands_alone",
            Self::OrganisationRequired => "organisation_required",
            Self::OrganisationNotAllowed => "organisation_not_allowed",
        }
    }
}

impl Actor {
    /// Checks the combination of roles and organisation and builds the actor.
    pub fn new(
        id: impl Into<String>,
        roles: &[Role],
        organisation: Option<OdsCode>,
    ) -> Result<Self, ActorError> {
        let mut roles = roles.to_vec();
        roles.sort();
        roles.dedup();
        let stands_alone = |role: &Role| {
            matches!(
                role,
                Role::Admin | Role::NationalAnalyst | Role::Integration | Role::RegionalCoordinator
            )
        };
        match roles.as_slice() {
            [] => return Err(ActorError::NoRoles),
            [Role::Admin | Role::NationalAnalyst] if organisation.is_some() => {
                return Err(ActorError::OrganisationNotAllowed);
            }
            [Role::Admin | Role::NationalAnalyst] => {}
            several if several.len() > 1 && several.iter().any(stands_alone) => {
                return Err(ActorError::RoleStandsAlone);
            }
            _ if organisation.is_none() => return Err(ActorError::OrganisationRequired),
            _ => {}
        }
        Ok(Self {
            id: id.into(),
            roles,
            organisation,
            oversees: Vec::new(),
        })
    }

    /// A regional coordinator overseeing these ICBs (its region's on the date, through the
    /// dated hierarchy); ignored for any other role.
    pub fn overseeing(mut self, icbs: Vec<OdsCode>) -> Self {
        if self.has(Role::RegionalCoordinator) {
            self.oversees = icbs;
        }
        self
    }

    /// Whether the actor is a regional coordinator overseeing the ICB `organisation`.
    pub fn oversees(&self, organisation: &OdsCode) -> bool {
        self.has(Role::RegionalCoordinator) && self.oversees.contains(organisation)
    }

    /// The actor's id (a user or client id).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The actor's roles, sorted, without repeats.
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// The ICB the actor belongs to; `None` for admins and national analysts.
    pub fn organisation(&self) -> Option<&OdsCode> {
        self.organisation.as_ref()
    }

    /// Whether the actor holds a role.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the actor holds a role in a given ICB.
    pub fn has_in(&self, role: Role, organisation: &OdsCode) -> bool {
        self.has(role) && self.organisation.as_ref() == Some(organisation)
    }

    /// Whether the actor is the allocated reviewer of a case.
    pub fn is_reviewer_of(&self, reviewer_id: Option<&str>) -> bool {
        self.has(Role::Reviewer) && reviewer_id == Some(self.id.as_str())
    }

    /// Whether a case of `organisation`, allocated to `reviewer_id`, is within the actor's scope.
    ///
    /// Out of scope is answered as if the case did not exist.
    pub fn can_see_case(&self, organisation: &OdsCode, reviewer_id: Option<&str>) -> bool {
        let own = self.organisation.as_ref() == Some(organisation)
            && (self.has(Role::IcsLead)
                || self.has(Role::QaPanel)
                || self.has(Role::Integration)
                || self.is_reviewer_of(reviewer_id));
        own || self.oversees(organisation)
    }
}
