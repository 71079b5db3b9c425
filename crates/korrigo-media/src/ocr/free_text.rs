//! A header without boxes (plain paper, a "Nom / Prénom" line written by hand): the fields
//! from the text read, never the printed words. A line whose printed label names a field
//! ("Nom :", "Prénom(s) :", "Né(e) le :") gives that field what follows the label; without
//! such labels, the longest line of capitals stands for "NAME First name". Printed words
//! (labels, titles, notes) are dropped wherever they appear.

/// Words printed on headers, folded to capitals without accents: never part of a name (the
/// particles "le", "de", "du" of the labels are kept: names have them too, "Le Goff").
pub const PRINTED_WORDS: &[&str] = &[
    "NOM",
    "NOMS",
    "PRENOM",
    "PRENOMS",
    "FAMILLE",
    "NAISSANCE",
    "MODELE",
    "CMEN",
    "NUMERO",
    "INSCRIPTION",
    "CANDIDAT",
    "DATE",
    "CLASSE",
    "SUIVI",
    "USAGE",
    "CONVOCATION",
    "EPREUVE",
    "SESSION",
    "SIGNATURE",
    "EXAMEN",
    "SERIE",
    "NOTICE",
];

/// The fields found in a free text: `(last name, first name, birth-date digits)`.
pub(super) fn fields(text: &str) -> (String, String, String) {
    let (mut last, mut first, mut date) = (String::new(), String::new(), String::new());
    let mut fallback = String::new();
    for line in text.lines() {
        let folded = korrigo_domain::text::fold(line).to_uppercase();
        let (label, value) = match line.split_once(':') {
            Some((l, v)) => (korrigo_domain::text::fold(l).to_uppercase(), v),
            None => (String::new(), line),
        };
        let digits: String = value.chars().filter(char::is_ascii_digit).collect();
        if label.contains("PRENOM") {
            first = name_words(value);
        } else if label.contains("NOM") {
            last = name_words(value);
        } else if (label.contains("NE") && label.contains("LE")) || label.contains("NAISSANCE") {
            date = digits;
        } else if label.is_empty() && !folded.contains("NOM") {
            let candidate = name_words(line);
            let caps = |s: &str| s.chars().filter(|c| c.is_uppercase()).count();
            if caps(&candidate) > caps(&fallback) {
                fallback = candidate;
            }
        }
    }
    if last.is_empty() && first.is_empty() {
        let mut words = fallback.split_whitespace();
        last = words.next().unwrap_or("").to_string();
        first = words.collect::<Vec<_>>().join(" ");
    }
    (last, first, date)
}

/// The words of `s` that can be part of a name: letters (with hyphens and apostrophes), and
/// not a printed word.
fn name_words(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()))
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .filter(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        })
        .filter(|w| {
            let key = korrigo_domain::text::fold(w).to_uppercase();
            !PRINTED_WORDS.contains(&key.as_str())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::fields;

    #[test]
    fn labelled_lines_give_their_fields_and_printed_words_never_do() {
        let text = "MODÈLE CMEN\nNom : Martin\nPrénom : Chloé\nNé(e) le : 03/04/2008\nClasse : 1A";
        assert_eq!(
            fields(text),
            ("Martin".into(), "Chloé".into(), "03042008".into())
        );
        // "Nom de famille : SAINT-ANDRÉ", the label itself never a name.
        let (last, first, _) = fields("Nom de famille : SAINT-ANDRÉ\nPrénom(s) : Éloïse");
        assert_eq!((last.as_str(), first.as_str()), ("SAINT-ANDRÉ", "Éloïse"));
        // Labels read but nothing written after them: empty fields, not the labels.
        assert_eq!(
            fields("Nom :\nPrénom :\nNé(e) le :"),
            (String::new(), String::new(), String::new())
        );
        // A particle is part of a name.
        assert_eq!(fields("Nom : Le Goff").0, "Le Goff");
        // No labels: the line of capitals, printed words left out.
        let (last, first, _) = fields("MODELE CMEN\nDUPONT Maël\nsuite croissante");
        assert_eq!((last.as_str(), first.as_str()), ("DUPONT", "Maël"));
    }
}
