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
    ("ident.method_label", "par étiquette", "by label"),
    (
        "ident.label_foreign",
        "étiquette d\u{2019}un élève qui ne passe pas ce devoir",
        "label of a student not taking this exam",
    ),
    (
        "ident.label_unused",
        "étiquette lue, mais son élève a déjà une copie ou elle figure sur une autre copie\u{a0}: vérifiez",
        "label read, but its student already has a copy or it is on another copy too: check",
    ),
    (
        "labels.title",
        "Étiquettes QR à coller sur les copies",
        "QR labels to stick on the copies",
    ),
    (
        "labels.hint",
        "Imprimez-les avant l\u{2019}épreuve sur des planches A4 de 3\u{a0}×\u{a0}8 étiquettes autocollantes (70\u{a0}×\u{a0}37\u{a0}mm). Chaque élève colle la sienne dans l\u{2019}en-tête de sa copie, qui est alors identifiée avec certitude. Le code QR ne contient aucune donnée personnelle\u{a0}; les étiquettes d\u{2019}un élève restent valables d\u{2019}un devoir à l\u{2019}autre.",
        "Print them before the exam on A4 sheets of 3 × 8 self-adhesive labels (70 × 37 mm). Each student sticks theirs in the header of their copy, which is then identified with certainty. The QR code holds no personal data; a student\u{2019}s labels stay valid from one exam to the next.",
    ),
    ("labels.class", "Classe", "Class"),
    (
        "labels.all_classes",
        "Toutes (une planche par classe)",
        "All (one sheet per class)",
    ),
    (
        "labels.per_student",
        "Étiquettes par élève",
        "Labels per student",
    ),
    (
        "labels.skip",
        "Étiquettes déjà utilisées sur la première planche",
        "Labels already used on the first sheet",
    ),
    (
        "labels.download",
        "Télécharger les étiquettes (PDF)",
        "Download the labels (PDF)",
    ),
    (
        "labels.done",
        "{n} étiquettes pour {s} élèves téléchargées.",
        "{n} labels for {s} students downloaded.",
    ),
    (
        "labels.none",
        "Aucun élève à qui imprimer des étiquettes\u{a0}: importez la liste des élèves et choisissez les classes du devoir.",
        "No student to print labels for: import the roster and choose the exam's classes.",
    ),
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
