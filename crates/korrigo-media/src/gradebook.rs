//! The gradebook as an XLSX workbook: the same table as the CSV, numbers as numbers, the
//! heading row bold and frozen.

use korrigo_domain::gradebook::{Cell, Gradebook, safe_text};
use rust_xlsxwriter::{Format, Workbook};

/// Writes the workbook (one sheet named after the exam, cut to Excel's 31 characters).
pub fn xlsx(book: &Gradebook, sheet: &str) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let name: String = sheet
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if !name.trim().is_empty() {
        ws.set_name(name.trim()).map_err(|e| e.to_string())?;
    }
    let bold = Format::new().set_bold();
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    for (c, h) in book.headings.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| "too many columns".to_string())?;
        ws.write_string_with_format(0, c, h, &bold).map_err(err)?;
    }
    for (r, row) in book.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| "too many rows".to_string())?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| "too many columns".to_string())?;
            match cell {
                Cell::Text(t) => {
                    ws.write_string(r, c, safe_text(t)).map_err(err)?;
                }
                Cell::Number(v) => {
                    ws.write_number(r, c, *v).map_err(err)?;
                }
                Cell::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_workbook_holds_the_table_with_numbers_as_numbers() {
        let book = Gradebook {
            headings: vec!["NOM".into(), "NOTE /20".into()],
            rows: vec![vec![Cell::Text("SAINT-ANDRÉ".into()), Cell::Number(14.5)]],
        };
        let bytes = xlsx(&book, "Bac blanc: maths [1]").unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut sheet = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut sheet)
            .unwrap();
        assert!(sheet.contains("<v>14.5</v>"), "{sheet}");
        let mut strings = String::new();
        zip.by_name("xl/sharedStrings.xml")
            .unwrap()
            .read_to_string(&mut strings)
            .unwrap();
        assert!(strings.contains("SAINT-ANDRÉ") && strings.contains("NOTE /20"));
        let mut wbx = String::new();
        zip.by_name("xl/workbook.xml")
            .unwrap()
            .read_to_string(&mut wbx)
            .unwrap();
        assert!(wbx.contains("name=\"Bac blanc maths 1\""), "{wbx}");
    }
}
