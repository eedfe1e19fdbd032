//! Reading an import file one row at a time (memory does not grow with the file): NDJSON, one
//! JSON object a line (blank lines skipped), or CSV with a header line naming each column by
//! the field's path (`person.nhs_number`, `stages_reached.allocated`); an empty cell is an
//! absent field, and the columns holding a flag, a list or the review form hold it as JSON.
//! Either way a row becomes the same JSON object and is parsed and validated by the API's own
//! parser ([`crate::extract::parse_json`], [`crate::extract::validate`]), so a field breaks the
//! same rule with the same name however it came.

use std::io::BufRead;

use serde_json::{Map, Value};

use crate::dto::imports::ImportRow;
use crate::error::{ApiError, FieldError};

/// The longest row taken, in bytes.
pub const MAX_ROW_BYTES: usize = 1024 * 1024;

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object a line (`application/x-ndjson`).
    Ndjson,
    /// A header line, then one review a line (`text/csv`).
    Csv,
}

impl Format {
    /// The format of a media type (parameters such as `charset` ignored).
    pub fn of_media_type(media_type: &str) -> Option<Format> {
        let essence = media_type.split(';').next()?.trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/x-ndjson" | "application/jsonl" => Some(Format::Ndjson),
            "text/csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The format a file name's extension says (`.ndjson`, `.jsonl`, `.csv`).
    pub fn of_file_name(name: &str) -> Option<Format> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// A file that cannot be read as a whole (as opposed to a row that breaks a rule).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// It could not be read.
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
    /// The CSV header names a column that is not a field of the format (or names one twice).
    #[error("column `{0}` is not a field of the import format (or is named twice)")]
    UnknownColumn(String),
}

impl From<FileError> for ApiError {
    fn from(e: FileError) -> Self {
        let column = match &e {
            FileError::UnknownColumn(c) => format!("columns.{c}"),
            FileError::Unreadable(_) => "body".to_owned(),
        };
        ApiError::bad_field(&column, "unreadable_file", e.to_string())
    }
}

/// How a CSV column's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// As text.
    Text,
    /// As JSON (a flag, a list, an object).
    Json,
}

/// Every CSV column, by the path of its field.
const COLUMNS: [(&str, Cell); 41] = [
    ("source.system", Cell::Text),
    ("source.id", Cell::Text),
    ("notified_on", Cell::Text),
    ("icb", Cell::Text),
    ("stage", Cell::Text),
    ("reviewer", Cell::Text),
    ("person.given_name", Cell::Text),
    ("person.family_name", Cell::Text),
    ("person.nhs_number", Cell::Text),
    ("person.date_of_birth", Cell::Text),
    ("person.date_of_death", Cell::Text),
    ("person.sex", Cell::Text),
    ("person.ethnic_category", Cell::Text),
    ("person.learning_disability", Cell::Json),
    ("person.autistic", Cell::Json),
    ("person.lived_in_england", Cell::Json),
    ("person.national_data_opt_out", Cell::Text),
    ("person.area_code", Cell::Text),
    ("person.place_of_death", Cell::Text),
    ("notifier.name", Cell::Text),
    ("notifier.relationship", Cell::Text),
    ("notifier.email", Cell::Text),
    ("notifier.phone", Cell::Text),
    ("notifier.organisation", Cell::Text),
    ("circumstances", Cell::Text),
    ("family_requests_focused_review", Cell::Json),
    ("notifying_organisation", Cell::Text),
    ("gp_practice", Cell::Text),
    ("stages_reached.allocated", Cell::Text),
    ("stages_reached.in_review", Cell::Text),
    ("stages_reached.awaiting_qa", Cell::Text),
    ("stages_reached.awaiting_sign_off", Cell::Text),
    ("stages_reached.completed", Cell::Text),
    ("holds", Cell::Json),
    ("findings", Cell::Json),
    ("learning_points", Cell::Json),
    ("opt_out_check.opted_out", Cell::Json),
    ("opt_out_check.checked_on", Cell::Text),
    ("opt_out_check.source", Cell::Text),
    ("ethnicity_confirmed_reason", Cell::Text),
    ("child_death_review_outcome", Cell::Json),
];

/// One row read: its number (1 for the first review of the file) and what it parsed to.
#[derive(Debug)]
pub struct Row {
    /// Its position among the file's reviews.
    pub number: u64,
    /// The row, or every field of it that breaks a rule.
    pub parsed: Result<ImportRow, Vec<FieldError>>,
}

/// The rows of a file, read one at a time.
pub struct Rows<R: BufRead> {
    inner: Inner<R>,
}

enum Inner<R: BufRead> {
    /// NDJSON.
    Ndjson {
        /// The file.
        reader: R,
        /// The line being read (reused).
        line: Vec<u8>,
        /// Rows read so far.
        count: u64,
    },
    /// CSV.
    Csv {
        /// The file, past its header.
        reader: csv::Reader<R>,
        /// Each column's field path and how its cells are read.
        columns: Vec<(&'static str, Cell)>,
        /// The record being read (reused).
        record: csv::StringRecord,
        /// Rows read so far.
        count: u64,
    },
}

impl<R: BufRead> Rows<R> {
    /// Opens a file (for CSV, reads and checks its header).
    pub fn open(format: Format, reader: R) -> Result<Self, FileError> {
        let inner = match format {
            Format::Ndjson => Inner::Ndjson {
                reader,
                line: Vec::new(),
                count: 0,
            },
            Format::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(true)
                    .from_reader(reader);
                let header = reader
                    .headers()
                    .map_err(|e| FileError::Unreadable(e.to_string()))?
                    .clone();
                let mut columns: Vec<(&'static str, Cell)> = Vec::new();
                for name in header.iter() {
                    let name = name.trim().trim_start_matches('\u{feff}');
                    let known = COLUMNS.iter().find(|(path, _)| *path == name);
                    match known {
                        Some(column) if !columns.iter().any(|(p, _)| *p == column.0) => {
                            columns.push(*column);
                        }
                        _ => return Err(FileError::UnknownColumn(printable(name))),
                    }
                }
                Inner::Csv {
                    reader,
                    columns,
                    record: csv::StringRecord::new(),
                    count: 0,
                }
            }
        };
        Ok(Rows { inner })
    }

    /// The next row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row>, FileError> {
        match &mut self.inner {
            Inner::Ndjson {
                reader,
                line,
                count,
            } => loop {
                line.clear();
                let read = reader
                    .read_until(b'\n', line)
                    .map_err(|e| FileError::Unreadable(e.to_string()))?;
                if read == 0 {
                    return Ok(None);
                }
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                *count += 1;
                let parsed = if line.len() > MAX_ROW_BYTES {
                    Err(too_long())
                } else {
                    parse(line)
                };
                return Ok(Some(Row {
                    number: *count,
                    parsed,
                }));
            },
            Inner::Csv {
                reader,
                columns,
                record,
                count,
            } => {
                let more = match reader.read_record(record) {
                    Ok(more) => more,
                    Err(e) if e.is_io_error() => return Err(FileError::Unreadable(e.to_string())),
                    Err(e) => {
                        *count += 1;
                        let error = FieldError::new("row", "unreadable_row", e.to_string());
                        return Ok(Some(Row {
                            number: *count,
                            parsed: Err(vec![error]),
                        }));
                    }
                };
                if !more {
                    return Ok(None);
                }
                *count += 1;
                let parsed = if record.as_slice().len() > MAX_ROW_BYTES {
                    Err(too_long())
                } else {
                    object_of(columns, record).and_then(|object| {
                        serde_json::to_vec(&Value::Object(object))
                            .map_err(|e| {
                                vec![FieldError::new("row", "unreadable_row", e.to_string())]
                            })
                            .and_then(|bytes| parse(&bytes))
                    })
                };
                Ok(Some(Row {
                    number: *count,
                    parsed,
                }))
            }
        }
    }
}

fn too_long() -> Vec<FieldError> {
    vec![FieldError::new(
        "row",
        "row_too_long",
        format!("a row has at most {MAX_ROW_BYTES} bytes"),
    )]
}

/// A CSV record as the JSON object of its row: each non-empty cell at its field's path.
fn object_of(
    columns: &[(&'static str, Cell)],
    record: &csv::StringRecord,
) -> Result<Map<String, Value>, Vec<FieldError>> {
    if record.len() != columns.len() {
        return Err(vec![FieldError::new(
            "row",
            "wrong_number_of_cells",
            format!(
                "the row has {} cells; the header names {} columns",
                record.len(),
                columns.len()
            ),
        )]);
    }
    let mut object = Map::new();
    let mut errors = Vec::new();
    for ((path, cell), text) in columns.iter().zip(record.iter()) {
        if text.trim().is_empty() {
            continue;
        }
        let value = match cell {
            Cell::Text => Value::String(text.to_owned()),
            Cell::Json => match serde_json::from_str(text) {
                Ok(value) => value,
                Err(e) => {
                    errors.push(FieldError::new(
                        *path,
                        "invalid_json",
                        format!("this column holds JSON: {e}"),
                    ));
                    continue;
                }
            },
        };
        let mut at = &mut object;
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                at.insert(part.to_owned(), value);
                break;
            }
            let entry = at
                .entry(part.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            match entry {
                Value::Object(inner) => at = inner,
                _ => {
                    errors.push(FieldError::new(
                        *path,
                        "conflicting_columns",
                        format!("`{part}` is given whole and by its fields"),
                    ));
                    break;
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(object)
    } else {
        Err(errors)
    }
}

/// A row's JSON as the API parses and validates a body: every field that breaks a rule named.
fn parse(bytes: &[u8]) -> Result<ImportRow, Vec<FieldError>> {
    let row: ImportRow = crate::extract::parse_json(bytes).map_err(field_errors)?;
    crate::extract::validate(&row).map_err(field_errors)?;
    Ok(row)
}

/// The fields an error names (one naming the row when it names none).
pub fn field_errors(e: ApiError) -> Vec<FieldError> {
    match e {
        ApiError::BadRequest { errors, detail }
        | ApiError::Unprocessable { errors, detail }
        | ApiError::UnprocessableWith { errors, detail, .. } => {
            if errors.is_empty() {
                vec![FieldError::new("row", "invalid_row", detail)]
            } else {
                errors
            }
        }
        other => vec![FieldError::new("row", "invalid_row", other.to_string())],
    }
}

/// `name` with its control characters written as escapes (`\u{84}`): a header is echoed in
/// the problem, which never carries a control character.
fn printable(name: &str) -> String {
    name.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_unicode().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}
