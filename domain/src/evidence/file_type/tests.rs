use super::*;

/// Feeds `bytes` in chunks of `size`.
fn sniff(bytes: &[u8], size: usize) -> Result<DocumentType, NotAllowed> {
    let mut s = Sniffer::new();
    for chunk in bytes.chunks(size.max(1)) {
        s.feed(chunk)?;
    }
    s.finish()
}

/// A zip whose local headers name `parts` (stored, empty).
fn zip(parts: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for name in parts {
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&[0; 12]);
        out.extend_from_slice(&u16::try_from(name.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(name.as_bytes());
    }
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 18]);
    out
}

/// A compound file of 512-byte sectors whose directory (sector `dir`) names `stream`.
fn compound(stream: &str, dir: u32) -> Vec<u8> {
    let mut out = vec![0u8; 512 * (dir as usize + 2)];
    out[..8].copy_from_slice(&OLE);
    out[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
    out[0x30..0x34].copy_from_slice(&dir.to_le_bytes());
    let at = 512 * (dir as usize + 1);
    let root: Vec<u16> = "Root Entry".encode_utf16().chain([0]).collect();
    let name: Vec<u16> = stream.encode_utf16().chain([0]).collect();
    for (i, units) in [root, name].iter().enumerate() {
        let e = at + 128 * i;
        for (j, u) in units.iter().enumerate() {
            out[e + 2 * j..e + 2 * j + 2].copy_from_slice(&u.to_le_bytes());
        }
        let len = u16::try_from(units.len() * 2).unwrap();
        out[e + 0x40..e + 0x42].copy_from_slice(&len.to_le_bytes());
    }
    out
}

#[test]
fn signatures_name_the_type_however_the_bytes_are_chunked() {
    let cases: [(&[u8], DocumentType); 5] = [
        (b"%PDF-1.7\n%binary\xE2\xE3", DocumentType::Pdf),
        (&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], DocumentType::Jpeg),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", DocumentType::Png),
        (b"II*\0\x08\0\0\0", DocumentType::Tiff),
        (b"MM\0*\0\0\0\x08", DocumentType::Tiff),
    ];
    for (bytes, expected) in cases {
        for size in [1, 3, 4096] {
            assert_eq!(sniff(bytes, size), Ok(expected), "{bytes:?} by {size}");
        }
    }
}

#[test]
fn office_packages_are_told_apart_by_their_parts() {
    let docx = zip(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
    let xlsx = zip(&["[Content_Types].xml", "xl/workbook.xml"]);
    assert_eq!(sniff(&docx, 7), Ok(DocumentType::Docx));
    assert_eq!(sniff(&xlsx, 4096), Ok(DocumentType::Xlsx));
    // Any other zip is refused, however it is named.
    assert_eq!(sniff(&zip(&["payload.exe"]), 100), Err(NotAllowed::Type));
    assert_eq!(
        sniff(&zip(&["word/document.xml"]), 100),
        Err(NotAllowed::Type)
    );
}

#[test]
fn compound_files_are_word_or_excel_by_their_streams_even_past_the_window() {
    assert_eq!(
        sniff(&compound("WordDocument", 0), 100),
        Ok(DocumentType::Doc)
    );
    assert_eq!(sniff(&compound("Workbook", 3), 512), Ok(DocumentType::Xls));
    // The directory sector far past the first 64 KiB.
    let far = compound("WordDocument", 300);
    assert!(far.len() > Sniffer::WINDOW);
    assert_eq!(sniff(&far, 1000), Ok(DocumentType::Doc));
    // An installer is a compound file too: refused.
    assert_eq!(
        sniff(&compound("\u{5}SummaryInformation", 0), 100),
        Err(NotAllowed::Type)
    );
}

#[test]
fn text_is_utf8_with_no_control_character_but_tab_and_line_breaks() {
    let text = "Discharge summary\r\n\tSeen by Dr Ó Súilleabháin — 3 × daily ✓\n".repeat(3000);
    assert!(text.len() > Sniffer::WINDOW);
    for size in [1, 2, 3, 5, 8191] {
        assert_eq!(
            sniff(text.as_bytes(), size),
            Ok(DocumentType::Text),
            "by {size}"
        );
    }
    assert_eq!(
        sniff(b"\xEF\xBB\xBFwith a byte order mark", 2),
        Ok(DocumentType::Text)
    );
    let mut late = text.clone().into_bytes();
    late.push(0x07);
    assert_eq!(sniff(&late, 4096), Err(NotAllowed::Type));
    assert_eq!(sniff(b"caf\xC3", 1), Err(NotAllowed::Type), "cut short");
    assert_eq!(sniff(b"latin-1 caf\xE9 au lait", 4), Err(NotAllowed::Type));
}

#[test]
fn executables_and_empty_files_are_refused() {
    let mut exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF".to_vec();
    exe.extend(std::iter::repeat_n(0u8, 100_000));
    assert_eq!(sniff(&exe, 4096), Err(NotAllowed::Type));
    assert_eq!(sniff(b"\x7FELF\x02\x01\x01", 4096), Err(NotAllowed::Type));
    assert_eq!(sniff(b"", 1), Err(NotAllowed::Empty));
}
