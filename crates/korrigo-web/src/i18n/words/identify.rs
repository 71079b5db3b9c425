//! The identification desk.

/// (key, French, English).
pub(super) const WORDS: &[(&str, &str, &str)] = &[
    ("ident.title", "Identification", "Identification"),
    ("ident.read", "Lu\u{a0}:", "Read:"),
    (
        "ident.taken",
        "déjà sur une autre copie",
        "already on another copy",
    ),
    (
        "ident.none",
        "Rien de lu pour l\u{2019}instant (lecture en cours ou en-tête absent).",
        "Nothing read yet (reading under way, or no header).",
    ),
    (
        "ident.done",
        "Aucune copie dans cette liste.",
        "No copy in this list.",
    ),
    (
        "ident.not_student",
        "Pas un élève / copie blanche",
        "Not a student / blank copy",
    ),
    ("ident.remaining", "à identifier", "to identify"),
    ("ident.pending", "À identifier", "Pending"),
    ("ident.auto", "Automatiques", "Automatic"),
    ("ident.manual", "Manuelles", "Manual"),
    ("ident.all", "Toutes", "All"),
    (
        "ident.rerun",
        "Relire tous les en-têtes",
        "Read every header again",
    ),
    (
        "ident.keys",
        "Clavier\u{a0}: 1–5 ou Entrée choisit une suggestion, / recherche (↑/↓ parcourent les résultats), ←/→ copie précédente/suivante, N pas un élève, S passer.",
        "Keys: 1–5 or Enter picks a suggestion, / searches (↑/↓ move in the results), ←/→ previous/next copy, N not a student, S skip.",
    ),
    (
        "ident.search",
        "Rechercher un élève (nom, prénom)",
        "Search a student (name, first name)",
    ),
    ("ident.skip", "Passer", "Skip"),
    ("ident.filter", "Copies affichées", "Copies shown"),
    ("ident.prev", "Précédente", "Previous"),
    ("ident.next", "Suivante", "Next"),
    ("ident.number", "n° de candidat", "candidate no."),
    ("ident.no_match", "Aucun élève trouvé.", "No student found."),
    ("ident.method_auto", "automatique", "automatic"),
    ("ident.method_manual", "à la main", "by hand"),
    ("ident.table", "Vue tableau", "Table view"),
    ("ident.desk", "Une copie à la fois", "One copy at a time"),
    (
        "ident.table_hint",
        "Cochez les copies dont la meilleure suggestion est la bonne, puis confirmez-les ensemble.",
        "Tick the copies whose best suggestion is right, then confirm them together.",
    ),
    ("ident.copy", "Copie", "Copy"),
    ("ident.best", "Meilleure suggestion", "Best suggestion"),
    ("ident.score", "Score", "Score"),
    (
        "ident.confirm",
        "Confirmer la sélection",
        "Confirm the selection",
    ),
    ("ident.select_all", "Tout cocher", "Tick all"),
    ("ident.confirmed_one", "copie identifiée", "copy identified"),
    (
        "ident.confirmed_many",
        "copies identifiées",
        "copies identified",
    ),
    (
        "ident.unmatched",
        "Élèves sans copie",
        "Students without a copy",
    ),
    (
        "ident.unmatched_none",
        "Chaque élève de l\u{2019}examen a sa copie.",
        "Every student of the exam has a copy.",
    ),
    (
        "ident.rerun_one",
        "copie sera relue.",
        "copy will be read again.",
    ),
    (
        "ident.rerun_many",
        "copies seront relues.",
        "copies will be read again.",
    ),
];
