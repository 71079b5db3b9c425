//! The gradebook: one row per student, one column per question, then the total and the grade;
//! written as a CSV that French spreadsheets open as they are (UTF-8 with a BOM, `;`, decimal
//! commas, CRLF). The XLSX of the same table is written by `korrigo-media`.

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Words (a name, a class, a date).
    Text(String),
    /// A number, written with a decimal comma in the CSV and as a number in the XLSX.
    Number(f64),
    /// Nothing (a question without a score).
    Empty,
}

/// The whole table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gradebook {
    /// The column headings.
    pub headings: Vec<String>,
    /// The rows, in the order given.
    pub rows: Vec<Vec<Cell>>,
}

/// A text a spreadsheet would not run as a formula: one starting with `=`, `+`, `-` or `@`
/// gets a leading apostrophe, which spreadsheets show as text.
pub fn safe_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn field(s: &str) -> String {
    let s = safe_text(s);
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A number with a decimal comma and at most two decimals: `14,5`, `3`, `0,25`.
pub fn french_number(v: f64) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
}

impl Gradebook {
    /// The CSV file.
    pub fn csv(&self) -> Vec<u8> {
        let mut out = String::from("\u{feff}");
        let line = |cells: Vec<String>| cells.join(";") + "\r\n";
        out.push_str(&line(self.headings.iter().map(|h| field(h)).collect()));
        for row in &self.rows {
            out.push_str(&line(
                row.iter()
                    .map(|c| match c {
                        Cell::Text(t) => field(t),
                        Cell::Number(v) => french_number(*v),
                        Cell::Empty => String::new(),
                    })
                    .collect(),
            ));
        }
        out.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_opens_in_a_french_spreadsheet() {
        let g = Gradebook {
            headings: vec![
                "NOM".into(),
                "Exercice 1 · a) (/2,5)".into(),
                "NOTE /20".into(),
            ],
            rows: vec![
                vec![
                    Cell::Text("DUPONT".into()),
                    Cell::Number(2.25),
                    Cell::Number(14.5),
                ],
                vec![
                    Cell::Text("=HACK()".into()),
                    Cell::Empty,
                    Cell::Number(20.0),
                ],
                vec![
                    Cell::Text("O;Neil \"Jo\"".into()),
                    Cell::Number(0.0),
                    Cell::Number(7.25),
                ],
            ],
        };
        let got = String::from_utf8(g.csv()).unwrap();
        assert_eq!(
            got,
            "\u{feff}NOM;Exercice 1 · a) (/2,5);NOTE /20\r\n\
             DUPONT;2,25;14,5\r\n\
             '=HACK();;20\r\n\
             \"O;Neil \"\"Jo\"\"\";0;7,25\r\n"
        );
    }
}
