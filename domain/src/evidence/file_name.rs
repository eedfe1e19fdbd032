//! A document's file name is kept only as text: shown in lists and offered back in the
//! download's `Content-Disposition`, never used as a path (objects are stored under ids).
//!
//! [`FileName::parse`] keeps what the sender called it, trimmed, without control characters
//! and at most [`FileName::MAX_CHARS`] characters; [`FileName::content_disposition`] renders
//! the RFC 6266 header with an ASCII fallback and the exact name as RFC 8187 `filename*`.

/// A file name, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

/// A file name that cannot be kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileNameError {
    /// Empty once trimmed.
    #[error("the file has no name")]
    Empty,
    /// Too long.
    #[error("a file name has at most 255 characters")]
    TooLong,
    /// It holds a control character.
    #[error("a file name cannot hold a control character")]
    Control,
}

impl FileNameError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "file_name_required",
            Self::TooLong => "file_name_too_long",
            Self::Control => "control_character",
        }
    }
}

impl FileName {
    /// The longest name kept, in characters.
    pub const MAX_CHARS: usize = 255;

    /// Checks a name as sent.
    pub fn parse(input: &str) -> Result<Self, FileNameError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(FileNameError::Empty);
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(FileNameError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(FileNameError::Control);
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>`: the fallback keeps
    /// letters, digits and `.-_ ()` of the last path segment, anything else becomes `_`.
    pub fn content_disposition(&self) -> String {
        let last = self
            .0
            .rsplit(['/', '\\'])
            .find(|s| !s.is_empty())
            .unwrap_or("document");
        let ascii: String = last
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let ascii = ascii.trim_start_matches('.');
        let ascii = if ascii.is_empty() { "document" } else { ascii };
        let mut encoded = String::new();
        for b in last.bytes() {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                encoded.push(char::from(b));
            } else {
                encoded.push_str(&format!("%{b:02X}"));
            }
        }
        format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_text_and_its_download_header_is_safe() {
        let n = FileName::parse("../../etc/passwd").unwrap();
        assert_eq!(n.as_str(), "../../etc/passwd");
        assert_eq!(
            n.content_disposition(),
            "attachment; filename=\"passwd\"; filename*=UTF-8''passwd"
        );
        let n = FileName::parse("Résumé \"final\";.pdf").unwrap();
        assert_eq!(
            n.content_disposition(),
            "attachment; filename=\"R_sum_ _final__.pdf\"; \
             filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22%3B.pdf"
        );
        assert_eq!(
            FileName::parse("..").unwrap().content_disposition(),
            "attachment; filename=\"document\"; filename*=UTF-8''.."
        );
    }

    #[test]
    fn empty_long_and_control_names_are_refused() {
        assert_eq!(FileName::parse("  "), Err(FileNameError::Empty));
        assert_eq!(
            FileName::parse(&"a".repeat(256)),
            Err(FileNameError::TooLong)
        );
        assert_eq!(FileName::parse("a\r\nb.pdf"), Err(FileNameError::Control));
        assert!(FileName::parse(&"é".repeat(255)).is_ok());
    }
}
