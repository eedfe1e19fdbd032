//! One CSV cell, safe to open in a spreadsheet.
//!
//! Rules (RFC 4180 and OWASP's CSV injection guidance): a cell that a spreadsheet would read as
//! a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading single
//! quote, so `=HYPERLINK(..)` in a free-text field shows as text; then a cell holding a comma, a
//! double quote or a line break is quoted, with its quotes doubled. Numbers are written by leder
//! itself and never negative, so no figure is altered.

/// The cell as written to a CSV line.
pub fn field(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_separators_quoted() {
        for (value, written) in [
            ("plain", "plain"),
            ("", ""),
            ("12", "12"),
            ("a, b", "\"a, b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            ),
            ("+1", "'+1"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(field(value), written, "{value:?}");
        }
    }
}
