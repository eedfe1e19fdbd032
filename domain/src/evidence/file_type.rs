//! What a document is, by its own bytes (never its name or declared type): PDF, Word and Excel
//! (OOXML zip packages and the older OLE compound files), JPEG, PNG, TIFF and plain text.
//! Anything else is refused.
//!
//! A [`Sniffer`] is fed the file as it streams past, chunk by chunk, and keeps at most
//! [`Sniffer::WINDOW`] bytes (plus one directory sector of a compound file): the signature is
//! read from the first bytes; a zip package must name `[Content_Types].xml` and `word/` or `xl/`
//! parts in its local headers; a compound file must hold a `WordDocument` or `Workbook` (`Book`)
//! stream in its first directory sector; text must be UTF-8 throughout with no control
//! character but tab, carriage return and line feed.

use crate::wire::wire_enum;

wire_enum! {
    /// A document type the case file keeps.
    pub enum DocumentType as "document type" {
        /// PDF.
        Pdf => "pdf",
        /// Word (OOXML).
        Docx => "docx",
        /// Excel (OOXML).
        Xlsx => "xlsx",
        /// Word 97-2003 (compound file).
        Doc => "doc",
        /// Excel 97-2003 (compound file).
        Xls => "xls",
        /// JPEG image.
        Jpeg => "jpeg",
        /// PNG image.
        Png => "png",
        /// TIFF image.
        Tiff => "tiff",
        /// Plain text (UTF-8).
        Text => "text",
    }
}

impl DocumentType {
    /// The media type a download is served as.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Doc => "application/msword",
            Self::Xls => "application/vnd.ms-excel",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Tiff => "image/tiff",
            Self::Text => "text/plain; charset=utf-8",
        }
    }
}

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAllowed {
    /// Its bytes are of no allowed type.
    #[error(
        "the file's content is not of an allowed type (PDF, Word, Excel, JPEG, PNG, TIFF or UTF-8 text)"
    )]
    Type,
    /// It is empty.
    #[error("the file is empty")]
    Empty,
}

const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

#[derive(Debug, Clone)]
enum State {
    /// Collecting the first bytes.
    Window,
    /// Decided by the signature.
    Known(DocumentType),
    /// A compound file: waiting for its first directory sector at `at` (`len` bytes).
    Compound {
        at: u64,
        len: usize,
        sector: Vec<u8>,
    },
    /// Text so far; `carry` holds an unfinished UTF-8 sequence.
    Text { carry: Vec<u8> },
    /// Refused.
    Refused,
}

/// Reads a file's type from its bytes as they stream past.
#[derive(Debug, Clone)]
pub struct Sniffer {
    window: Vec<u8>,
    seen: u64,
    state: State,
}

impl Default for Sniffer {
    fn default() -> Self {
        Self::new()
    }
}

impl Sniffer {
    /// How many first bytes decide the signature.
    pub const WINDOW: usize = 64 * 1024;

    /// A sniffer before any byte.
    pub fn new() -> Self {
        Self {
            window: Vec::new(),
            seen: 0,
            state: State::Window,
        }
    }

    /// Feeds the next bytes; refused as soon as they show the file is of no allowed type.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), NotAllowed> {
        let start = self.seen;
        self.seen += chunk.len() as u64;
        if matches!(self.state, State::Window) {
            let room = Self::WINDOW - self.window.len();
            let (head, rest) = chunk.split_at(room.min(chunk.len()));
            self.window.extend_from_slice(head);
            if self.window.len() < Self::WINDOW {
                return Ok(());
            }
            self.decide()?;
            return self.after_window(start + head.len() as u64, rest);
        }
        self.after_window(start, chunk)
    }

    /// The end of the file: its type, or why it is refused.
    pub fn finish(mut self) -> Result<DocumentType, NotAllowed> {
        if self.seen == 0 {
            return Err(NotAllowed::Empty);
        }
        if matches!(self.state, State::Window) {
            self.decide()?;
        }
        match self.state {
            State::Known(t) => Ok(t),
            State::Text { carry } if carry.is_empty() => Ok(DocumentType::Text),
            _ => Err(NotAllowed::Type),
        }
    }

    /// Bytes after the window, at offset `at` of the file.
    fn after_window(&mut self, at: u64, bytes: &[u8]) -> Result<(), NotAllowed> {
        match &mut self.state {
            State::Text { carry } => {
                let mut joined = std::mem::take(carry);
                joined.extend_from_slice(bytes);
                match check_text(&joined) {
                    Ok(rest) => {
                        *carry = rest.to_vec();
                        Ok(())
                    }
                    Err(e) => {
                        self.state = State::Refused;
                        Err(e)
                    }
                }
            }
            State::Compound {
                at: dir,
                len,
                sector,
            } => {
                let end = at + bytes.len() as u64;
                let want_end = *dir + *len as u64;
                let from = (*dir).max(at);
                let to = want_end.min(end);
                if from < to {
                    let s = usize::try_from(from - at).unwrap_or(0);
                    let e = usize::try_from(to - at).unwrap_or(0);
                    sector.extend_from_slice(&bytes[s..e]);
                }
                if sector.len() >= *len {
                    let found = compound_kind(sector);
                    self.state = found.map_or(State::Refused, State::Known);
                    return found.map(drop).ok_or(NotAllowed::Type);
                }
                Ok(())
            }
            State::Refused => Err(NotAllowed::Type),
            State::Known(_) | State::Window => Ok(()),
        }
    }

    /// Decides from the window (full, or the whole file when shorter).
    fn decide(&mut self) -> Result<(), NotAllowed> {
        let w = std::mem::take(&mut self.window);
        let known = if w.starts_with(b"%PDF-") {
            Some(DocumentType::Pdf)
        } else if w.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(DocumentType::Jpeg)
        } else if w.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(DocumentType::Png)
        } else if w.starts_with(b"II*\0") || w.starts_with(b"MM\0*") {
            Some(DocumentType::Tiff)
        } else if w.starts_with(b"PK\x03\x04") {
            Some(package_kind(&w).ok_or(NotAllowed::Type).inspect_err(|_| {
                self.state = State::Refused;
            })?)
        } else {
            None
        };
        if let Some(t) = known {
            self.state = State::Known(t);
            return Ok(());
        }
        if w.starts_with(&OLE) {
            let Some((at, len)) = directory_sector(&w) else {
                self.state = State::Refused;
                return Err(NotAllowed::Type);
            };
            self.state = State::Compound {
                at,
                len,
                sector: Vec::new(),
            };
            return self.after_window(0, &w);
        }
        self.state = State::Text { carry: Vec::new() };
        let body = w.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&w);
        let skipped = (w.len() - body.len()) as u64;
        self.after_window(skipped, body)
    }
}

/// Checks text, answering the unfinished UTF-8 sequence at its end (at most 3 bytes).
fn check_text(bytes: &[u8]) -> Result<&[u8], NotAllowed> {
    let (valid, rest) = match std::str::from_utf8(bytes) {
        Ok(s) => (s, &bytes[bytes.len()..]),
        Err(e) if e.error_len().is_none() => {
            let (head, tail) = bytes.split_at(e.valid_up_to());
            (
                std::str::from_utf8(head).map_err(|_| NotAllowed::Type)?,
                tail,
            )
        }
        Err(_) => return Err(NotAllowed::Type),
    };
    let control = valid
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'));
    if control {
        Err(NotAllowed::Type)
    } else {
        Ok(rest)
    }
}

/// The part names of a zip's local headers found in `w`: a Word or Excel package, or nothing.
fn package_kind(w: &[u8]) -> Option<DocumentType> {
    let mut content_types = false;
    let (mut word, mut excel) = (false, false);
    let mut i = 0;
    while let Some(pos) = find(&w[i..], b"PK\x03\x04") {
        let at = i + pos;
        let u16_at = |o: usize| {
            w.get(at + o..at + o + 2)
                .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
        };
        if let Some(name_len) = u16_at(26)
            && let Some(name) = w.get(at + 30..at + 30 + name_len)
        {
            content_types |= name == b"[Content_Types].xml";
            word |= name.starts_with(b"word/");
            excel |= name.starts_with(b"xl/");
        }
        i = at + 4;
    }
    match (content_types, word, excel) {
        (true, true, false) => Some(DocumentType::Docx),
        (true, false, true) => Some(DocumentType::Xlsx),
        _ => None,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Where a compound file's first directory sector is, and its length, from its header.
fn directory_sector(w: &[u8]) -> Option<(u64, usize)> {
    let shift = u16::from_le_bytes([*w.get(0x1E)?, *w.get(0x1F)?]);
    if !(7..=16).contains(&shift) {
        return None;
    }
    let size = 1usize << shift;
    let first = u32::from_le_bytes(w.get(0x30..0x34)?.try_into().ok()?);
    if first >= 0xFFFF_FFFA {
        return None;
    }
    Some(((u64::from(first) + 1) * size as u64, size))
}

/// A Word or Excel compound file, by the names of its directory entries (128 bytes each, a
/// UTF-16LE name first, its byte length at 0x40).
fn compound_kind(sector: &[u8]) -> Option<DocumentType> {
    let mut found = None;
    for entry in sector.chunks_exact(128) {
        let len = usize::from(u16::from_le_bytes([entry[0x40], entry[0x41]])).min(64);
        let units: Vec<u16> = entry[..len]
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .take_while(|&u| u != 0)
            .collect();
        match String::from_utf16_lossy(&units).as_str() {
            "WordDocument" => found = found.or(Some(DocumentType::Doc)),
            "Workbook" | "Book" => found = found.or(Some(DocumentType::Xls)),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests;
