//! The student portal: my released copies and one copy in full.

/// (key, French, English).
pub(super) const WORDS: &[(&str, &str, &str)] = &[
    ("student.results", "Mes résultats", "My results"),
    (
        "student.none",
        "Aucun résultat publié pour l\u{2019}instant. Vos copies apparaîtront ici dès que vos professeurs les auront publiées.",
        "No results released yet. Your copies will show here as soon as your teachers release them.",
    ),
    ("student.grade", "Note", "Grade"),
    (
        "student.pdf",
        "Télécharger la copie annotée (PDF)",
        "Download the annotated copy (PDF)",
    ),
    (
        "student.pdf_pending",
        "La copie annotée en PDF est en préparation.",
        "The annotated PDF is being prepared.",
    ),
    ("student.detail", "Détail par question", "By question"),
    ("student.question", "Question", "Question"),
    ("student.points", "Points", "Points"),
    ("student.remark", "Remarque", "Remark"),
    ("student.appreciation", "Appréciation", "Appreciation"),
    ("student.pages", "Ma copie corrigée", "My marked copy"),
    (
        "student.page_alt",
        "Page {n} de ma copie corrigée",
        "Page {n} of my marked copy",
    ),
    (
        "student.pages_js",
        "Activez JavaScript pour voir les pages annotées, ou téléchargez le PDF.",
        "Turn JavaScript on to see the marked pages, or download the PDF.",
    ),
];
