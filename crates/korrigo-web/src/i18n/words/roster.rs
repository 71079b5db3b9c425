//! The roster: students, CSV imports, student accounts.

/// (key, French, English).
pub(super) const WORDS: &[(&str, &str, &str)] = &[
    ("students.import", "Importer des élèves", "Import students"),
    ("students.class", "Classe", "Class"),
    ("students.group", "Groupe", "Group"),
    ("students.all_classes", "Toutes les classes", "All classes"),
    ("students.sort_class", "Trier par classe", "Sort by class"),
    ("students.sort_group", "Trier par groupe", "Sort by group"),
    (
        "students.empty",
        "Aucun élève. Importez l\u{2019}export CSV de Pronote ou de SIECLE avec « Importer des élèves ».",
        "No student yet. Import the Pronote or SIECLE CSV export with “Import students”.",
    ),
    (
        "students.empty_filtered",
        "Aucun élève ne correspond à ces filtres.",
        "No student matches these filters.",
    ),
    ("students.last_name", "Nom", "Last name"),
    ("students.first_name", "Prénom", "First name"),
    ("students.birth_date", "Né(e) le", "Birth date"),
    ("students.exams", "Examens passés", "Exams sat"),
    (
        "students.no_exams",
        "Aucun examen ne concerne cet élève.",
        "No exam concerns this student.",
    ),
    (
        "import.intro",
        "Choisissez l\u{2019}export CSV de Pronote ou de SIECLE (séparateur\u{a0}; ou , — UTF-8 ou Windows-1252). Un aperçu montre chaque ligne avant tout import\u{a0}; rien n\u{2019}est enregistré avant votre confirmation.",
        "Choose the Pronote or SIECLE CSV export (; or , separated — UTF-8 or Windows-1252). A preview shows every row before anything is imported; nothing is saved until you confirm.",
    ),
    ("import.file", "Fichier CSV", "CSV file"),
    (
        "import.confirm",
        "Confirmer l\u{2019}import",
        "Confirm the import",
    ),
    ("import.rejected", "Lignes rejetées", "Rejected rows"),
    ("import.valid", "Lignes valides", "Valid rows"),
    ("import.line", "Ligne", "Line"),
    ("import.reason", "Motif", "Reason"),
    ("import.content", "Contenu de la ligne", "Row as read"),
    (
        "import.rejected_kept",
        "Ces lignes n\u{2019}ont pas été importées. Corrigez-les dans votre fichier puis importez-le de nouveau (les élèves déjà importés seront simplement mis à jour).",
        "These rows were not imported. Fix them in your file and import it again (students already imported are simply updated).",
    ),
    (
        "import.rejected_csv",
        "Télécharger les lignes refusées (CSV)",
        "Download the rejected rows (CSV)",
    ),
    ("import.outcome", "Effet", "Outcome"),
    (
        "import.rows",
        "{new} nouveaux élèves, {updated} mises à jour, {unchanged} inchangés, {rejected} lignes rejetées.",
        "{new} new students, {updated} updates, {unchanged} unchanged, {rejected} rejected rows.",
    ),
    (
        "import.done",
        "Import terminé\u{a0}: {new} nouveaux élèves, {updated} mis à jour, {unchanged} inchangés, {rejected} lignes rejetées.",
        "Import done: {new} new students, {updated} updated, {unchanged} unchanged, {rejected} rejected rows.",
    ),
    (
        "accounts.intro",
        "Comptes élèves\u{a0}:",
        "Student accounts:",
    ),
    (
        "accounts.generate",
        "Créer les comptes et imprimer les codes (PDF)",
        "Create the accounts and print the codes (PDF)",
    ),
    (
        "accounts.confirm",
        "Créer un compte pour chaque élève qui n\u{2019}en a pas encore\u{a0}? Les codes d\u{2019}activation ne seront affichés qu\u{2019}une fois, dans le PDF.",
        "Create an account for each student who has none yet? The activation codes are shown only once, in the PDF.",
    ),
    (
        "accounts.title",
        "Compte de l\u{2019}élève",
        "Student account",
    ),
    (
        "accounts.none",
        "Pas encore de compte\u{a0}: créez ceux de sa classe depuis la liste des élèves.",
        "No account yet: create those of their class from the student list.",
    ),
    (
        "accounts.reset",
        "Nouveau code d\u{2019}activation (PDF)",
        "New activation code (PDF)",
    ),
    (
        "accounts.reset_confirm",
        "Remplacer le code d\u{2019}activation\u{a0}? L\u{2019}ancien ne fonctionnera plus et l\u{2019}élève sera déconnecté.",
        "Replace the activation code? The old one stops working and the student is logged out.",
    ),
    ("accounts.downloaded", "PDF téléchargé.", "PDF downloaded."),
];
