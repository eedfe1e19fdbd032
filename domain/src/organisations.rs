//! NHS organisations as a dated hierarchy, and the rule that finds the body responsible for a
//! review (DOMAIN.md, "Responsible body").
//!
//! Organisations are ODS-coded and dated, and so are the links between them. A code is unique per
//! `(code, kind)`, not on its own: a CCG code (valid until 2022-06-30) names a sub-ICB location
//! from 2022-07-01. Resolution of a code on a date: a CCG code used after 2022-06-30 means its
//! sub-ICB location; a sub-ICB location resolves to its parent ICB on the date; an ICB that no
//! longer exists on the date follows its successor, and where it was split the caller must name
//! the sub-ICB location instead. The persistence layer loads the rows; this module only reasons.

use std::collections::HashMap;

use time::Date;

use crate::wire::wire_enum;

/// How many successions a resolution follows before it gives up (the data has at most two).
const MAX_SUCCESSION_HOPS: usize = 8;

wire_enum! {
    /// The kind of an NHS body in the hierarchy.
    pub enum OrgKind as "organisation kind" {
        /// An NHS England region (`Y56`, ...).
        Region => "region",
        /// An Integrated Care Board (`QOP`, ...), responsible for reviews from 2022-07-01.
        Icb => "icb",
        /// A Clinical Commissioning Group (`14L`, ...), valid until 2022-06-30.
        Ccg => "ccg",
        /// A sub-ICB location: a former CCG area under an ICB, keeping the CCG's code.
        SubIcbLocation => "sub_icb_location",
    }
}

wire_enum! {
    /// Whether a successor took all of a predecessor's area or a part of it.
    pub enum Share as "succession share" {
        /// All of the predecessor's area went to this successor.
        Whole => "whole",
        /// The area was split; every part is listed.
        Part => "part",
    }
}

/// An inclusive period of validity; `to: None` means still valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    /// The first day.
    pub from: Date,
    /// The last day, if the period has ended.
    pub to: Option<Date>,
}

impl Period {
    /// Whether `day` lies inside the period (both ends inclusive).
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }
}

/// One organisation row: a code of one kind over one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// The ODS code.
    pub code: String,
    /// The kind of body.
    pub kind: OrgKind,
    /// The name in force at the end of the row's validity.
    pub name: String,
    /// When the row is valid.
    pub valid: Period,
}

/// A dated link from a child organisation to its parent (sub-ICB → ICB, CCG → ICB, ICB → region).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentLink {
    /// The child's code.
    pub child_code: String,
    /// The child's kind (the parent's kind follows from it).
    pub child_kind: OrgKind,
    /// The parent's code.
    pub parent_code: String,
    /// When the link holds.
    pub valid: Period,
}

/// A succession: from `effective`, `to` took over all or part of `from`'s responsibilities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Succession {
    /// The predecessor's code.
    pub from_code: String,
    /// The predecessor's kind.
    pub from_kind: OrgKind,
    /// The successor's code.
    pub to_code: String,
    /// The successor's kind.
    pub to_kind: OrgKind,
    /// The first day of the successor's responsibility.
    pub effective: Date,
    /// Whole or part of the predecessor's area.
    pub share: Share,
}

/// Where a notification's area code led: the responsible ICB and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// The ICB responsible on the date.
    pub icb: String,
    /// The sub-ICB location the code resolved through, if any.
    pub sub_icb_location: Option<String>,
}

/// Why a code could not be resolved to one responsible ICB.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// No organisation has this code.
    #[error("`{code}` is not a known ICB, CCG or sub-ICB location code")]
    UnknownCode {
        /// The code as given.
        code: String,
    },
    /// The code names an NHS England region, which is not responsible for reviews.
    #[error("`{code}` is an NHS England region; name an ICB, CCG or sub-ICB location")]
    NotAResponsibleBody {
        /// The code as given.
        code: String,
    },
    /// The code did not exist yet on the date.
    #[error("`{code}` did not exist on {on}")]
    NotYetValid {
        /// The code as given.
        code: String,
        /// The date asked about.
        on: Date,
    },
    /// The body was split between several successors; only a sub-ICB location can decide.
    #[error(
        "`{code}` was split between {} on {on}; name the sub-ICB location instead",
        successors.join(", ")
    )]
    Split {
        /// The code that was split.
        code: String,
        /// The date asked about.
        on: Date,
        /// The codes the area was split between.
        successors: Vec<String>,
    },
    /// The reference data has a gap (no parent or successor where one is needed).
    #[error("the reference data has no responsible ICB for `{code}` on {on}")]
    Unresolvable {
        /// The code as given.
        code: String,
        /// The date asked about.
        on: Date,
    },
}

impl ResolveError {
    /// A stable machine-readable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            ResolveError::UnknownCode { .. } => "unknown_area_code",
            ResolveError::NotAResponsibleBody { .. } => "not_a_responsible_body",
            ResolveError::NotYetValid { .. } => "area_not_valid_on_date",
            ResolveError::Split { .. } => "area_split_name_sub_icb_location",
            ResolveError::Unresolvable { .. } => "area_unresolvable",
        }
    }
}

/// The dated hierarchy, indexed for resolution.
#[derive(Debug, Clone, Default)]
pub struct Hierarchy {
    organisations: HashMap<String, Vec<Organisation>>,
    parents: HashMap<(String, OrgKind), Vec<ParentLink>>,
    successors: HashMap<(String, OrgKind), Vec<Succession>>,
}

impl Hierarchy {
    /// Builds the index from the three sets of rows.
    pub fn new(
        organisations: impl IntoIterator<Item = Organisation>,
        parents: impl IntoIterator<Item = ParentLink>,
        successions: impl IntoIterator<Item = Succession>,
    ) -> Self {
        let mut h = Hierarchy::default();
        for o in organisations {
            h.organisations.entry(o.code.clone()).or_default().push(o);
        }
        for p in parents {
            h.parents
                .entry((p.child_code.clone(), p.child_kind))
                .or_default()
                .push(p);
        }
        for s in successions {
            h.successors
                .entry((s.from_code.clone(), s.from_kind))
                .or_default()
                .push(s);
        }
        h
    }

    /// Every row with this code (one per kind it has had).
    pub fn entries(&self, code: &str) -> &[Organisation] {
        self.organisations.get(code).map_or(&[], Vec::as_slice)
    }

    /// The entry with this code valid on `on`, preferring `kind` when given.
    pub fn entry_on(&self, code: &str, kind: Option<OrgKind>, on: Date) -> Option<&Organisation> {
        self.entries(code)
            .iter()
            .filter(|o| kind.is_none_or(|k| o.kind == k))
            .find(|o| o.valid.contains(on))
    }

    /// The parent of `(code, kind)` in force on `on`.
    pub fn parent_on(&self, code: &str, kind: OrgKind, on: Date) -> Option<&str> {
        self.parents
            .get(&(code.to_owned(), kind))?
            .iter()
            .find(|p| p.valid.contains(on))
            .map(|p| p.parent_code.as_str())
    }

    /// The NHS England region of an ICB: the parent it was linked to most recently (an ICB
    /// does not move between regions, so this is its region at any date it existed).
    pub fn region_of(&self, icb: &str) -> Option<&str> {
        self.parents
            .get(&(icb.to_owned(), OrgKind::Icb))?
            .iter()
            .max_by_key(|p| p.valid.from)
            .map(|p| p.parent_code.as_str())
    }

    /// The ICBs whose parent on `on` is the region `region` (DOMAIN.md, "Oversight": a regional
    /// coordinator oversees the region's ICBs on the date, through the dated hierarchy), in
    /// code order.
    pub fn icbs_of_region(&self, region: &str, on: Date) -> Vec<&str> {
        let mut icbs: Vec<&str> = self
            .parents
            .iter()
            .filter(|((_, kind), _)| *kind == OrgKind::Icb)
            .filter(|(_, links)| {
                links
                    .iter()
                    .any(|p| p.parent_code == region && p.valid.contains(on))
            })
            .map(|((code, _), _)| code.as_str())
            .filter(|code| self.entry_on(code, Some(OrgKind::Icb), on).is_some())
            .collect();
        icbs.sort_unstable();
        icbs
    }

    /// Resolves an ICB, sub-ICB location or CCG code to the ICB responsible on `on`.
    ///
    /// "A CCG code used after 2022-06-30 means its sub-ICB location; a sub-ICB location resolves
    /// to its parent on the date; an ICB that no longer exists on the date follows its
    /// successor, and where it was split the notification must name the sub-ICB location."
    pub fn resolve(&self, code: &str, on: Date) -> Result<Resolution, ResolveError> {
        let entries = self.entries(code);
        if entries.is_empty() {
            return Err(ResolveError::UnknownCode {
                code: code.to_owned(),
            });
        }
        let mut current = code.to_owned();
        for _ in 0..MAX_SUCCESSION_HOPS {
            let entries = self.entries(&current);
            if let Some(valid) = entries.iter().find(|o| o.valid.contains(on)) {
                return self.resolve_valid(code, valid, on);
            }
            // No row of this code is valid on the date. If it ended before the date, follow the
            // row that ended last: a CCG code after 2022-06-30 is its sub-ICB location, which
            // ends later than the CCG, so it is the one followed.
            let Some(ended) = entries
                .iter()
                .filter(|o| o.valid.to.is_some_and(|to| to < on))
                .max_by_key(|o| o.valid.to)
            else {
                return Err(if entries.iter().all(|o| o.kind == OrgKind::Region) {
                    ResolveError::NotAResponsibleBody {
                        code: code.to_owned(),
                    }
                } else {
                    ResolveError::NotYetValid {
                        code: code.to_owned(),
                        on,
                    }
                });
            };
            let successors: Vec<&Succession> = self
                .successors
                .get(&(ended.code.clone(), ended.kind))
                .map(|v| v.iter().filter(|s| s.effective <= on).collect())
                .unwrap_or_default();
            match successors.as_slice() {
                [] => {
                    return Err(ResolveError::Unresolvable {
                        code: code.to_owned(),
                        on,
                    });
                }
                [only] => current = only.to_code.clone(),
                several => {
                    let mut codes: Vec<String> =
                        several.iter().map(|s| s.to_code.clone()).collect();
                    codes.sort();
                    codes.dedup();
                    if let [only] = codes.as_slice() {
                        current = only.clone();
                    } else {
                        return Err(ResolveError::Split {
                            code: code.to_owned(),
                            on,
                            successors: codes,
                        });
                    }
                }
            }
        }
        Err(ResolveError::Unresolvable {
            code: code.to_owned(),
            on,
        })
    }

    fn resolve_valid(
        &self,
        asked: &str,
        org: &Organisation,
        on: Date,
    ) -> Result<Resolution, ResolveError> {
        let unresolvable = || ResolveError::Unresolvable {
            code: asked.to_owned(),
            on,
        };
        match org.kind {
            OrgKind::Region => Err(ResolveError::NotAResponsibleBody {
                code: asked.to_owned(),
            }),
            OrgKind::Icb => Ok(Resolution {
                icb: org.code.clone(),
                sub_icb_location: None,
            }),
            OrgKind::SubIcbLocation => {
                let icb = self
                    .parent_on(&org.code, org.kind, on)
                    .ok_or_else(unresolvable)?;
                Ok(Resolution {
                    icb: icb.to_owned(),
                    sub_icb_location: Some(org.code.clone()),
                })
            }
            // Before 2022-07-01 the CCG itself was responsible; LeDeR's records belong to the
            // ICB that took over its area, which is the CCG's parent link.
            OrgKind::Ccg => {
                let icb = self
                    .parent_on(&org.code, org.kind, on)
                    .ok_or_else(unresolvable)?;
                Ok(Resolution {
                    icb: icb.to_owned(),
                    sub_icb_location: None,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests;
