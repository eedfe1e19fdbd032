//! `openapi.yaml`: the served document written as YAML that YAML 1.1 readers read alike.

/// The document as YAML, as committed in `openapi.yaml`: YAML 1.2 as `serde_yaml` writes it,
/// with the words a YAML 1.1 reader takes for booleans quoted (see [`quote_yaml_11_booleans`]).
pub fn yaml() -> Result<String, String> {
    serde_yaml::to_string(&super::document())
        .map(|yaml| quote_yaml_11_booleans(&yaml))
        .map_err(|e| e.to_string())
}

/// Words that YAML 1.1 (PyYAML, `openapi-spec-validator` and many client generators) reads as
/// booleans, though YAML 1.2 reads them as text and `serde_yaml` leaves them bare. A family
/// entry's property `on` and the opt-out answers `yes` and `no` would otherwise reach such a
/// client as `true` and `false`.
const YAML_11_BOOLEANS: [&str; 16] = [
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF",
];

/// Quotes every plain scalar of `yaml` that is a YAML 1.1 boolean word (a list item, a key or a
/// value), leaving the text of block scalars (descriptions) as it is. The meaning under YAML
/// 1.2 does not change.
fn quote_yaml_11_booleans(yaml: &str) -> String {
    let is_word = |s: &str| YAML_11_BOOLEANS.contains(&s);
    let mut block: Option<usize> = None;
    let mut out = String::with_capacity(yaml.len() + 64);
    for line in yaml.lines() {
        let text = line.trim_start();
        let indent = line.len() - text.len();
        if let Some(at) = block {
            if text.is_empty() || indent > at {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            block = None;
        }
        let (lead, rest) = match text.strip_prefix("- ") {
            Some(rest) => (&line[..indent + 2], rest),
            None => (&line[..indent], text),
        };
        let quoted = if is_word(rest) {
            format!("{lead}'{rest}'")
        } else if let Some((key, value)) = rest
            .split_once(':')
            .filter(|(_, v)| v.is_empty() || v.starts_with(' '))
        {
            let key = if is_word(key) {
                format!("'{key}'")
            } else {
                key.to_owned()
            };
            let value = value.trim_start();
            let value = if is_word(value) {
                format!(" '{value}'")
            } else if value.is_empty() {
                String::new()
            } else {
                format!(" {value}")
            };
            format!("{lead}{key}:{value}")
        } else {
            line.to_owned()
        };
        if quoted.ends_with('|')
            || quoted.ends_with("|-")
            || quoted.ends_with('>')
            || quoted.ends_with(">-")
        {
            block = Some(indent);
        }
        out.push_str(&quoted);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    /// The committed YAML means, under YAML 1.2, exactly the served document; and no YAML 1.1
    /// boolean word is left bare where a reader of 1.1 would take it for `true` or `false`.
    #[test]
    fn the_yaml_is_the_document_with_no_bare_yaml_11_booleans() {
        let yaml = super::yaml().unwrap();
        let read: serde_json::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(
            read,
            serde_json::to_value(crate::openapi::document()).unwrap()
        );
        assert!(yaml.contains("- 'on'") && yaml.contains("- 'yes'") && yaml.contains("- 'no'"));
        for line in yaml.lines() {
            let text = line.trim_start().trim_start_matches("- ");
            let bare = super::YAML_11_BOOLEANS.iter().any(|w| {
                text == *w
                    || text.starts_with(&format!("{w}:"))
                    || text.ends_with(&format!(": {w}"))
            });
            assert!(!bare, "a bare YAML 1.1 boolean: {line}");
        }
    }
}
