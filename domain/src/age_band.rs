//! Age bands of the national extract (DOMAIN.md, "Publishing anonymised data").
//!
//! "age band (4–17, 18–24, then 10-year bands to 75+)"; when k-anonymity needs it, "age band →
//! 4–17, 18–64, 65+". Nobody younger than 4 is eligible, so there is no band below 4.

use crate::wire::wire_enum;

wire_enum! {
    /// The published age band at death.
    pub enum AgeBand as "age band" {
        /// 4 to 17.
        From4To17 => "4-17",
        /// 18 to 24.
        From18To24 => "18-24",
        /// 25 to 34.
        From25To34 => "25-34",
        /// 35 to 44.
        From35To44 => "35-44",
        /// 45 to 54.
        From45To54 => "45-54",
        /// 55 to 64.
        From55To64 => "55-64",
        /// 65 to 74.
        From65To74 => "65-74",
        /// 75 and over.
        From75 => "75+",
    }
}

wire_enum! {
    /// The broad age band a k-anonymous extract falls back to.
    pub enum BroadAgeBand as "broad age band" {
        /// 4 to 17.
        From4To17 => "4-17",
        /// 18 to 64.
        From18To64 => "18-64",
        /// 65 and over.
        From65 => "65+",
    }
}

impl AgeBand {
    /// The band of an age at death, or `None` under 4 (never eligible, never published).
    pub fn of(age: u32) -> Option<Self> {
        Some(match age {
            0..=3 => return None,
            4..=17 => Self::From4To17,
            18..=24 => Self::From18To24,
            25..=34 => Self::From25To34,
            35..=44 => Self::From35To44,
            45..=54 => Self::From45To54,
            55..=64 => Self::From55To64,
            65..=74 => Self::From65To74,
            _ => Self::From75,
        })
    }

    /// The broad band this band falls within (4–17, 18–64, 65+).
    pub fn broad(self) -> BroadAgeBand {
        match self {
            Self::From4To17 => BroadAgeBand::From4To17,
            Self::From18To24
            | Self::From25To34
            | Self::From35To44
            | Self::From45To54
            | Self::From55To64 => BroadAgeBand::From18To64,
            Self::From65To74 | Self::From75 => BroadAgeBand::From65,
        }
    }
}
