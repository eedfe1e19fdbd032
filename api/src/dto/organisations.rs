//! Organisation bodies.

use leder_domain::organisations::{OrgKind, Share};
use leder_persistence::records::organisations as records;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use validator::Validate;

use super::iso_date;

/// An organisation as it stood on the day asked about.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"code": "QOP", "name": "NHS Greater Manchester Integrated Care Board",
    "kind": "icb", "valid_from": "2022-07-01", "valid_to": null, "parent_code": "Y62", "ons_code": "E54000057"}))]
pub struct Organisation {
    /// ODS code.
    pub code: String,
    /// Name (as at the end of the organisation's validity).
    pub name: String,
    /// Kind of body.
    #[serde(with = "super::wire")]
    #[schema(schema_with = super::wire::schema::named::<OrgKind>)]
    pub kind: OrgKind,
    /// First day it existed.
    #[serde(with = "iso_date")]
    pub valid_from: Date,
    /// Last day it existed, if it has ended.
    #[serde(with = "iso_date::option")]
    pub valid_to: Option<Date>,
    /// Its parent on the day asked about (ICB → region, sub-ICB location or CCG → ICB).
    pub parent_code: Option<String>,
    /// ONS (GSS) code, when known.
    pub ons_code: Option<String>,
}

impl From<records::OrganisationOnDate> for Organisation {
    fn from(o: records::OrganisationOnDate) -> Self {
        Organisation {
            kind: o.kind,
            code: o.code,
            name: o.name,
            valid_from: o.valid_from,
            valid_to: o.valid_to,
            parent_code: o.parent_code,
            ons_code: o.ons_code,
        }
    }
}

/// One page of organisations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationPage {
    /// The organisations on this page.
    pub items: Vec<Organisation>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A dated parent link.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParentLink {
    /// The parent's ODS code.
    pub code: String,
    /// First day of the link.
    #[serde(with = "iso_date")]
    pub valid_from: Date,
    /// Last day of the link, if it has ended.
    #[serde(with = "iso_date::option")]
    pub valid_to: Option<Date>,
}

impl From<records::ParentLink> for ParentLink {
    fn from(p: records::ParentLink) -> Self {
        ParentLink {
            code: p.code,
            valid_from: p.valid_from,
            valid_to: p.valid_to,
        }
    }
}

/// A succession, seen from one side.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuccessionLink {
    /// The other organisation's ODS code.
    pub code: String,
    /// The other organisation's kind.
    #[serde(with = "super::wire")]
    #[schema(schema_with = super::wire::schema::named::<OrgKind>)]
    pub kind: OrgKind,
    /// First day of the successor's responsibility.
    #[serde(with = "iso_date")]
    pub effective: Date,
    /// Whole or part of the area.
    #[serde(with = "super::wire")]
    #[schema(schema_with = super::wire::schema::named::<Share>)]
    pub share: Share,
}

/// An organisation with its history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationDetails {
    /// The organisation on the day asked about.
    #[serde(flatten)]
    pub organisation: Organisation,
    /// Every parent over time, oldest first.
    pub parents: Vec<ParentLink>,
    /// The bodies that took over from it.
    pub successors: Vec<SuccessionLink>,
    /// The bodies it took over from.
    pub predecessors: Vec<SuccessionLink>,
}

impl From<records::SuccessionLink> for SuccessionLink {
    fn from(s: records::SuccessionLink) -> Self {
        SuccessionLink {
            code: s.code,
            kind: s.kind,
            share: s.share,
            effective: s.effective,
        }
    }
}

impl From<records::OrganisationDetail> for OrganisationDetails {
    fn from(d: records::OrganisationDetail) -> Self {
        OrganisationDetails {
            organisation: d.organisation.into(),
            parents: d.parents.into_iter().map(Into::into).collect(),
            successors: d.successors.into_iter().map(Into::into).collect(),
            predecessors: d.predecessors.into_iter().map(Into::into).collect(),
        }
    }
}

/// Which body is responsible for an area code on a date.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"area_code": "06K", "date": "2026-05-01"}))]
pub struct ResolveRequest {
    /// An ICB, sub-ICB location or CCG ODS code, as a notification would give it.
    #[validate(length(
        min = 2,
        max = 10,
        message = "must be an ODS code of 2 to 10 characters"
    ))]
    #[schema(min_length = 2, max_length = 10)]
    pub area_code: String,
    /// The date (the notification date); today in England when absent.
    #[serde(default, with = "iso_date::option")]
    pub date: Option<Date>,
}

/// A code and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NamedOrganisation {
    /// ODS code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// The responsible body.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"area_code": "06K", "date": "2026-05-01",
    "icb": {"code": "S1Y5D", "name": "NHS Central East Integrated Care Board"},
    "sub_icb_location": {"code": "06K", "name": "NHS Central East ICB - 06K"}}))]
pub struct Resolution {
    /// The code as given.
    pub area_code: String,
    /// The date resolved on.
    #[serde(with = "iso_date")]
    pub date: Date,
    /// The ICB responsible on that date.
    pub icb: NamedOrganisation,
    /// The sub-ICB location the code resolved through, if any.
    pub sub_icb_location: Option<NamedOrganisation>,
}
